using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Concerns;

/// <summary>
/// What the audit log and the downloads tell about concerns (ADR 98): the person a concern is about never learns of it
/// from a read of it; the organisation's log shows a concern's reads only to those who handle it; a guardian's download
/// and view keep the child's safeguarding reports, concern notices and concern reads out.
/// </summary>
public sealed partial class ConcernPrivacyTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private const string Handling = "Handling a concern";
    private const string Description = "My mentor shouted at me in the library and I do not want to meet alone.";

    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [GeneratedRegex(@"/guardian/open\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex GuardianLink();

    private static async Task<Guid> ReportAsync(HttpClient reporter, Guid programId, object body)
    {
        var response = await reporter.PostAsJsonAsync($"/api/v1/programs/{programId}/concerns", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!.Id;
    }

    private static async Task<List<AuditEntryView>> SearchAsync(HttpClient client, Guid organisationId) =>
        (await client.GetFromJsonAsync<Paged<AuditEntryView>>($"/api/v1/organisations/{organisationId}/audit?pageSize=100", Json.Options))!.Items.ToList();

    [Fact]
    public async Task TheSubjectOfAConcernIsNotToldOfItsReadsAndTheOrganisationsLogShowsThemOnlyToItsHandlers()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentor);
        var organisation = pair.School.Organisation.Id;
        var path = $"/api/v1/programs/{pair.ProgramId}/concerns";

        // A concern about the (minor) mentor, read by the coordinator: one entry for each of the two.
        var aboutMentor = await ReportAsync(mentee, pair.ProgramId, new { category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = Description });
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"{path}/{aboutMentor}")).StatusCode);

        // The mentor finds no trace of it: not in their log, its page, or their download.
        var mine = (await mentor.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items;
        Assert.DoesNotContain(mine, e => e.Purpose == Handling);
        Assert.DoesNotContain(Handling, WebUtility.HtmlDecode(await mentor.GetStringAsync("/my/access-log")));
        Assert.DoesNotContain(Handling, await mentor.GetStringAsync("/api/v1/me/data-export"));
        // The reporter sees the read of what they reported; the coordinator, who handles it, finds both reads in the log.
        Assert.Contains((await mentee.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items, e => e.Purpose == Handling);
        var both = (await SearchAsync(pair.Coordinator, organisation)).Where(e => e.RecordId == aboutMentor).ToList();
        Assert.Equal([pair.Mentee.Id, pair.Mentor.Id], both.Select(e => e.SubjectUserId).Order());

        // A safeguarding report read by its lead: a coordinator who is not a lead does not learn of it from the log.
        var staff = await fixture.Tandem.CreateUserAsync("Stella Staff");
        await fixture.Tandem.AddMemberAsync(organisation, staff, OrganisationRole.Member);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PutAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{staff.Id}", null)).StatusCode);
        var safeguarding = await ReportAsync(mentee, pair.ProgramId, new { category = "Safeguarding", description = Description });
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(staff)).GetAsync($"{path}/{safeguarding}")).StatusCode);
        Assert.Contains(await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Select(e => e.RecordId).ToListAsync()), id => id == safeguarding);
        Assert.DoesNotContain(await SearchAsync(pair.Coordinator, organisation), e => e.RecordId == safeguarding);

        // A concern about the coordinator, read by another: the coordinator it is about does not find it in the log.
        var second = await fixture.Tandem.CreateUserAsync("Colin Second");
        await fixture.Tandem.AddMemberAsync(organisation, second, OrganisationRole.Coordinator);
        var secondClient = await fixture.SignInAsync(second);
        var aboutCoordinator = await ReportAsync(mentee, pair.ProgramId, new { category = "Other", subjectUserId = pair.School.Coordinator.Id, description = "The coordinator keeps cancelling our sessions." });
        Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync($"{path}/{aboutCoordinator}")).StatusCode);
        Assert.Contains(await SearchAsync(secondClient, organisation), e => e.RecordId == aboutCoordinator);
        Assert.DoesNotContain(await SearchAsync(pair.Coordinator, organisation), e => e.RecordId == aboutCoordinator);
    }

    [Fact]
    public async Task AReadOfAConcernNamingNobodyIsLoggedForTheMinorPartnerItIsAboutAfterEveryStepToo()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentor);
        var path = $"/api/v1/programs/{pair.ProgramId}/concerns";
        // The mentor reports about their pair, naming nobody: the concern is about the (minor) mentee all the same.
        var concern = await ReportAsync(mentor, pair.ProgramId, new { category = "Conflict", relationshipId = pair.RelationshipId, description = Description });

        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"{path}/{concern}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"{path}/{concern}/acknowledge", new { })).StatusCode);
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await pages.Http.GetAsync($"/programs/{pair.ProgramId}/concerns/{concern}")).StatusCode);

        var entries = (await SearchAsync(pair.Coordinator, pair.School.Organisation.Id)).Where(e => e.RecordId == concern).ToList();
        Assert.Equal(3, entries.Count(e => e.SubjectUserId == pair.Mentee.Id && e.Record == AuditRecord.ConcernSubject));
        Assert.Equal(3, entries.Count(e => e.SubjectUserId == pair.Mentor.Id && e.Record == AuditRecord.Concern));
        // The mentee it is about finds no trace of it in their own log.
        Assert.DoesNotContain((await mentee.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items, e => e.Purpose == Handling);
    }

    [Fact]
    public async Task ACoordinatorsExportOnRequestHoldsOnlyTheConcernsAndConcernReadsTheCoordinatorHandles()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        var organisation = pair.School.Organisation.Id;
        var path = $"/api/v1/programs/{pair.ProgramId}/concerns";
        // A safeguarding report read by its lead, who is not the coordinator; a conflict with the mentor the coordinator handles.
        var staff = await fixture.Tandem.CreateUserAsync("Lena Lead");
        await fixture.Tandem.AddMemberAsync(organisation, staff, OrganisationRole.Member);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PutAsync($"/api/v1/organisations/{organisation}/safeguarding-leads/{staff.Id}", null)).StatusCode);
        var safeguarding = await ReportAsync(mentee, pair.ProgramId, new { category = "Safeguarding", description = "Things at home" });
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(staff)).GetAsync($"{path}/{safeguarding}")).StatusCode);
        var conflict = await ReportAsync(mentee, pair.ProgramId, new { category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = Description });
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"{path}/{conflict}")).StatusCode);

        var export = await pair.Coordinator.GetAsync($"/api/v1/organisations/{organisation}/people/{pair.Mentee.Id}/data-export?reason=Her%20letter");

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var document = System.Text.Json.Nodes.JsonNode.Parse(await export.Content.ReadAsStringAsync())!;
        // The coordinator learns nothing of the safeguarding report: not its row, not who read it.
        var reported = document["concernsReported"]!.AsArray();
        Assert.Equal([conflict.ToString()], reported.Select(c => (string?)c!["id"]));
        var reads = document["whoOpenedMyRecord"]!.AsArray().Where(e => (string?)e!["purpose"] == Handling).ToList();
        Assert.DoesNotContain(reads, e => (string?)e!["readBy"] == "Lena Lead");
        Assert.Contains(reads, e => (string?)e!["readBy"] == "Cora Ordinator");
        // The mentee's own download has both, and the lead's read.
        var own = await mentee.GetStringAsync("/api/v1/me/data-export");
        Assert.Contains("Things at home", own);
        Assert.Contains("Lena Lead", own);
    }

    [Fact]
    public async Task AGuardiansDownloadKeepsTheChildsSafeguardingReportsNoticesAndConcernReadsOut()
    {
        var factory = fixture.Tandem;
        var school = await GuardedSchool.CreateAsync(factory);
        var guardianEmail = $"guardian.{Guid.NewGuid():N}@families.example";
        var (child, childClient, _) = await school.ApplyAsync("Ada Young", "CHILD-7a1b", 14, guardianEmail);
        var programId = school.Recruiting.Program.Id;
        const string AboutHome = "Things at home are frightening and I do not want to go back tonight.";
        const string Conflict = "My reading partner keeps taking my books away.";
        var (safeguarding, conflict) = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = DateTime.UtcNow;
            var report = new Concern(programId, school.OrganisationId, child.Id, null, null, ConcernCategory.Safeguarding, AboutHome, now, now.AddDays(2));
            var other = new Concern(programId, school.OrganisationId, child.Id, null, null, ConcernCategory.Conflict, Conflict, now, now.AddDays(2));
            db.AddRange(report, other);
            await db.SaveChangesAsync();
            await s.GetRequiredService<Notify>().RunAsync(child.Id, NotificationKind.Safeguarding, "Your concern is acknowledged", "The concern you reported is now acknowledged.", "/concerns");
            return (report.Id, other.Id);
        });
        // The coordinator leads safeguarding and reads the report: a read of the child's concern.
        var coordinator = school.Recruiting.Coordinator;
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsync($"/api/v1/organisations/{school.OrganisationId}/safeguarding-leads/{school.Recruiting.School.Coordinator.Id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/programs/{programId}/concerns/{safeguarding}")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await factory.AnonymousClient().PostAsJsonAsync("/api/v1/guardian/access-links", new { email = guardianEmail })).StatusCode);
        var link = (await factory.OutboxForAsync(guardianEmail)).Select(m => GuardianLink().Match(MimeMessage.Load(new MemoryStream(m.Mime)).TextBody ?? ""))
            .Where(m => m.Success).Select(m => m.Value).Last();
        var guardian = new PageClient(factory.AnonymousClient());
        Assert.Equal(HttpStatusCode.Redirect, (await guardian.SubmitAsync(link, "guardian-open", [])).StatusCode);

        var download = await guardian.Http.GetAsync($"/guardian/children/{child.Id}/data-export");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var export = await download.Content.ReadAsStringAsync();
        Assert.DoesNotContain(AboutHome, export);
        Assert.Contains(ExportMyData.WithheldFromGuardian, export);
        Assert.Contains(Conflict, export);
        Assert.DoesNotContain("Your concern is acknowledged", export);
        Assert.DoesNotContain(Handling, export);
        Assert.DoesNotContain(Handling, WebUtility.HtmlDecode(await guardian.Http.GetStringAsync("/guardian/children")));

        // The child's own download is unchanged.
        var own = await childClient.GetStringAsync("/api/v1/me/data-export");
        Assert.Contains(AboutHome, own);
        Assert.Contains("Your concern is acknowledged", own);
        Assert.Contains(Handling, own);
        Assert.NotEqual(safeguarding, conflict);
    }
}
