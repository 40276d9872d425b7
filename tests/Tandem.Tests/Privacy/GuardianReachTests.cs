using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Features.Relationships;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// ADR 122 for guardians: a new consent link goes to the guardian of the row whose button (or Enter) was pressed, and only
/// about a child still in the program; the audit log's "read by" link for a guardian lists their reads; a guardian's
/// download of the child's data holds the child's side of a mentor request, not the other party's words.
/// </summary>
public sealed partial class GuardianReachTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private TandemFactory Factory => fixture.Tandem;

    private static string Address() => $"guardian.{Guid.NewGuid():N}@families.example";

    private Task<T> InDatabaseAsync<T>(Func<TandemDb, Task<T>> work) => fixture.WithScopeAsync(s => work(s.GetRequiredService<TandemDb>()));

    private Task<Guid> ConsentIdAsync(Guid userId, Guid programId) => InDatabaseAsync(db => db.Set<Consent>()
        .Where(c => c.UserId == userId && c.ProgramId == programId && c.Purpose == ConsentPurpose.Program).Select(c => c.Id).SingleAsync());

    [GeneratedRegex(@"/guardian/open\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex AccessLink();

    /// <summary>A guardian's session on /guardian/children, opened through an access link as a browser does (ADR 52).</summary>
    private async Task<PageClient> GuardianSessionAsync(string email)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Factory.AnonymousClient().PostAsJsonAsync("/api/v1/guardian/access-links", new { email })).StatusCode);
        var link = (await Factory.OutboxForAsync(email)).Select(m => AccessLink().Match(MimeMessage.Load(new MemoryStream(m.Mime)).TextBody ?? ""))
            .Last(m => m.Success).Value;
        var page = new PageClient(Factory.AnonymousClient());
        Assert.Equal(HttpStatusCode.Redirect, (await page.SubmitAsync(link, "guardian-open", [])).StatusCode);
        return page;
    }

    [Fact]
    public async Task EachConsentRowHasItsOwnFormSoBobsCorrectedAddressGetsBobsLinkAndAnnsGuardianNothing()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (annGuardian, bobTypo, bobGuardian) = (Address(), Address(), Address());
        var (ann, _, _) = await school.ApplyAsync("Ann Row", "ROW-1", 14, annGuardian);
        var (bob, _, _) = await school.ApplyAsync("Bob Row", "ROW-2", 14, bobTypo);
        var (annConsent, bobConsent) = (await ConsentIdAsync(ann.Id, programId), await ConsentIdAsync(bob.Id, programId));
        var annMails = (await Factory.OutboxForAsync(annGuardian)).Count;
        var page = new PageClient(school.Recruiting.Coordinator);
        var path = $"/programs/{programId}/consents";

        // Bob's row is a form of its own, holding his consent's id: what a browser posts when Enter is pressed in his box.
        var fields = await page.FormFieldsAsync(path, $"guardian-link-{bobConsent}");
        Assert.Contains(new KeyValuePair<string, string>("ConsentId", bobConsent.ToString()), fields);
        fields.RemoveAll(f => f.Key == "GuardianEmail");
        fields.Add(new("GuardianEmail", bobGuardian));
        var sent = await page.SubmitAsync(path, $"guardian-link-{bobConsent}", fields);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("A new link", WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()));
        Assert.Single(await Factory.OutboxForAsync(bobGuardian));
        Assert.Equal(annMails, (await Factory.OutboxForAsync(annGuardian)).Count);
        var consents = await InDatabaseAsync(db => db.Set<Consent>().AsNoTracking().Where(c => c.Id == annConsent || c.Id == bobConsent).ToDictionaryAsync(c => c.Id, c => c.GuardianEmail));
        Assert.Equal((annGuardian, bobGuardian), (consents[annConsent], consents[bobConsent]));
    }

    [Fact]
    public async Task NoNewLinkGoesToTheGuardianOfAChildWhoseApplicationWasRejected()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (guardian, otherGuardian) = (Address(), Address());
        var (child, _, application) = await school.ApplyAsync("Rae Rejected", "REACH-1", 14, guardian);
        var (other, _, _) = await school.ApplyAsync("Sam Still", "REACH-2", 14, otherGuardian);
        var (consentId, otherConsent) = (await ConsentIdAsync(child.Id, programId), await ConsentIdAsync(other.Id, programId));
        var coordinator = school.Recruiting.Coordinator;
        var declined = await coordinator.PostAsJsonAsync($"{school.Recruiting.Applications}/{application}/decision", new { decision = "Decline" });
        Assert.True(declined.IsSuccessStatusCode, await declined.Content.ReadAsStringAsync());
        var mails = (await Factory.OutboxForAsync(guardian)).Count;

        var asked = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/{consentId}/guardian-link", new { });

        Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
        Assert.Contains("no longer in the program", await asked.Content.ReadAsStringAsync());
        Assert.Equal(mails, (await Factory.OutboxForAsync(guardian)).Count);
        // The page offers the button for the child still applying, not for the rejected one.
        var page = await coordinator.GetStringAsync($"/programs/{programId}/consents");
        Assert.Contains($"guardian-link-{otherConsent}", page);
        Assert.DoesNotContain($"guardian-link-{consentId}", page);
        // A child still applying is in reach.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/{otherConsent}/guardian-link", new { })).StatusCode);
    }

    [Fact]
    public async Task TheAuditLogsReadByLinkForAGuardianListsTheGuardiansReads()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var guardian = Address();
        var (child, _, _) = await school.ApplyAsync("Gia Guarded", "AUDIT-1", 14, guardian);
        var session = await GuardianSessionAsync(guardian);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/guardian/children")).StatusCode);
        var reader = await InDatabaseAsync(db => db.Set<AuditEntry>().Where(e => e.SubjectUserId == child.Id && e.Purpose.StartsWith(Guardians.PurposePrefix))
            .Select(e => e.ActorUserId).FirstAsync());

        var coordinator = await PageClient.SignInAsync(Factory, school.Recruiting.School.Coordinator.Email);
        var log = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/organisations/{school.OrganisationId}/audit"));
        var link = Assert.Single(Regex.Matches(log, $"href=\"(/organisations/{school.OrganisationId}/audit\\?[^\"]*readerId={reader}[^\"]*)\"").Select(m => m.Groups[1].Value).Distinct());
        var followed = await coordinator.Http.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        var page = WebUtility.HtmlDecode(await followed.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Nobody with this id", page);
        Assert.Contains("Gia Guarded", page);
        Assert.Contains(Guardians.ViewingPurpose, page);
    }

    [Fact]
    public async Task AGuardiansDownloadHoldsTheChildsSideOfAMentorRequestNotTheOtherPartysWords()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var coordinator = school.Recruiting.Coordinator;
        var guardian = Address();
        var (child, _, application) = await school.ApplyAsync("Cleo Child", "REQUEST-1", 14, guardian);
        var approved = await coordinator.PostAsJsonAsync($"{school.Recruiting.Applications}/{application}/decision", new { decision = "Approve" });
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        var mentee = await Factory.CreateUserAsync("Otto Other");
        await Factory.AddMemberAsync(school.OrganisationId, mentee, OrganisationRole.Member);
        var menteeEnrolment = await PairFixture.EnrolAsync(coordinator, programId, mentee, "Mentee");
        await InDatabaseAsync(async db =>
        {
            var childEnrolment = await db.Enrolments.Where(e => e.ProgramId == programId && e.UserId == child.Id).Select(e => e.Id).SingleAsync();
            var now = DateTime.UtcNow;
            var request = new MentorRequest(programId, menteeEnrolment, mentee.Id, childEnrolment, child.Id, "OTTO-WROTE-3e1f please mentor me", null, 50, now, now.AddDays(7));
            request.Decline(now, "CLEO-ANSWERED-77ab sorry, I am full");
            db.Add(request);
            return await db.SaveChangesAsync();
        });

        var session = await GuardianSessionAsync(guardian);
        var download = await session.Http.GetAsync($"/guardian/children/{child.Id}/data-export");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var text = await download.Content.ReadAsStringAsync();
        var request = Assert.Single(JsonNode.Parse(text)!["mentorRequests"]!.AsArray())!;
        Assert.Equal("received", (string?)request["mine"]);
        Assert.Contains("CLEO-ANSWERED-77ab", text);
        Assert.DoesNotContain("OTTO-WROTE-3e1f", text);
        // The child's own download has both.
        var own = await (await fixture.SignInAsync(child)).GetStringAsync("/api/v1/me/data-export");
        Assert.Contains("OTTO-WROTE-3e1f", own);
        Assert.Contains("CLEO-ANSWERED-77ab", own);
    }
}
