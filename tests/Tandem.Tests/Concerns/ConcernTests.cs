using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Concerns;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Concerns;

/// <summary>
/// Concerns through HTTP (ADR 23): the reporter sees states and dates; the handlers see the notes; the person a
/// concern is about never sees it; safeguarding reports are for the organisation's designated leads. Each test has a
/// clock of its own on the class's database.
/// </summary>
public sealed class ConcernTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private const string Description = "My mentor shouted at me in the library and I do not want to meet alone.";
    private const string AckNote = "Handler only: spoke to the head of year";
    private const string MediationNote = "Handler only: both agreed to meet in the open area";
    private const string ResolveNote = "Handler only: resolved after the meeting";

    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private sealed record World(Pair Pair, HttpClient Mentee, HttpClient Mentor, HttpClient Coordinator, UserSummary Staff, HttpClient StaffClient);

    private async Task<World> WorldAsync()
    {
        var pair = await fixture.PairAsync();
        var staff = await fixture.Tandem.CreateUserAsync("Stella Staff");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, staff, OrganisationRole.Member);
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, staff, "Staff");
        return new World(pair, await fixture.SignInAsync(pair.Mentee), await fixture.SignInAsync(pair.Mentor), pair.Coordinator, staff, await fixture.SignInAsync(staff));
    }

    private static async Task<MyConcernView> ReportAsync(World w, string category = "Conflict", bool aboutMentor = true)
    {
        var response = await w.Mentee.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns", new
        {
            category,
            subjectUserId = aboutMentor ? w.Pair.Mentor.Id : (Guid?)null,
            relationshipId = aboutMentor ? w.Pair.RelationshipId : (Guid?)null,
            description = Description,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!;
    }

    private static string Path(World w, Guid concernId, string step = "") => $"/api/v1/programs/{w.Pair.ProgramId}/concerns/{concernId}{step}";

    private static async Task<ConcernDetails> StepAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ConcernDetails>(Json.Options))!;
    }

    private static async Task<List<NotificationView>> NotificationsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications?pageSize=100", Json.Options))!.Items.ToList();

    private static async Task<string> BodyAsync(HttpClient client, string path) => await (await client.GetAsync(path)).Content.ReadAsStringAsync();

    [Fact]
    public async Task AMenteeReportsAConcernAndTheCoordinatorTakesItFromReceivedToResolvedWithAMediation()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w);

        Assert.Equal(ConcernState.Received, reported.State);
        var received = Assert.Single(await NotificationsAsync(w.Coordinator), n => n.Title.StartsWith("New concern", StringComparison.Ordinal));
        Assert.DoesNotContain("shouted", received.Body);
        Assert.DoesNotContain("Mona Tor", received.Body);
        var list = await w.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options);
        var line = Assert.Single(list!.Concerns.Items);
        Assert.Equal(("Menna Tee", "Mona Tor", false), (line.ReporterName, line.SubjectName, line.Overdue));
        Assert.Equal(new DateTime(2027, 2, 3, 9, 0, 0, DateTimeKind.Utc), line.AcknowledgeBy);

        var acknowledged = await StepAsync(w.Coordinator, Path(w, reported.Id, "/acknowledge"), new { note = AckNote });
        Assert.Equal(ConcernState.Acknowledged, acknowledged.State);
        Assert.Contains(w.Staff.Id, acknowledged.PossibleMediators.Select(m => m.UserId));
        Assert.DoesNotContain(w.Pair.Mentor.Id, acknowledged.PossibleMediators.Select(m => m.UserId));
        Assert.DoesNotContain(w.Pair.Mentee.Id, acknowledged.PossibleMediators.Select(m => m.UserId));

        var at = Now.AddDays(2);
        var scheduled = await StepAsync(w.Coordinator, Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Staff.Id, startsAt = at });
        Assert.Equal((ConcernState.MediationScheduled, at, "Stella Staff"), (scheduled.State, scheduled.MediationAt!.Value, scheduled.Mediator!.DisplayName));
        var asked = Assert.Single(await NotificationsAsync(w.StaffClient));
        Assert.StartsWith("You are asked to mediate", asked.Title);
        Assert.DoesNotContain("shouted", asked.Body);

        var early = await w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation/record"), new { note = MediationNote });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        fixture.Clock.Advance(TimeSpan.FromDays(2.1));
        await StepAsync(w.Coordinator, Path(w, reported.Id, "/mediation/record"), new { note = MediationNote });
        var resolved = await StepAsync(w.Coordinator, Path(w, reported.Id, "/resolve"), new { note = ResolveNote });

        Assert.Equal(ConcernState.Resolved, resolved.State);
        Assert.Equal([ConcernState.Received, ConcernState.Acknowledged, ConcernState.MediationScheduled, ConcernState.MediationHeld, ConcernState.Resolved],
            resolved.Timeline.Select(s => s.Step));
        Assert.Equal([null, AckNote, null, MediationNote, ResolveNote], resolved.Timeline.Select(s => s.Note));
        Assert.Equal("Cora Ordinator", resolved.Timeline[1].By);
        Assert.Empty(resolved.NextSteps);
        Assert.Equal(HttpStatusCode.Conflict, (await w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/escalate"), new { note = "again" })).StatusCode);

        // The reporter: the state and the date of each step, field by field, and no note or name anywhere.
        var mine = Assert.Single((await w.Mentee.GetFromJsonAsync<Paged<MyConcernView>>("/api/v1/concerns/mine", Json.Options))!.Items);
        Assert.Equal((reported.Id, ConcernState.Resolved, ConcernCategory.Conflict, "Reading Buddies"), (mine.Id, mine.State, mine.Category, mine.ProgramName));
        Assert.Equal(resolved.Timeline.Select(s => (s.Step, s.At)), mine.Steps.Select(s => (s.Step, s.At)));
        var raw = JsonNode.Parse(await BodyAsync(w.Mentee, "/api/v1/concerns/mine"))!["items"]![0]!.AsObject();
        Assert.Equal(["id", "programId", "programName", "category", "state", "reportedAt", "steps"], raw.Select(p => p.Key));
        Assert.Equal(["step", "at"], raw["steps"]![0]!.AsObject().Select(p => p.Key));
        var seenByReporter = await BodyAsync(w.Mentee, "/api/v1/concerns/mine") + await BodyAsync(w.Mentee, "/concerns")
            + await BodyAsync(w.Mentee, "/api/v1/me/notifications?pageSize=100") + await BodyAsync(w.Mentee, "/notifications");
        foreach (var secret in new[] { AckNote, MediationNote, ResolveNote, "Cora Ordinator", "Stella Staff" })
        {
            Assert.DoesNotContain(secret, seenByReporter);
        }
        Assert.Contains("Resolved", await BodyAsync(w.Mentee, "/concerns"));
        Assert.Contains(await NotificationsAsync(w.Mentee), n => n.Title == "Your concern is resolved");
    }

    [Fact]
    public async Task ThePersonAConcernIsAboutNeverSeesItNorHearsOfIt()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w);
        await StepAsync(w.Coordinator, Path(w, reported.Id, "/acknowledge"), new { });

        Assert.Empty((await w.Mentor.GetFromJsonAsync<Paged<MyConcernView>>("/api/v1/concerns/mine", Json.Options))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Mentor.GetAsync(Path(w, reported.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Mentor.GetAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Mentor.PostAsJsonAsync(Path(w, reported.Id, "/resolve"), new { note = "x" })).StatusCode);
        var seen = await BodyAsync(w.Mentor, "/api/v1/concerns/mine") + await BodyAsync(w.Mentor, "/concerns")
            + await BodyAsync(w.Mentor, "/api/v1/me/notifications?pageSize=100") + await BodyAsync(w.Mentor, $"/programs/{w.Pair.ProgramId}/concerns/{reported.Id}")
            + await BodyAsync(w.Mentor, "/my/relationships");
        Assert.DoesNotContain("shouted", seen);
        Assert.DoesNotContain(reported.Id.ToString(), seen);
        Assert.DoesNotContain(await NotificationsAsync(w.Mentor), n => n.Title.Contains("concern", StringComparison.OrdinalIgnoreCase));

        // A concern about a coordinator: another coordinator handles it; the one it is about finds nothing, even as a coordinator.
        var other = await fixture.Tandem.CreateUserAsync("Colin Second");
        await fixture.Tandem.AddMemberAsync(w.Pair.School.Organisation.Id, other, OrganisationRole.Coordinator);
        var aboutCoordinator = await w.Mentee.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns",
            new { category = "Other", subjectUserId = w.Pair.School.Coordinator.Id, description = "The coordinator keeps cancelling our sessions." });
        Assert.Equal(HttpStatusCode.Created, aboutCoordinator.StatusCode);
        var concernId = (await aboutCoordinator.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!.Id;
        var otherClient = await fixture.SignInAsync(other);

        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.GetAsync(Path(w, concernId))).StatusCode);
        Assert.DoesNotContain(concernId, (await w.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items.Select(c => c.Id));
        Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync(Path(w, concernId))).StatusCode);
        Assert.Single(await NotificationsAsync(otherClient), n => n.Link == $"/programs/{w.Pair.ProgramId}/concerns/{concernId}");
        Assert.DoesNotContain(await NotificationsAsync(w.Coordinator), n => n.Link == $"/programs/{w.Pair.ProgramId}/concerns/{concernId}");
    }

    [Fact]
    public async Task ASafeguardingReportIsReadOnlyByTheOrganisationsDesignatedLeads()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w, "Safeguarding", aboutMentor: false);

        // No lead yet: the organisation's coordinators are told to designate one, and nothing about the report.
        var noLead = Assert.Single(await NotificationsAsync(w.Coordinator), n => n.Title == "A safeguarding report has no designated lead");
        Assert.Null(noLead.Link);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.GetAsync(Path(w, reported.Id))).StatusCode);
        Assert.Empty((await w.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);

        // Only the organisation's coordinators designate, and only members.
        var organisation = w.Pair.School.Organisation.Id;
        Assert.Equal(HttpStatusCode.Forbidden, (await w.StaffClient.PutAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{w.Staff.Id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.PutAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{w.Pair.School.Outsider.Id}", null)).StatusCode);
        var designated = await w.Coordinator.PutAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{w.Staff.Id}", null);
        Assert.Equal(HttpStatusCode.OK, designated.StatusCode);
        Assert.Equal("Stella Staff", Assert.Single((await w.Coordinator.GetFromJsonAsync<Paged<SafeguardingLeadView>>($"/api/v1/organisations/{organisation}/safeguarding-leads", Json.Options))!.Items).DisplayName);

        var asLead = await w.StaffClient.GetFromJsonAsync<ConcernDetails>(Path(w, reported.Id), Json.Options);
        Assert.Equal((ConcernCategory.Safeguarding, Description), (asLead!.Category, asLead.Description));
        Assert.Single((await w.StaffClient.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);
        await StepAsync(w.StaffClient, Path(w, reported.Id, "/acknowledge"), new { note = "Lead only" });
        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/escalate"), new { note = "x" })).StatusCode);
        var escalated = await StepAsync(w.StaffClient, Path(w, reported.Id, "/escalate"), new { note = "Referred to the local authority" });
        Assert.Equal(ConcernState.Escalated, escalated.State);

        // Other participants and other organisations find nothing.
        var otherMentee = await fixture.SignInAsync(w.Pair.OtherMentee);
        var outsider = await fixture.SignInAsync(w.Pair.School.Outsider);
        foreach (var client in new[] { otherMentee, outsider, w.Mentor })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Path(w, reported.Id))).StatusCode);
            Assert.Empty((await client.GetFromJsonAsync<Paged<MyConcernView>>("/api/v1/concerns/mine", Json.Options))!.Items);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns", new { category = "Other", description = Description })).StatusCode);

        // Withdrawn, the lead no longer reads it.
        Assert.Equal(HttpStatusCode.NoContent, (await w.Coordinator.DeleteAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{w.Staff.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.StaffClient.GetAsync(Path(w, reported.Id))).StatusCode);
    }

    [Fact]
    public async Task AConcernUnacknowledgedForTwoWorkingDaysRemindsItsHandlersOnce()
    {
        var w = await WorldAsync();
        var waiting = await ReportAsync(w);
        var acknowledged = await ReportAsync(w, "NoShow", aboutMentor: false);
        await StepAsync(w.Coordinator, Path(w, acknowledged.Id, "/acknowledge"), new { });
        Task<int> RunAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<RemindUnacknowledgedConcerns>().RunAsync());
        int Reminders(List<NotificationView> notes) => notes.Count(n => n.Title.StartsWith("Waiting for acknowledgement", StringComparison.Ordinal));

        // Reported on Monday 09:00 UTC: due on Wednesday 09:00.
        fixture.Clock.Advance(TimeSpan.FromHours(47.9));
        Assert.Equal(0, await RunAsync());
        fixture.Clock.Advance(TimeSpan.FromHours(0.2));
        // Two passes at once remind it once (other tests' concerns on this database may fall due too: count this one's notices).
        var runs = await Task.WhenAll(RunAsync(), RunAsync());
        Assert.True(runs.Sum() >= 1);
        Assert.Equal(0, await RunAsync());

        var coordinatorNotes = await NotificationsAsync(w.Coordinator);
        Assert.Equal(1, Reminders(coordinatorNotes));
        Assert.Equal($"/programs/{w.Pair.ProgramId}/concerns/{waiting.Id}", coordinatorNotes.Single(n => n.Title.StartsWith("Waiting", StringComparison.Ordinal)).Link);
        Assert.Contains(await fixture.OutboxForAsync(w.Pair.School.Coordinator.Email), e => e.Subject.StartsWith("Waiting for acknowledgement", StringComparison.Ordinal));
        Assert.Equal(0, Reminders(await NotificationsAsync(w.Mentor)));
        Assert.Equal(0, Reminders(await NotificationsAsync(w.Mentee)));
        var listed = (await w.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items;
        Assert.True(listed.Single(c => c.Id == waiting.Id).Overdue);
        Assert.False(listed.Single(c => c.Id == acknowledged.Id).Overdue);
    }

    [Fact]
    public void TwoWorkingDaysSkipTheWeekend()
    {
        Assert.Equal(new DateTime(2027, 2, 3, 9, 0, 0), WorkingDays.Add(new DateTime(2027, 2, 1, 9, 0, 0, DateTimeKind.Utc), 2));
        Assert.Equal(new DateTime(2027, 2, 9, 15, 0, 0), WorkingDays.Add(new DateTime(2027, 2, 5, 15, 0, 0, DateTimeKind.Utc), 2)); // Friday → Tuesday
        Assert.Equal(new DateTime(2027, 2, 10, 0, 0, 0), WorkingDays.Add(new DateTime(2027, 2, 6, 10, 0, 0, DateTimeKind.Utc), 2)); // Saturday → Wednesday
        Assert.Equal(DateTimeKind.Utc, WorkingDays.Add(new DateTime(2027, 2, 6, 10, 0, 0, DateTimeKind.Utc), 2).Kind);
    }

    [Fact]
    public async Task BadInputAndStepsOutOfOrderGetProblemDetailsNeverA500()
    {
        var w = await WorldAsync();
        var programPath = $"/api/v1/programs/{w.Pair.ProgramId}/concerns";
        async Task Expect(HttpStatusCode status, Task<HttpResponseMessage> call, string? field = null)
        {
            var response = await call;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (field is not null)
            {
                Assert.Contains(field, body, StringComparison.OrdinalIgnoreCase);
            }
        }

        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { category = "Conflict", description = "short" }), "description");
        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { category = "Bullying", description = Description }));
        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { description = Description }), "category");
        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { category = "Other", description = Description, subjectUserId = w.Pair.School.Outsider.Id }), "subjectUserId");
        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { category = "Other", description = Description, subjectUserId = w.Pair.Mentee.Id }), "subjectUserId");
        var secondPair = await w.Pair.SecondPairAsync();
        await Expect(HttpStatusCode.BadRequest, w.Mentee.PostAsJsonAsync(programPath, new { category = "Other", description = Description, relationshipId = secondPair }), "relationshipId");
        await Expect(HttpStatusCode.NotFound, w.Mentee.PostAsJsonAsync($"/api/v1/programs/{Guid.NewGuid()}/concerns", new { category = "Other", description = Description }));
        var organisationCoordinator = await fixture.Tandem.CreateUserAsync("Olga Coordinator");
        await fixture.Tandem.AddMemberAsync(w.Pair.School.Organisation.Id, organisationCoordinator, OrganisationRole.Coordinator);
        await Expect(HttpStatusCode.Forbidden, (await fixture.SignInAsync(organisationCoordinator)).PostAsJsonAsync(programPath, new { category = "Other", description = Description }));
        await Expect(HttpStatusCode.NotFound, (await fixture.SignInAsync(w.Pair.School.Outsider)).PostAsJsonAsync(programPath, new { category = "Other", description = Description }));
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.GetAsync($"{programPath}?page=0"), "page");
        await Expect(HttpStatusCode.BadRequest, w.Mentee.GetAsync("/api/v1/concerns/mine?pageSize=1000"), "pageSize");

        var reported = await ReportAsync(w);
        await Expect(HttpStatusCode.Conflict, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/resolve"), new { note = "too soon" }));
        await Expect(HttpStatusCode.Conflict, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation/record"), new { note = "nothing scheduled" }));
        await Expect(HttpStatusCode.NotFound, w.Coordinator.PostAsJsonAsync(Path(w, Guid.NewGuid(), "/acknowledge"), new { }));
        await StepAsync(w.Coordinator, Path(w, reported.Id, "/acknowledge"), new { });
        await Expect(HttpStatusCode.Conflict, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/acknowledge"), new { }));
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/resolve"), new { note = "" }), "note");
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Pair.Mentee.Id, startsAt = Now.AddDays(1) }), "mediatorUserId");
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Pair.Mentor.Id, startsAt = Now.AddDays(1) }), "mediatorUserId");
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Staff.Id, startsAt = Now.AddDays(-1) }), "startsAt");
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { startsAt = Now.AddDays(1) }), "mediatorUserId");
        await Expect(HttpStatusCode.NotFound, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Staff.Id, startsAt = Now.AddDays(1) }).ContinueWith(_ => w.Mentee.GetAsync(Path(w, reported.Id))).Unwrap());
        await Expect(HttpStatusCode.BadRequest, w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/resolve"), new { note = new string('x', Concern.NoteMax + 1) }), "note");
    }

    private static string LeadPath(World w, Guid userId) => $"/api/v1/organisations/{w.Pair.School.Organisation.Id}/safeguarding-leads/{userId}";

    private Task<List<SafeguardingLead>> LeadRowsAsync(Guid userId) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SafeguardingLead>().AsNoTracking().Where(l => l.UserId == userId).ToListAsync());

    /// <summary>A plain member of the pair's organisation (no enrolment), signed in.</summary>
    private async Task<(UserSummary User, HttpClient Client)> MemberAsync(World w, string name)
    {
        var user = await fixture.Tandem.CreateUserAsync(name);
        await fixture.Tandem.AddMemberAsync(w.Pair.School.Organisation.Id, user, OrganisationRole.Member);
        return (user, await fixture.SignInAsync(user));
    }

    [Fact]
    public async Task ALeadRemovedFromTheOrganisationNoLongerReadsItsSafeguardingReportsAndIsStillWithdrawn()
    {
        var w = await WorldAsync();
        var (lead, leadClient) = await MemberAsync(w, "Lena Lead");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, lead.Id), null)).StatusCode);
        var reported = await ReportAsync(w, "Safeguarding", aboutMentor: false);
        Assert.Equal(HttpStatusCode.OK, (await leadClient.GetAsync(Path(w, reported.Id))).StatusCode);

        // Removed from the organisation: the designation goes with the membership, and the report with it.
        Assert.Equal(HttpStatusCode.NoContent, (await w.Coordinator.DeleteAsync($"/api/v1/organisations/{w.Pair.School.Organisation.Id}/members/{lead.Id}")).StatusCode);
        Assert.Empty(await LeadRowsAsync(lead.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await leadClient.GetAsync(Path(w, reported.Id))).StatusCode);
        Assert.Empty((await w.Coordinator.GetFromJsonAsync<Paged<SafeguardingLeadView>>($"/api/v1/organisations/{w.Pair.School.Organisation.Id}/safeguarding-leads", Json.Options))!.Items);

        // A designation left from before (its membership gone, its row kept) reads nothing, and is withdrawn all the same.
        var (stale, staleClient) = await MemberAsync(w, "Sam Stale");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, stale.Id), null)).StatusCode);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships
            .Where(m => m.OrganisationId == w.Pair.School.Organisation.Id && m.UserId == stale.Id).ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await staleClient.GetAsync(Path(w, reported.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await w.Coordinator.DeleteAsync(LeadPath(w, stale.Id))).StatusCode);
        Assert.Empty(await LeadRowsAsync(stale.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.DeleteAsync(LeadPath(w, stale.Id))).StatusCode);
    }

    [Fact]
    public async Task ADisabledOrErasedLeadIsNoHandlerSoTheCoordinatorsAreToldToDesignateOne()
    {
        var w = await WorldAsync();
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Admin", administrator: true));
        var (disabled, _) = await MemberAsync(w, "Dora Disabled");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, disabled.Id), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/users/{disabled.Id}/disable", new { })).StatusCode);
        // Disabling ends the designation.
        Assert.Empty(await LeadRowsAsync(disabled.Id));

        // An erased lead's account is disabled without the listeners: its row stays, and it is still no handler.
        var (erased, _) = await MemberAsync(w, "Eve Erased");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, erased.Id), null)).StatusCode);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == erased.Id).ExecuteUpdateAsync(x => x.SetProperty(u => u.IsDisabled, true)));

        await ReportAsync(w, "Safeguarding", aboutMentor: false);
        Assert.Single(await NotificationsAsync(w.Coordinator), n => n.Title == "A safeguarding report has no designated lead");
        var told = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.UserId == disabled.Id || n.UserId == erased.Id).CountAsync());
        Assert.Equal(0, told);
    }

    [Fact]
    public async Task ARelationshipConcernNamingNobodyIsKeptFromAPartnerWhoIsAlsoACoordinator()
    {
        var w = await WorldAsync();
        // The mentor is also one of the organisation's coordinators.
        await fixture.Tandem.AddMemberAsync(w.Pair.School.Organisation.Id, w.Pair.Mentor, OrganisationRole.Coordinator);
        var response = await w.Mentee.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns",
            new { category = "Conflict", relationshipId = w.Pair.RelationshipId, description = Description });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reported = (await response.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!;

        Assert.Equal(HttpStatusCode.NotFound, (await w.Mentor.GetAsync(Path(w, reported.Id))).StatusCode);
        Assert.DoesNotContain(reported.Id, (await w.Mentor.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items.Select(c => c.Id));
        Assert.DoesNotContain(await NotificationsAsync(w.Mentor), n => n.Title.Contains("concern", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.NotFound, (await w.Mentor.PostAsJsonAsync(Path(w, reported.Id, "/acknowledge"), new { })).StatusCode);
        // The other coordinator handles it, and may not pick the mentor as the neutral third party.
        var acknowledged = await StepAsync(w.Coordinator, Path(w, reported.Id, "/acknowledge"), new { });
        Assert.DoesNotContain(w.Pair.Mentor.Id, acknowledged.PossibleMediators.Select(m => m.UserId));
        var asMediator = await w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Pair.Mentor.Id, startsAt = Now.AddDays(1) });
        Assert.Equal(HttpStatusCode.BadRequest, asMediator.StatusCode);
    }

    [Fact]
    public async Task TheReportersStepNoticesWaitBehindTheConsentGateWhileTheHandlersStillHear()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w, "Safeguarding", aboutMentor: false);
        var (lead, leadClient) = await MemberAsync(w, "Lena Lead");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, lead.Id), null)).StatusCode);
        await Meetings.ConsentStates.HoldBackAsync(fixture.App.Services, w.Pair.Mentee.Id, w.Pair.ProgramId, ConsentState.RenewalNeeded);

        await StepAsync(leadClient, Path(w, reported.Id, "/acknowledge"), new { });

        Assert.DoesNotContain(await NotificationsAsync(w.Mentee), n => n.Title.StartsWith("Your concern is", StringComparison.Ordinal));
        Assert.DoesNotContain(await fixture.OutboxForAsync(w.Pair.Mentee.Email), e => e.Subject.StartsWith("Your concern is", StringComparison.Ordinal));
        // A new report still reaches the lead.
        await ReportAsync(w, "Safeguarding", aboutMentor: false);
        Assert.Contains(await NotificationsAsync(leadClient), n => n.Title.StartsWith("New safeguarding report", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConcernAboutTheOnlyCoordinatorGoesToTheSafeguardingLeadsThenTheAdministrators()
    {
        var w = await WorldAsync();
        var coordinatorId = w.Pair.School.Coordinator.Id;
        async Task<Guid> AboutCoordinatorAsync()
        {
            var response = await w.Mentee.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns",
                new { category = "Other", subjectUserId = coordinatorId, description = "The coordinator keeps cancelling our sessions." });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!.Id;
        }
        string Link(Guid id) => $"/programs/{w.Pair.ProgramId}/concerns/{id}";

        // No lead yet: the administrators are told, and read it.
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Admin", administrator: true));
        var first = await AboutCoordinatorAsync();
        Assert.Single(await NotificationsAsync(admin), n => n.Link == Link(first));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Path(w, first))).StatusCode);

        // With a lead, the lead is told and reads it (and takes its steps); the coordinator it is about finds nothing.
        var (lead, leadClient) = await MemberAsync(w, "Lena Lead");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, lead.Id), null)).StatusCode);
        var second = await AboutCoordinatorAsync();
        Assert.Single(await NotificationsAsync(leadClient), n => n.Link == Link(second));
        Assert.DoesNotContain(await NotificationsAsync(admin), n => n.Link == Link(second));
        Assert.Equal(HttpStatusCode.OK, (await leadClient.GetAsync(Path(w, second))).StatusCode);
        Assert.Contains(second, (await leadClient.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{w.Pair.ProgramId}/concerns", Json.Options))!.Concerns.Items.Select(c => c.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await w.Coordinator.GetAsync(Path(w, second))).StatusCode);
        // A concern the program's coordinator handles is not the lead's.
        var ordinary = await ReportAsync(w);
        Assert.Equal(HttpStatusCode.NotFound, (await leadClient.GetAsync(Path(w, ordinary.Id))).StatusCode);

        // The reminder goes the same way.
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        await fixture.WithScopeAsync(s => s.GetRequiredService<RemindUnacknowledgedConcerns>().RunAsync());
        Assert.Single(await NotificationsAsync(leadClient), n => n.Title.StartsWith("Waiting for acknowledgement", StringComparison.Ordinal) && n.Link == Link(second));
        Assert.DoesNotContain(await NotificationsAsync(w.Coordinator), n => n.Link == Link(second) || n.Link == Link(first));
        await StepAsync(leadClient, Path(w, second, "/acknowledge"), new { });
    }

    [Fact]
    public async Task WithdrawingALeadTwiceAtOnceIsNoContentBothTimes()
    {
        var w = await WorldAsync();
        for (var round = 0; round < 10; round++)
        {
            Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, w.Staff.Id), null)).StatusCode);
            var both = await Task.WhenAll(w.Coordinator.DeleteAsync(LeadPath(w, w.Staff.Id)), w.Coordinator.DeleteAsync(LeadPath(w, w.Staff.Id)));
            Assert.All(both, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        }
        Assert.Empty(await LeadRowsAsync(w.Staff.Id));
    }

    [Fact]
    public async Task TwoMediationReschedulesAtOnceTheSecondGetsAConflict()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w);
        await StepAsync(w.Coordinator, Path(w, reported.Id, "/acknowledge"), new { });
        await StepAsync(w.Coordinator, Path(w, reported.Id, "/mediation"), new { mediatorUserId = w.Staff.Id, startsAt = Now.AddDays(2) });

        // Both handlers have read the concern (scheduled) before either saves: one moves the meeting, the other is told.
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var read = 0;
        Task<Outcome<ConcernDetails>> RescheduleAsync(DateTime at) => fixture.WithScopeAsync(s =>
            s.GetRequiredService<ConcernWorkflow>().TakeAsync(new Actor(w.Pair.School.Coordinator.Id, false), w.Pair.ProgramId, reported.Id, async (concern, now) =>
            {
                if (Interlocked.Increment(ref read) == 2)
                {
                    bothRead.SetResult();
                }
                await bothRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return ConcernWorkflow.Refused(concern.ScheduleMediation(w.Pair.School.Coordinator.Id, w.Staff.Id, at, now, null));
            }, CancellationToken.None));
        var outcomes = await Task.WhenAll(RescheduleAsync(Now.AddDays(3)), RescheduleAsync(Now.AddDays(4)));

        Assert.Single(outcomes, o => o.Succeeded);
        var refused = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.IsType<Conflict>(refused.Failure);
        var details = await w.Coordinator.GetFromJsonAsync<ConcernDetails>(Path(w, reported.Id), Json.Options);
        Assert.Equal(2, details!.Timeline.Count(s => s.Step == ConcernState.MediationScheduled));
        Assert.Equal(outcomes.Single(o => o.Succeeded).Value!.MediationAt, details.MediationAt);
    }

    [Fact]
    public async Task AfterRetentionNoConcernIsReportedNoStepTakenAndTheFormNoLongerOffersTheProgram()
    {
        var w = await WorldAsync();
        var reported = await ReportAsync(w);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(w.Pair.School.Organisation.Id, w.Pair.ProgramId, "Reading Buddies", Now.AddYears(-2), 24, "test", Now));
            return await db.SaveChangesAsync();
        });

        var report = await w.Mentee.PostAsJsonAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns", new { category = "Other", description = Description });
        var step = await w.Coordinator.PostAsJsonAsync(Path(w, reported.Id, "/acknowledge"), new { note = AckNote });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (report.StatusCode, step.StatusCode));
        Assert.Contains("anonymised", await report.Content.ReadAsStringAsync());
        Assert.Contains("anonymised", await step.Content.ReadAsStringAsync());
        // What is there is still read; nothing new was written, and nobody was told of anything new.
        var read = await w.Coordinator.GetFromJsonAsync<ConcernDetails>(Path(w, reported.Id), Json.Options);
        Assert.Equal(ConcernState.Received, read!.State);
        Assert.DoesNotContain(read.Timeline, s => s.Note == AckNote);
        Assert.Single((await w.Mentee.GetFromJsonAsync<Paged<MyConcernView>>("/api/v1/concerns/mine", Json.Options))!.Items);
        Assert.Single(await NotificationsAsync(w.Coordinator), n => n.Title.StartsWith("New concern", StringComparison.Ordinal));
        var form = await fixture.WithScopeAsync(s => s.GetRequiredService<GetConcernForm>().RunAsync(new Actor(w.Pair.Mentee.Id, false)));
        Assert.DoesNotContain(form.Programs, p => p.Id == w.Pair.ProgramId);
        Assert.DoesNotContain(form.People, p => p.ProgramId == w.Pair.ProgramId);
    }

    [Fact]
    public async Task AnUndefinedStateFilterIsABadRequest()
    {
        var w = await WorldAsync();
        var response = await w.Coordinator.GetAsync($"/api/v1/programs/{w.Pair.ProgramId}/concerns?state=99");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("state", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A withdrawal that lands between the removal reading the lead's row and saving (another request's conditional delete).</summary>
    private sealed class WithdrawnMeanwhile(TandemDb db) : IMembershipEndingListener
    {
        public async Task MembershipEndingAsync(Guid organisationId, Guid userId, CancellationToken ct) =>
            await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId && l.UserId == userId).ExecuteDeleteAsync(ct);
    }

    [Fact]
    public async Task ALeadWithdrawnWhileTheyAreRemovedFromTheOrganisationIsStillRemoved()
    {
        var w = await WorldAsync();
        var (lead, _) = await MemberAsync(w, "Lena Lead");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, lead.Id), null)).StatusCode);
        var organisation = w.Pair.School.Organisation.Id;

        var removed = await fixture.WithScopeAsync(s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var removal = new RemoveOrganisationMember(db, [.. s.GetServices<IMembershipEndingListener>(), new WithdrawnMeanwhile(db)],
                s.GetServices<IEnrolmentRemovedListener>(), s.GetRequiredService<TimeProvider>());
            return removal.RunAsync(new Actor(w.Pair.School.Coordinator.Id, false), organisation, lead.Id);
        });

        Assert.True(removed.Succeeded, removed.Failure?.ToString());
        var stillMember = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisation && m.UserId == lead.Id));
        Assert.False(stillMember);
        Assert.Empty(await LeadRowsAsync(lead.Id));
    }

    [Fact]
    public async Task AnErasedLeadsKeptRowIsNotListedAndADisabledMemberIsNotDesignated()
    {
        var w = await WorldAsync();
        var leadsPath = $"/api/v1/organisations/{w.Pair.School.Organisation.Id}/safeguarding-leads";
        // An erased lead's account is disabled without the listeners (ADR 98): their row stays.
        var (erased, _) = await MemberAsync(w, "Eve Erased");
        Assert.Equal(HttpStatusCode.OK, (await w.Coordinator.PutAsync(LeadPath(w, erased.Id), null)).StatusCode);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == erased.Id).ExecuteUpdateAsync(x => x.SetProperty(u => u.IsDisabled, true)));

        Assert.Empty((await w.Coordinator.GetFromJsonAsync<Paged<SafeguardingLeadView>>(leadsPath, Json.Options))!.Items);
        var pages = await fixture.SignInPagesAsync(w.Pair.School.Coordinator);
        Assert.Contains("No one is designated", await pages.Http.GetStringAsync($"/organisations/{w.Pair.School.Organisation.Id}/safeguarding-leads"));

        var (disabled, _) = await MemberAsync(w, "Dora Disabled");
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == disabled.Id).ExecuteUpdateAsync(x => x.SetProperty(u => u.IsDisabled, true)));
        var designated = await w.Coordinator.PutAsync(LeadPath(w, disabled.Id), null);
        Assert.Equal(HttpStatusCode.Conflict, designated.StatusCode);
        Assert.Contains("disabled", await designated.Content.ReadAsStringAsync());
        Assert.Empty(await LeadRowsAsync(disabled.Id));
    }
}
