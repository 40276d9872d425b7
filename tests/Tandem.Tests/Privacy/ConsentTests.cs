using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Channels;
using Tandem.Features.Events;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Applications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;

namespace Tandem.Tests.Privacy;

/// <summary>
/// Issue 16 items 1 and 6 (ADR 48): consent as a state machine with what was shown, when and by whom; a guardian's
/// single-use link; an unconsented minor is never in a match draft; the school's authorisation; withdrawal pauses the
/// relationship and tells the coordinator; notices are versioned and a material change asks again.
/// </summary>
public sealed partial class ConsentTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private TandemFactory Factory => fixture.Tandem;

    /// <summary>A person's consents in purpose order (the database sorts the stored words, so the order is made here).</summary>
    private Task<List<Consent>> ConsentsOfAsync(Guid userId) => fixture.WithScopeAsync(async s =>
        (await s.GetRequiredService<TandemDb>().Set<Consent>().AsNoTracking().Where(c => c.UserId == userId).ToListAsync()).OrderBy(c => c.Purpose).ToList());

    /// <summary>The link in the newest e-mail to the guardian, and how many they got.</summary>
    private async Task<(string Path, int Count)> GuardianLinkAsync(string email)
    {
        var mails = await Factory.OutboxForAsync(email);
        var message = MimeMessage.Load(new MemoryStream(mails[^1].Mime));
        var link = GuardianLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, message.TextBody);
        return (link.Value, mails.Count);
    }

    [GeneratedRegex(@"/guardian/consent\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex GuardianLink();

    [GeneratedRegex(@"/guardian/open\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex GuardianAccessLink();

    private static string Address() => $"guardian.{Guid.NewGuid():N}@families.example";

    /// <summary>A guardian's session on /guardian/children, opened through an access link as a browser does (ADR 52).</summary>
    private async Task<PageClient> GuardianSessionAsync(string email)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Factory.AnonymousClient().PostAsJsonAsync("/api/v1/guardian/access-links", new { email })).StatusCode);
        var link = (await Factory.OutboxForAsync(email)).Select(m => GuardianAccessLink().Match(MimeMessage.Load(new MemoryStream(m.Mime)).TextBody ?? ""))
            .Last(m => m.Success).Value;
        var page = new PageClient(Factory.AnonymousClient());
        Assert.Equal(HttpStatusCode.Redirect, (await page.SubmitAsync(link, "guardian-open", [])).StatusCode);
        return page;
    }

    /// <summary>Submits an application in a program recruiting with <see cref="RecruitingProgram"/>'s mentor form (a mentee's has no questions).</summary>
    private static async Task<Guid> SubmitAsync(HttpClient client, RecruitingProgram recruiting, string role, int age, string? guardian)
    {
        var response = await client.PostAsJsonAsync(recruiting.Applications, new
        {
            role, answers = role == "mentor" ? RecruitingProgram.CompleteAnswers() : new Dictionary<string, object>(), acceptsCodeOfConduct = true, age,
            guardianName = guardian is null ? null : "Pat Parent", guardianEmail = guardian, submit = true,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;
    }

    private static async Task<Guid> ApplyAsync(HttpClient client, Guid programId, string role, int age, Dictionary<string, object> answers, string? guardian = null)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/programs/{programId}/applications", new
        {
            role, answers, acceptsCodeOfConduct = true, age, guardianName = guardian is null ? null : "Pat Parent", guardianEmail = guardian, submit = true,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;
    }

    private static async Task ApproveAsync(HttpClient coordinator, Guid programId, Guid applicationId, string role) =>
        Assert.True((await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/applications/{applicationId}/decision",
            new { decision = "Approve", mentorCapacity = role == "mentor" ? 2 : (int?)null })).IsSuccessStatusCode);

    private static Dictionary<string, object> Answers(string subject, int year) => new() { ["subject"] = subject, ["interests"] = new[] { "Music" }, ["year"] = year };

    [Fact]
    public async Task AnUnconsentedMinorIsNeverInAMatchDraftUntilTheirGuardianConsentsThroughTheSingleUseLink()
    {
        var school = await MinorsSchool.SchoolAsync(Factory);
        // The coordinator's node waits for the draft however busy the machine is (the default gives up after 10 s with a 202).
        await using var node = Factory.WithWebHostBuilder(b => b.UseSetting("Matching:WaitForDraft", "00:05:00"));
        var coordinator = await node.SignedInClientAsync(school.Coordinator);
        var organisationId = school.Organisation.Id;
        // The school is under the GDPR: 16, not COPPA's 13. Out of range is a clear 400.
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PutAsJsonAsync($"/api/v1/organisations/{organisationId}/consent-age", new { consentAge = 30 })).StatusCode);
        var age = await coordinator.PutAsJsonAsync($"/api/v1/organisations/{organisationId}/consent-age", new { consentAge = 16 });
        Assert.Equal(16, (await age.Content.ReadFromJsonAsync<ConsentAgeView>(Json.Options))!.ConsentAge);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{organisationId}/notices", new { text = "We keep what you tell us safe. (school v1)" })).StatusCode);

        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(organisationId, "Maths Friends"));
        var programId = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!.Id;
        foreach (var role in new[] { "mentor", "mentee" })
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/questionnaires/{role}", new { questions = MatchingProgram.Questions(role == "mentor") })).EnsureSuccessStatusCode();
        }
        await coordinator.OpenRecruitmentAsync(programId);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/notices", new { text = "Your answers are used to find you a mentor. (program v1)" })).StatusCode);
        var notices = await Factory.AnonymousClient().GetFromJsonAsync<ProgramNotices>($"/api/v1/programs/{programId}/notices", Json.Options);
        Assert.Equal((1, 1), (notices!.Privacy!.Version, notices.DataUse!.Version));
        // The application form shows both.
        var minorUser = await Factory.CreateUserAsync("Tia Young");
        var minor = await Factory.SignedInClientAsync(minorUser);
        var form = WebUtility.HtmlDecode(await minor.GetStringAsync($"/apply/{programId}/mentee"));
        Assert.Contains("(school v1)", form);
        Assert.Contains("(program v1)", form);

        var mentorUser = await Factory.CreateUserAsync("Mo Mentor");
        var mentor = await Factory.SignedInClientAsync(mentorUser);
        var teenUser = await Factory.CreateUserAsync("Ty Teen");
        var teen = await Factory.SignedInClientAsync(teenUser);
        var guardian = $"guardian.{Guid.NewGuid():N}@families.example";
        await ApproveAsync(coordinator, programId, await ApplyAsync(mentor, programId, "mentor", 30, Answers("Maths", 5)), "mentor");
        await ApproveAsync(coordinator, programId, await ApplyAsync(minor, programId, "mentee", 14, Answers("Maths", 2), guardian), "mentee");
        var teenGuardian = $"teen.guardian.{Guid.NewGuid():N}@families.example";
        await ApproveAsync(coordinator, programId, await ApplyAsync(teen, programId, "mentee", 16, Answers("Maths", 3), teenGuardian), "mentee");

        // The 16-year-old consented themselves, on the versions shown; the 14-year-old waits for their guardian, who got a link.
        var teenConsent = Assert.Single(await ConsentsOfAsync(teenUser.Id));
        Assert.Equal((ConsentState.Given, ConsentGiver.Participant, 1, 1), (teenConsent.State, teenConsent.Giver, teenConsent.OrganisationNoticeVersion, teenConsent.ProgramNoticeVersion));
        Assert.Empty(await Factory.OutboxForAsync(teenGuardian));
        Assert.Equal(ConsentState.AwaitingGuardian, Assert.Single(await ConsentsOfAsync(minorUser.Id)).State);
        var (link, mails) = await GuardianLinkAsync(guardian);
        Assert.Equal(1, mails);

        // The draft holds the mentor and the teen; the minor is nowhere in it, not even among the people left over.
        var draft = await coordinator.PostAsync($"/api/v1/programs/{programId}/matching/drafts", Json.Empty());
        var draftJson = await draft.Content.ReadAsStringAsync();
        Assert.True(draft.StatusCode == HttpStatusCode.OK, draftJson);
        Assert.Contains("Ty Teen", draftJson);
        Assert.DoesNotContain("Tia Young", draftJson);
        Assert.DoesNotContain(minorUser.Id.ToString(), draftJson);
        // Nor can a coordinator pair them by hand.
        var enrolments = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments.Where(e => e.ProgramId == programId)
            .ToDictionaryAsync(e => e.UserId, e => e.Id));
        var byHand = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/relationships/", new
        {
            memberEnrolmentIds = new[] { enrolments[mentorUser.Id], enrolments[minorUser.Id] }, kind = "Pair", startsOn = "2027-01-10", source = "Manual",
        });
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Contains("consent", await byHand.Content.ReadAsStringAsync());

        // The guardian reads both notices and consents, signing with their name; photos yes, the rest no.
        var family = new PageClient(Factory.AnonymousClient());
        var page = WebUtility.HtmlDecode(await family.Http.GetStringAsync(link));
        Assert.Contains("Consent for Tia Young to join Maths Friends", page);
        Assert.Contains("(school v1)", page);
        Assert.Contains("(program v1)", page);
        var unsigned = await family.SubmitAsync(link, "guardian-consent", [new("Input.Consents", "true"), new("Input.GuardianName", "")]);
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Contains("Sign with your name", await unsigned.Content.ReadAsStringAsync());
        var answered = await family.SubmitAsync(link, "guardian-consent", [new("Input.Consents", "true"), new("Input.Photos", "true"), new("Input.GuardianName", "Pat Parent")]);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("Your consent is recorded", await answered.Content.ReadAsStringAsync());
        // The link worked once; a new one (for changing the answer later) went out.
        Assert.Equal(HttpStatusCode.NotFound, (await family.Http.GetAsync(link)).StatusCode);
        var (next, count) = await GuardianLinkAsync(guardian);
        Assert.Equal(2, count);
        Assert.NotEqual(link, next);

        var consents = await ConsentsOfAsync(minorUser.Id);
        Assert.Equal([(ConsentPurpose.Program, ConsentState.Given), (ConsentPurpose.Photos, ConsentState.Given)], consents.Select(c => (c.Purpose, c.State)));
        Assert.All(consents, c => Assert.Equal((ConsentGiver.Guardian, "Pat Parent", 1, 1), (c.Giver!.Value, c.GuardianName!, c.OrganisationNoticeVersion!.Value, c.ProgramNoticeVersion!.Value)));
        var history = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ConsentEvent>().Where(e => e.UserId == minorUser.Id && e.Purpose == ConsentPurpose.Program)
            .OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.State).ToListAsync());
        Assert.Equal([ConsentState.AwaitingGuardian, ConsentState.Given], history);
        var listed = await coordinator.GetFromJsonAsync<Paged<ProgramConsentView>>($"/api/v1/programs/{programId}/consents", Json.Options);
        Assert.Contains(listed!.Items, c => c.Name == "Tia Young" && c.State == ConsentState.Given && c.GuardianName == "Pat Parent");

        // Now the minor is matched.
        Assert.Contains("Tia Young", await (await coordinator.PostAsync($"/api/v1/programs/{programId}/matching/drafts", Json.Empty())).Content.ReadAsStringAsync());
        // The minor cannot answer for themselves.
        var own = await minor.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false });
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
    }

    [Fact]
    public async Task WithdrawingPausesTheRelationshipAndTellsTheCoordinatorAndAMaterialNoticeChangeAsksAgain()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var consent = $"/api/v1/me/consents";
        // Optional uses come only with the program's consent.
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.PostAsJsonAsync(consent, new { programId = pair.ProgramId, purpose = "Photos", give = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(consent, new { programId = pair.ProgramId, purpose = "Nonsense", give = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync(consent, new { programId = Guid.NewGuid(), purpose = "Program", give = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(consent, new { programId = pair.ProgramId, purpose = "Program", give = true })).StatusCode);

        // A non-material change leaves consent as it is; a material one asks again (and tells the participant).
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/notices", new { text = "Typo fixed.", material = false })).StatusCode);
        Assert.Equal(ConsentState.Given, Assert.Single(await ConsentsOfAsync(pair.Mentee.Id)).State);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/notices", new { text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/notices", new { text = "Mine now." })).StatusCode);
        var material = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/notices", new { text = "We now share attendance with parents.", material = true });
        Assert.Equal(2, (await material.Content.ReadFromJsonAsync<NoticeView>(Json.Options))!.Version);
        Assert.Equal(ConsentState.RenewalNeeded, Assert.Single(await ConsentsOfAsync(pair.Mentee.Id)).State);
        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == pair.Mentee.Id).Select(n => n.Title).ToListAsync());
        Assert.Contains(notices, t => t.Contains("changed its privacy notice"));

        // The school records consent for its roster instead, as the parents' agent; who did it is kept.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/consents/school", new { userIds = new[] { pair.Mentee.Id } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/consents/school", new { userIds = new[] { Guid.NewGuid() } })).StatusCode);
        var school = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/consents/school", new { userIds = new[] { pair.Mentee.Id, pair.Mentor.Id } });
        Assert.Equal(2, (await school.Content.ReadFromJsonAsync<SchoolConsentResult>(Json.Options))!.Recorded);
        var listed = await pair.Coordinator.GetFromJsonAsync<Paged<ProgramConsentView>>($"/api/v1/programs/{pair.ProgramId}/consents", Json.Options);
        Assert.All(listed!.Items, c => Assert.Equal((ConsentState.Given, ConsentGiver.School, "Cora Ordinator", 2), (c.State, c.Giver!.Value, c.RecordedBy!, c.ProgramNoticeVersion!.Value)));
        var given = await pair.Coordinator.GetFromJsonAsync<Paged<ProgramConsentView>>($"/api/v1/programs/{pair.ProgramId}/consents?state=Given", Json.Options);
        Assert.Equal(listed.Items.Count, given!.Items.Count);
        var undefined = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/consents?state=7");
        Assert.Equal(HttpStatusCode.BadRequest, undefined.StatusCode);
        Assert.Contains("state", (await undefined.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>())!.Errors.Keys);

        // The participant withdraws (on their privacy page): the relationship pauses, the coordinator is told, and it cannot resume.
        var pages = await fixture.SignInPagesAsync(pair.Mentee);
        var withdrawn = await pages.SubmitAsync("/my/access-log", "my-consent", [new("Key", $"{pair.ProgramId}:Program:false")]);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Contains("withdrawn", await withdrawn.Content.ReadAsStringAsync());
        var relationship = await pair.Coordinator.GetFromJsonAsync<RelationshipView>($"/api/v1/relationships/{pair.RelationshipId}", Json.Options);
        Assert.Equal(RelationshipStatus.Paused, relationship!.Status);
        var told = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.UserId == pair.School.Coordinator.Id && n.Title.StartsWith("Consent withdrawn")).Select(n => n.Body).ToListAsync());
        Assert.Contains("Menna Tee's consent to Reading Buddies was withdrawn by themselves. Their relationship is paused.", Assert.Single(told));
        var resume = await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Active" });
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);

        // Consent again: the coordinator can resume it.
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(consent, new { programId = pair.ProgramId, purpose = "Program", give = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Active" })).StatusCode);
        var mine = await mentee.GetFromJsonAsync<List<MyConsentView>>(consent, Json.Options);
        Assert.Equal((ConsentState.Given, ConsentGiver.Participant), (Assert.Single(mine!).State, mine![0].Giver!.Value));
    }

    [Fact]
    public async Task AChildWaitingForTheirGuardianWhoAppliesAgainAsAnAdultStaysWaitingAndCannotBePaired()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var recruiting = school.Recruiting;
        var programId = recruiting.Program.Id;
        var guardian = Address();
        var childUser = await Factory.CreateUserAsync("Kit Young");
        var child = await Factory.SignedInClientAsync(childUser);
        await SubmitAsync(child, recruiting, "mentee", 14, guardian);
        Assert.Equal(ConsentState.AwaitingGuardian, Assert.Single(await ConsentsOfAsync(childUser.Id)).State);

        // The 14-year-old applies again in the same program, as a mentor, typing an adult's age: their guardian still decides.
        var asMentor = await SubmitAsync(child, recruiting, "mentor", 20, null);
        var consent = Assert.Single(await ConsentsOfAsync(childUser.Id));
        Assert.Equal((ConsentState.AwaitingGuardian, (ConsentGiver?)null, guardian), (consent.State, consent.Giver, consent.GuardianEmail));
        Assert.Single(await Factory.OutboxForAsync(guardian));

        // Approved as a mentor beside an adult mentee, the child still cannot be paired.
        var adultUser = await Factory.CreateUserAsync("Ada Grown");
        var adultApplication = await SubmitAsync(await Factory.SignedInClientAsync(adultUser), recruiting, "mentee", 30, null);
        await ApproveAsync(recruiting.Coordinator, programId, asMentor, "mentor");
        await ApproveAsync(recruiting.Coordinator, programId, adultApplication, "mentee");
        var enrolments = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments.Where(e => e.ProgramId == programId)
            .ToDictionaryAsync(e => e.UserId, e => e.Id));
        var byHand = await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/relationships/", new
        {
            memberEnrolmentIds = new[] { enrolments[childUser.Id], enrolments[adultUser.Id] }, kind = "Pair", startsOn = "2027-01-10", source = "Manual",
        });
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Contains("consent", await byHand.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoweringTheAgeOnASubmittedApplicationUnderTheConsentAgeAsksTheGuardian()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var named = Address();
        var (user, client, applicationId) = await school.ApplyAsync("Lee Young", "AGE-1", 17, named);
        var own = Assert.Single(await ConsentsOfAsync(user.Id));
        Assert.Equal((ConsentState.Given, ConsentGiver.Participant), (own.State, own.Giver!.Value));
        Assert.Empty(await Factory.OutboxForAsync(named));

        // Before anyone decides, the applicant corrects their age to 12 and gives their guardian's address.
        var guardian = Address();
        var correction = new
        {
            answers = RecruitingProgram.CompleteAnswers(), acceptsCodeOfConduct = true, age = 12, guardianName = "Pat Parent", guardianEmail = guardian,
        };
        var corrected = await client.PutAsJsonAsync($"/api/v1/me/applications/{applicationId}", correction);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var consent = Assert.Single(await ConsentsOfAsync(user.Id));
        Assert.Equal((ConsentState.AwaitingGuardian, guardian), (consent.State, consent.GuardianEmail));
        var (link, count) = await GuardianLinkAsync(guardian);
        Assert.Equal(1, count);
        Assert.Equal(HttpStatusCode.OK, (await Factory.AnonymousClient().GetAsync(link)).StatusCode);

        // Saving it again asks nobody twice, and the child cannot answer for themselves any more.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/me/applications/{applicationId}", correction)).StatusCode);
        Assert.Single(await Factory.OutboxForAsync(guardian));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = true })).StatusCode);
    }

    [Fact]
    public async Task TheSchoolCannotConsentOverARefusalOrAWithdrawalAndLeavesTheGuardiansLinkWorking()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var programId = school.Recruiting.Program.Id;
        var guardian = Address();
        var (child, _, _) = await school.ApplyAsync("Rae Young", "REF-1", 14, guardian);
        var (link, _) = await GuardianLinkAsync(guardian);
        var refused = await new PageClient(Factory.AnonymousClient()).SubmitAsync(link, "guardian-consent",
            [new("Input.Consents", "false"), new("Input.GuardianName", "Pat Parent")]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var (next, mails) = await GuardianLinkAsync(guardian);
        var (adult, adultClient, _) = await school.ApplyAsync("Al Grown", "WD-1", 30, null);
        Assert.Equal(HttpStatusCode.OK, (await adultClient.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);

        // The consents page lists them without a box to tick; the API refuses them by name and records nothing.
        var page = WebUtility.HtmlDecode(await coordinator.GetStringAsync($"/programs/{programId}/consents"));
        Assert.Contains("Rae Young", page);
        Assert.DoesNotContain($"value=\"{child.Id}\"", page);
        Assert.DoesNotContain($"value=\"{adult.Id}\"", page);
        var recorded = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/school", new { userIds = new[] { child.Id, adult.Id } });
        Assert.Equal(HttpStatusCode.Conflict, recorded.StatusCode);
        var problem = await recorded.Content.ReadAsStringAsync();
        Assert.Contains("Rae Young", problem);
        Assert.Contains("Al Grown", problem);
        var childConsent = Assert.Single(await ConsentsOfAsync(child.Id));
        Assert.Equal((ConsentState.Refused, ConsentGiver.Guardian), (childConsent.State, childConsent.Giver!.Value));
        var adultConsent = Assert.Single(await ConsentsOfAsync(adult.Id));
        Assert.Equal((ConsentState.Withdrawn, ConsentGiver.Participant), (adultConsent.State, adultConsent.Giver!.Value));
        // The guardian's newest link still works: only they change their answer.
        Assert.Equal(HttpStatusCode.OK, (await Factory.AnonymousClient().GetAsync(next)).StatusCode);
        Assert.Equal(mails, (await GuardianLinkAsync(guardian)).Count);

        // Where the guardian has not answered yet, the school records its consent and the guardian's link keeps working:
        // they may still refuse, which withdraws it.
        var waitingGuardian = Address();
        var (waiting, _, _) = await school.ApplyAsync("Sky Young", "WAIT-1", 14, waitingGuardian);
        var (waitingLink, _) = await GuardianLinkAsync(waitingGuardian);
        var forWaiting = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/school", new { userIds = new[] { waiting.Id } });
        Assert.Equal(1, (await forWaiting.Content.ReadFromJsonAsync<SchoolConsentResult>(Json.Options))!.Recorded);
        var refusedLater = await new PageClient(Factory.AnonymousClient()).SubmitAsync(waitingLink, "guardian-consent",
            [new("Input.Consents", "false"), new("Input.GuardianName", "Sam Parent")]);
        Assert.Equal(HttpStatusCode.OK, refusedLater.StatusCode);
        var waitingConsent = Assert.Single(await ConsentsOfAsync(waiting.Id));
        Assert.Equal((ConsentState.Withdrawn, ConsentGiver.Guardian), (waitingConsent.State, waitingConsent.Giver!.Value));
    }

    [Fact]
    public async Task AGuardianWithdrawsConsentFromTheirChildrenPageWithoutTheEmailedLink()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var guardian = Address();
        var (child, _, _) = await school.ApplyAsync("Wren Young", "GW-1", 14, guardian);
        var (other, _, _) = await school.ApplyAsync("Otto Young", "GW-2", 14, Address());
        var (link, _) = await GuardianLinkAsync(guardian);
        Assert.Equal(HttpStatusCode.OK, (await new PageClient(Factory.AnonymousClient()).SubmitAsync(link, "guardian-consent",
            [new("Input.Consents", "true"), new("Input.GuardianName", "Pat Parent")])).StatusCode);

        // Months later the e-mailed link is lost; the guardian opens their page with a fresh access link instead.
        var page = await GuardianSessionAsync(guardian);
        var mails = (await Factory.OutboxForAsync(guardian)).Count;
        var view = WebUtility.HtmlDecode(await page.Http.GetStringAsync("/guardian/children"));
        Assert.Contains("Withdraw consent", view);
        var childConsent = Assert.Single(await ConsentsOfAsync(child.Id));
        var otherConsent = Assert.Single(await ConsentsOfAsync(other.Id));

        // Another child's consent is not theirs to withdraw.
        var notTheirs = await page.SubmitAsync("/guardian/children", "guardian-withdraw", [new("ConsentId", otherConsent.Id.ToString())]);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        Assert.Equal(ConsentState.AwaitingGuardian, Assert.Single(await ConsentsOfAsync(other.Id)).State);

        var withdrawn = await page.SubmitAsync("/guardian/children", "guardian-withdraw", [new("ConsentId", childConsent.Id.ToString())]);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Contains("is withdrawn", WebUtility.HtmlDecode(await withdrawn.Content.ReadAsStringAsync()));
        var after = Assert.Single(await ConsentsOfAsync(child.Id));
        Assert.Equal((ConsentState.Withdrawn, ConsentGiver.Guardian), (after.State, after.Giver!.Value));
        // As through the link: the coordinators are told, and the guardian gets a fresh link to give consent again.
        var told = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.UserId == school.Recruiting.School.Coordinator.Id && n.Title == "Consent withdrawn: Wren Young").CountAsync());
        Assert.Equal(1, told);
        var (again, count) = await GuardianLinkAsync(guardian);
        Assert.Equal(mails + 1, count);
        Assert.Equal(HttpStatusCode.OK, (await Factory.AnonymousClient().GetAsync(again)).StatusCode);
    }

    [Fact]
    public async Task AnnouncementsAndSurveysReachOnlyParticipantsWhoseConsentIsGiven()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var recruiting = school.Recruiting;
        var programId = recruiting.Program.Id;
        var (waiting, _, waitingApplication) = await school.ApplyAsync("Wes Young", "ANN-1", 14, Address());
        var (withdrew, withdrewClient, withdrewApplication) = await school.ApplyAsync("Will Drew", "ANN-2", 30, null);
        var (given, _, givenApplication) = await school.ApplyAsync("Gina Given", "ANN-3", 30, null);
        foreach (var application in new[] { waitingApplication, withdrewApplication, givenApplication })
        {
            await ApproveAsync(recruiting.Coordinator, programId, application, "mentor");
        }
        Assert.Equal(HttpStatusCode.OK, (await withdrewClient.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);

        var title = $"Reading day {Guid.NewGuid():N}";
        var posted = await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/announcements", new { title, body = "Bring a book.", audience = "Everyone" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var noticed = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.Title.Contains(title)).Select(n => n.UserId).ToListAsync());
        Assert.Equal([given.Id], noticed);
        foreach (var person in new[] { waiting, withdrew })
        {
            Assert.DoesNotContain(await Factory.OutboxForAsync(person.Email), m => MimeMessage.Load(new MemoryStream(m.Mime)).Subject?.Contains(title) == true);
        }

        var created = await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/surveys", new { template = "NeedsAssessment", title = "What would help?" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var surveyId = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!.Id;
        Assert.True((await recruiting.Coordinator.PostAsync($"/api/v1/surveys/{surveyId}/send", Json.Empty())).IsSuccessStatusCode);
        var invited = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SurveyInvitation>()
            .Where(i => i.SurveyId == surveyId).Select(i => i.UserId).ToListAsync());
        Assert.Equal([given.Id], invited);
    }

    /// <summary>
    /// A program under a consent age of 16 with three approved mentors: a 14-year-old waiting for their guardian, an adult
    /// who withdrew their consent, and an adult whose consent is given.
    /// </summary>
    private sealed record ThreeMentors(RecruitingProgram Recruiting, Guid ProgramId, UserSummary Waiting, HttpClient WaitingClient,
        UserSummary Withdrew, HttpClient WithdrewClient, UserSummary Given, HttpClient GivenClient);

    private async Task<ThreeMentors> ThreeMentorsAsync(string marker, bool withdraw = true)
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (waiting, waitingClient, waitingApplication) = await school.ApplyAsync("Wes Young", $"{marker}-1", 14, Address());
        var (withdrew, withdrewClient, withdrewApplication) = await school.ApplyAsync("Will Drew", $"{marker}-2", 30, null);
        var (given, givenClient, givenApplication) = await school.ApplyAsync("Gina Given", $"{marker}-3", 30, null);
        foreach (var application in new[] { waitingApplication, withdrewApplication, givenApplication })
        {
            await ApproveAsync(school.Recruiting.Coordinator, programId, application, "mentor");
        }
        if (withdraw)
        {
            await WithdrawAsync(withdrewClient, programId);
        }
        return new ThreeMentors(school.Recruiting, programId, waiting, waitingClient, withdrew, withdrewClient, given, givenClient);
    }

    private static async Task WithdrawAsync(HttpClient client, Guid programId) =>
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);

    private Task<List<Notification>> NoticesAsync(Guid userId, NotificationKind kind) => Factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == kind).ToListAsync());

    private async Task<List<MimeMessage>> MailsToAsync(string email) =>
        (await Factory.OutboxForAsync(email)).Select(m => MimeMessage.Load(new MemoryStream(m.Mime))).ToList();

    [Fact]
    public async Task EventRemindersCancellationsAndWaitlistPlacesReachOnlyParticipantsWhoseConsentIsGiven()
    {
        var three = await ThreeMentorsAsync("EVT");
        var title = $"Book swap {Guid.NewGuid():N}";
        async Task<Guid> CreateAsync(TimeSpan startsIn, int? capacity)
        {
            var starts = Factory.Clock.GetUtcNow() + startsIn;
            var response = await three.Recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{three.ProgramId}/events", new
            {
                kind = "Social", title, description = "Bring a book.", startsAt = starts, endsAt = starts.AddHours(2), timeZoneId = "Europe/London",
                place = "Hall B", audience = "Everyone", capacity,
            });
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!.Id;
        }
        static async Task RsvpAsync(HttpClient client, Guid eventId, bool going) =>
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/events/{eventId}/rsvp", new { going })).StatusCode);

        // Everyone may still see and answer the event; only those the program may contact hear of it.
        var tomorrow = await CreateAsync(TimeSpan.FromHours(2), capacity: null);
        foreach (var client in new[] { three.WaitingClient, three.WithdrewClient, three.GivenClient })
        {
            await RsvpAsync(client, tomorrow, going: true);
        }
        await Factory.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync());
        Assert.Equal(HttpStatusCode.OK, (await three.Recruiting.Coordinator.PostAsync($"/api/v1/events/{tomorrow}/cancel", Json.Empty())).StatusCode);

        // A place from the waitlist: the adult with consent is told, the adult who withdrew is not.
        var small = await CreateAsync(TimeSpan.FromDays(3), capacity: 1);
        await RsvpAsync(three.WaitingClient, small, going: true);
        await RsvpAsync(three.GivenClient, small, going: true);
        await RsvpAsync(three.WithdrewClient, small, going: true);
        await RsvpAsync(three.WaitingClient, small, going: false);
        await RsvpAsync(three.GivenClient, small, going: false);

        var givenNotices = (await NoticesAsync(three.Given.Id, NotificationKind.Events)).Select(n => n.Title).ToList();
        Assert.Contains($"Tomorrow: {title}", givenNotices);
        Assert.Contains(givenNotices, t => t.EndsWith($"{title} is cancelled"));
        Assert.Contains(givenNotices, t => t.EndsWith($"a place at {title} is yours"));
        foreach (var person in new[] { three.Waiting, three.Withdrew })
        {
            Assert.Empty(await NoticesAsync(person.Id, NotificationKind.Events));
            Assert.DoesNotContain(await MailsToAsync(person.Email), m => m.Subject?.Contains(title) == true);
        }
    }

    [Fact]
    public async Task MentionsAndRepliesInADiscussionReachOnlyParticipantsWhoseConsentIsGiven()
    {
        var three = await ThreeMentorsAsync("DSC");
        var channels = $"/api/v1/programs/{three.ProgramId}/discussion-channels";
        var listed = await three.GivenClient.GetFromJsonAsync<Paged<ChannelView>>(channels, Json.Options);
        var general = listed!.Items.Single(c => c.Kind == ChannelKind.General);
        async Task<Guid> PostAsync(HttpClient client, string body, Guid? replyTo = null)
        {
            var path = replyTo is { } parent ? $"{channels}/{general.Id}/posts/{parent}/replies" : $"{channels}/{general.Id}/posts";
            var response = await client.PostAsJsonAsync(path, new { body });
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<PostView>(Json.Options))!.Id;
        }

        var waitingThread = await PostAsync(three.WaitingClient, "Does anyone have a spare copy?");
        var withdrewThread = await PostAsync(three.WithdrewClient, "Which book first?");
        await PostAsync(three.GivenClient, "I do!", waitingThread);
        await PostAsync(three.GivenClient, "The short one.", withdrewThread);
        await PostAsync(three.GivenClient, "Welcome @Wes Young and @Will Drew.");
        await PostAsync(three.WaitingClient, "Thanks @Gina Given!");

        Assert.Contains(await NoticesAsync(three.Given.Id, NotificationKind.Discussions), n => n.Title == "Wes Young mentioned you in General");
        foreach (var person in new[] { three.Waiting, three.Withdrew })
        {
            Assert.Empty(await NoticesAsync(person.Id, NotificationKind.Discussions));
            Assert.DoesNotContain(await MailsToAsync(person.Email), m => m.Subject?.Contains("in General") == true);
        }
    }

    [Fact]
    public async Task TheDailyDigestLeavesOutAProgramsNoticesOnceConsentToItIsWithdrawn()
    {
        var three = await ThreeMentorsAsync("DIG", withdraw: false);
        foreach (var client in new[] { three.WithdrewClient, three.GivenClient })
        {
            (await client.PutAsJsonAsync("/api/v1/me/notification-preferences", new { choices = new { announcements = "DailyDigest" } })).EnsureSuccessStatusCode();
        }
        var title = $"Reading day {Guid.NewGuid():N}";
        var posted = await three.Recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{three.ProgramId}/announcements", new { title, body = "Bring a book.", audience = "Everyone" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        // Written while they consented, waiting for the evening's digest; then they withdraw.
        Assert.Single(await NoticesAsync(three.Withdrew.Id, NotificationKind.Announcements));
        await WithdrawAsync(three.WithdrewClient, three.ProgramId);

        var evening = Factory.Clock.GetUtcNow().UtcDateTime.AddDays(1);
        await Factory.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(evening));
        await Factory.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(evening.AddDays(1)));

        static bool Lists(MimeMessage m, string title) => m.Subject?.StartsWith("Your Tandem digest") == true && m.TextBody?.Contains(title) == true;
        Assert.Single(await MailsToAsync(three.Given.Email), m => Lists(m, title));
        Assert.DoesNotContain(await MailsToAsync(three.Withdrew.Email), m => Lists(m, title));
        // It is still in their notifications in the app: seeing is not being contacted.
        Assert.Equal(title, Assert.Single(await NoticesAsync(three.Withdrew.Id, NotificationKind.Announcements)).Title[^title.Length..]);
    }
}
