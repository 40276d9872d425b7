using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Concerns;

/// <summary>
/// ADR 130 for concerns: a safeguarding report that involves every lead asks for another lead, a step's form posted after
/// the concern moved on keeps the note behind the workflow's 409, the report form survives its program leaving, a lead is
/// designated by address behind the organisation's lock.
/// </summary>
public sealed class ConcernLeadsAndMovedFormsTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static string LeadsPage(Pair pair) => $"/organisations/{pair.School.Organisation.Id}/safeguarding-leads";

    private static string LeadPath(Pair pair, Guid userId) => $"/api/v1/organisations/{pair.School.Organisation.Id}/safeguarding-leads/{userId}";

    [Fact]
    public async Task AReportAboutTheOnlyLeadAsksTheCoordinatorsForAnotherLeadAndTheLeadsPageSaysOneWaits()
    {
        var pair = await fixture.PairAsync();
        // The mentor is the organisation's only lead; the mentee reports them.
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PutAsync(LeadPath(pair, pair.Mentor.Id), null)).StatusCode);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var reported = await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new
        {
            category = "Safeguarding", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId,
            description = "My mentor said something that worried me about their behaviour.",
        });
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);

        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.Kind == NotificationKind.Safeguarding && (n.UserId == pair.School.Coordinator.Id || n.UserId == pair.Mentor.Id)).ToListAsync());
        var notice = Assert.Single(notices);
        Assert.Equal(pair.School.Coordinator.Id, notice.UserId);
        Assert.Equal("A safeguarding report needs another lead", notice.Title);
        Assert.DoesNotContain("Mona", notice.Body);
        var page = await (await fixture.SignInPagesAsync(pair.School.Coordinator)).Http.GetStringAsync(LeadsPage(pair));
        Assert.Contains("A safeguarding report waits for a lead who may read it", page);
        Assert.DoesNotContain("No one is designated", page);
    }

    [Fact]
    public async Task AStepPostedAfterAnotherHandlerTookItKeepsTheNoteBehindTheWorkflowsConflict()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var reported = await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new { category = "NoShow", description = "My mentor missed two meetings." });
        var concern = (await reported.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!;
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/concerns/{concern.Id}";
        // Another handler acknowledges and resolves it while this one types.
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns/{concern.Id}/acknowledge", new { note = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns/{concern.Id}/resolve", new { note = "Sorted with the mentor." })).StatusCode);

        var acknowledged = await coordinator.SubmitAsync(page, "acknowledge", [new("note", "Phoned the family KEEP-ME-41c")]);
        var resolved = await coordinator.SubmitAsync(page, "resolve", [new("note", "Closed after a call KEEP-ME-77d")]);

        Assert.Equal(HttpStatusCode.Conflict, acknowledged.StatusCode);
        Assert.Contains("KEEP-ME-41c</textarea>", await acknowledged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, resolved.StatusCode);
        Assert.Contains("KEEP-ME-77d</textarea>", await resolved.Content.ReadAsStringAsync());
        var details = await pair.Coordinator.GetFromJsonAsync<ConcernDetails>($"/api/v1/programs/{pair.ProgramId}/concerns/{concern.Id}", Json.Options);
        Assert.DoesNotContain(details!.Timeline, s => s.Note?.Contains("KEEP-ME") == true);
    }

    [Fact]
    public async Task AReportPostedAfterItsProgramWasAnonymisedKeepsTheWordsAndSaysWhy()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", Now.AddYears(-2), 24, "test", Now));
            return await db.SaveChangesAsync();
        });

        var refused = await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "Conflict"), new("about", ""),
            new("description", "We argued about the timetable WORDS-KEPT-3b1.")]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("anonymised", html);
        Assert.Contains("WORDS-KEPT-3b1.</textarea>", html);
    }

    [Fact]
    public async Task AKindPostedAsANumberOrAListOfNamesIsRefusedOnTheReportForm()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);

        foreach (var posted in new[] { "2", "NoShow, Safeguarding" })
        {
            var refused = await mentee.SubmitAsync("/concerns", "report", [
                new("program", pair.ProgramId.ToString()), new("category", posted), new("about", ""),
                new("description", "My mentor missed our last two meetings.")]);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Choose what kind of concern it is", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        }
        Assert.Empty((await (await fixture.SignInAsync(pair.Mentee)).GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<MyConcernView>>("/api/v1/concerns/mine", Json.Options))!.Items);
    }

    [Fact]
    public async Task ALeadIsDesignatedByAddressAndARefusedAddressStaysTyped()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var disabled = await fixture.Tandem.CreateUserAsync("Dora Disabled");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, disabled, OrganisationRole.Member);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == disabled.Id).ExecuteUpdateAsync(x => x.SetProperty(u => u.IsDisabled, true)));

        var refused = await coordinator.SubmitAsync(LeadsPage(pair), "designate", [new("email", disabled.Email)]);
        var unknown = await coordinator.SubmitAsync(LeadsPage(pair), "designate", [new("email", "nobody.here@test.example")]);
        var designated = await coordinator.SubmitAsync(LeadsPage(pair), "designate", [new("email", pair.Mentor.Email.ToUpperInvariant())]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"value=\"{disabled.Email}\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No member of the organisation has this e-mail address.", WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync()));
        Assert.Contains("Mona Tor is now a safeguarding lead.", await designated.Content.ReadAsStringAsync());
        var withdrawnTwice = await coordinator.SubmitAsync(LeadsPage(pair), "withdraw", [new("lead", pair.Mentor.Id.ToString())]);
        var again = await coordinator.SubmitAsync(LeadsPage(pair), "withdraw", [new("lead", pair.Mentor.Id.ToString())]);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (withdrawnTwice.StatusCode, again.StatusCode));
        Assert.Contains("No one is designated", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ADesignationMadeWhileTheMemberIsRemovedWaitsForTheRemovalAndLeavesNoLeadRow()
    {
        var pair = await fixture.PairAsync();
        var member = await fixture.Tandem.CreateUserAsync("Rory Removed");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, member, OrganisationRole.Member);

        // The removal holds the organisation's lock (ADR 119) while the designation arrives.
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var removal = await db.Database.BeginTransactionAsync();
        Assert.True(await OrganisationLock.TakeAsync(db, pair.School.Organisation.Id, default));
        var designating = pair.Coordinator.PutAsync(LeadPath(pair, member.Id), null);
        await Task.Delay(700);
        Assert.False(designating.IsCompleted);
        await db.OrganisationMemberships.Where(m => m.OrganisationId == pair.School.Organisation.Id && m.UserId == member.Id).ExecuteDeleteAsync();
        await removal.CommitAsync();

        var response = await designating;
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SafeguardingLead>().CountAsync(l => l.UserId == member.Id)));
    }
}
