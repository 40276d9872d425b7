using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Applications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// The coordinators' privacy pages (ADR 53): a program's consents with the school's authorisation and the data-use notice,
/// the organisation's consent age and privacy notice, its audit log, and a person's data exported on their request.
/// </summary>
public sealed class PrivacyPagesTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<List<ProgramConsentView>> ConsentsAsync(Pair pair) =>
        (await pair.Coordinator.GetFromJsonAsync<Paged<ProgramConsentView>>($"/api/v1/programs/{pair.ProgramId}/consents", Json.Options))!.Items.ToList();

    private Task<List<AuditEntry>> EntriesAboutAsync(Guid subject) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == subject).ToListAsync());

    [Fact]
    public async Task EachPageShowsItsContentToTheCoordinatorAndIsRefusedToOtherOrganisationsAndParticipants()
    {
        var pair = await fixture.PairAsync();
        var organisationId = pair.School.Organisation.Id;
        string[] paths = [$"/programs/{pair.ProgramId}/consents", $"/organisations/{organisationId}/privacy", $"/organisations/{organisationId}/audit"];
        // What only the coordinator's page shows, one per page.
        string[] contents = ["Record the school's authorisation", "A guardian consents for applicants under", "Person read"];

        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var consents = await coordinator.GetAsync(paths[0]);
        Assert.Equal(HttpStatusCode.OK, consents.StatusCode);
        var text = await TextAsync(consents);
        Assert.Contains("Record the school's authorisation", text);
        Assert.Contains("Menna Tee", text);
        Assert.Contains("Not asked (enrolled directly)", text);
        var privacy = await TextAsync(await coordinator.GetAsync(paths[1]));
        Assert.Contains("Consent age", privacy);
        Assert.Contains("No notice has been published yet.", privacy);
        Assert.Contains("Nobody's record has been opened yet.", await TextAsync(await coordinator.GetAsync(paths[2])));
        // The program's and the organisations' pages link to them.
        Assert.Contains($"/programs/{pair.ProgramId}/consents", await coordinator.GetStringAsync($"/programs/{pair.ProgramId}"));
        var organisations = await coordinator.GetStringAsync("/organisations");
        Assert.Contains($"/organisations/{organisationId}/privacy", organisations);
        Assert.Contains($"/organisations/{organisationId}/audit", organisations);

        var elsewhere = await School.CreateAsync(fixture.Tandem);
        var otherCoordinator = await fixture.SignInAsync(elsewhere.Coordinator);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        foreach (var (path, content) in paths.Zip(contents))
        {
            var notFound = await otherCoordinator.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            Assert.DoesNotContain(content, await TextAsync(notFound));
            foreach (var participant in new[] { mentor, mentee })
            {
                var refused = await participant.GetAsync(path);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.DoesNotContain(content, await TextAsync(refused));
            }
        }
    }

    [Fact]
    public async Task TheSchoolRecordsConsentForTheTickedParticipantsAndAMaterialNoticeAsksThemAgain()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/consents";
        KeyValuePair<string, string>[] ticked = [new("userIds", pair.Mentee.Id.ToString()), new("userIds", pair.OtherMentee.Id.ToString())];

        var unconfirmed = await page.SubmitAsync(path, "school-consent", ticked);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Contains("Tick the box to confirm", await TextAsync(unconfirmed));
        Assert.Empty(await ConsentsAsync(pair));

        var recorded = await page.SubmitAsync(path, "school-consent", [.. ticked, new("confirm", "true")]);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Contains("The school's consent is recorded for 2 participants.", await TextAsync(recorded));
        var consents = await ConsentsAsync(pair);
        Assert.Equal([pair.Mentee.Id, pair.OtherMentee.Id], consents.Select(c => c.UserId).Order());
        Assert.All(consents, c => Assert.Equal((ConsentState.Given, ConsentGiver.School, "Cora Ordinator"), (c.State, c.Giver!.Value, c.RecordedBy!)));

        // A material change of the organisation's privacy notice, published on its privacy page, asks both again; the program's page shows it.
        var privacy = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var published = await privacy.SubmitAsync($"/organisations/{pair.School.Organisation.Id}/privacy", "privacy-notice",
            [new("text", "We now share attendance with parents."), new("material", "true")]);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var publishedText = await TextAsync(published);
        Assert.Contains("Version 1 of the privacy notice is published. Everyone who consented on an earlier version is asked again.", publishedText);
        Assert.Contains("We now share attendance with parents.", publishedText);
        Assert.All(await ConsentsAsync(pair), c => Assert.Equal(ConsentState.RenewalNeeded, c.State));
        Assert.Contains("No consent is in this state.", await TextAsync(await page.Http.GetAsync($"{path}?state=Given")));
        var askedAgain = await TextAsync(await page.Http.GetAsync($"{path}?state=RenewalNeeded"));
        Assert.DoesNotContain("No consent is in this state.", askedAgain);
        Assert.Contains("The school, recorded by Cora Ordinator", askedAgain);
    }

    [Fact]
    public async Task TheConsentAgeFormRefusesAnAgeOutOfRangeWithAMessageAndKeepsWhatWasTyped()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/organisations/{pair.School.Organisation.Id}/privacy";

        var refused = await page.SubmitAsync(path, "consent-age", [new("consentAge", "30")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var text = await TextAsync(refused);
        Assert.Contains("Give an age from 13 (COPPA) to 16 (GDPR) or at most 18.", text);
        Assert.Contains("value=\"30\"", text);

        var saved = await page.SubmitAsync(path, "consent-age", [new("consentAge", "16")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("applicants under 16 take part with a parent's or guardian's consent", await TextAsync(saved));
        var age = await pair.Coordinator.GetFromJsonAsync<ConsentAgeView>($"/api/v1/organisations/{pair.School.Organisation.Id}/consent-age", Json.Options);
        Assert.Equal(16, age!.ConsentAge);
    }

    [Fact]
    public async Task ACoordinatorExportsAPersonsDataWithAReasonThatTheAuditPageShowsForThatPersonOnly()
    {
        var pair = await fixture.PairAsync();
        var marker = $"EXPORT-{Guid.NewGuid():N}"[..20];
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.True((await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/suggestions", new { text = $"suggestion {marker}", anonymous = false })).IsSuccessStatusCode);
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var organisationId = pair.School.Organisation.Id;
        string Export(Guid userId, string? reason = null, Guid? organisation = null) =>
            $"/api/v1/organisations/{organisation ?? organisationId}/people/{userId}/data-export" + (reason is null ? "" : $"?reason={Uri.EscapeDataString(reason)}");

        // A reason is required; only the organisation's coordinators export; a person of another organisation is not found.
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.GetAsync(Export(pair.Mentee.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.GetAsync(Export(pair.Mentee.Id, "   "))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(Export(pair.Mentor.Id, "curious"))).StatusCode);
        var elsewhere = await School.CreateAsync(fixture.Tandem);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync(Export(elsewhere.Mentee.Id, "Letter of 2 March"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(elsewhere.Coordinator)).GetAsync(Export(pair.Mentee.Id, "Letter of 2 March"))).StatusCode);
        Assert.Empty(await EntriesAboutAsync(pair.Mentee.Id));

        var response = await coordinator.GetAsync(Export(pair.Mentee.Id, "Parent's letter of 2 March"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await response.Content.ReadAsStringAsync();
        Assert.Contains(marker, document);
        Assert.Equal(pair.Mentee.Email, (string?)JsonNode.Parse(document)!["account"]!["email"]);
        var entry = Assert.Single(await EntriesAboutAsync(pair.Mentee.Id));
        Assert.Equal((pair.School.Coordinator.Id, AuditRecord.DataExport, organisationId, "Data export on request: Parent's letter of 2 March"),
            (entry.ActorUserId, entry.Record, entry.OrganisationId!.Value, entry.Purpose));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync(Export(pair.Mentor.Id, "Mentor asked by e-mail"))).StatusCode);

        // The audit page, searched by the mentee's name, shows her entry and not the mentor's, and offers the export form for her.
        var audit = await coordinator.GetAsync($"/organisations/{organisationId}/audit?person=menna");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        var text = await TextAsync(audit);
        Assert.Contains("Data export on request: Parent's letter of 2 March", text);
        Assert.DoesNotContain("Mentor asked by e-mail", text);
        Assert.Contains($"/api/v1/organisations/{organisationId}/people/{pair.Mentee.Id}/data-export", text);
        var unfiltered = await TextAsync(await coordinator.GetAsync($"/organisations/{organisationId}/audit"));
        Assert.Contains("Mentor asked by e-mail", unfiltered);
        // The mentee sees who exported her data, and why.
        Assert.Contains("Parent's letter of 2 March", await TextAsync(await mentee.GetAsync("/my/access-log")));
    }

    [Fact]
    public async Task AnExportOnRequestHoldsTheOrganisationsRecordsThatItsStaffMayReadAndThePersonsOwnHoldsEverything()
    {
        var pair = await fixture.PairAsync();
        var organisationId = pair.School.Organisation.Id;
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        string Marker(string what) => $"{what}-{Guid.NewGuid():N}"[..24];
        var shared = Marker("SHARED");
        var withheld = Marker("WITHHELD");
        var safeguarding = Marker("SAFEGUARDING");
        var aboutCoordinator = Marker("ABOUTCOORD");
        var otherOrganisation = Marker("ELSEWHERE");

        // In a program of the same school: a sensitive question answered without consent (kept for the applicant alone, ADR 49).
        var recruiting = await RecruitingProgram.CreateAsync(fixture.Tandem, pair.School);
        (await recruiting.Coordinator.PutAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee", new
        {
            questions = new object[]
            {
                new { id = "hope", type = "ShortText", prompt = "What do you hope for?", required = false },
                new { id = "background", type = "ShortText", prompt = "Your background", required = false, sensitive = true, explanation = "To see whether we reach everyone." },
            },
        })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(recruiting.Applications, new
        {
            role = "mentee", answers = new Dictionary<string, object> { ["hope"] = shared, ["background"] = withheld },
            sensitiveConsents = Array.Empty<string>(), acceptsCodeOfConduct = true, submit = true,
        })).StatusCode);
        // Two concerns: a safeguarding report (its leads' only) and one about the coordinator who will export.
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns",
            new { category = "Safeguarding", description = $"Worried about home {safeguarding}" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns",
            new { category = "Conflict", subjectUserId = pair.School.Coordinator.Id, description = $"The coordinator was unfair {aboutCoordinator}" })).StatusCode);
        // In another organisation's program: a named suggestion.
        var elsewhere = await School.CreateAsync(fixture.Tandem);
        await fixture.Tandem.AddMemberAsync(elsewhere.Organisation.Id, pair.Mentee, Tandem.Features.Organisations.OrganisationRole.Member);
        var elsewhereCoordinator = await fixture.SignInAsync(elsewhere.Coordinator);
        var elsewhereProgram = await elsewhere.CreateProgramAsync(elsewhereCoordinator);
        await PairFixture.EnrolAsync(elsewhereCoordinator, elsewhereProgram.Id, pair.Mentee, "Mentee");
        Assert.True((await mentee.PostAsJsonAsync($"/api/v1/programs/{elsewhereProgram.Id}/suggestions", new { text = $"More snacks {otherOrganisation}", anonymous = false })).IsSuccessStatusCode);

        var onRequest = await coordinator.GetAsync($"/api/v1/organisations/{organisationId}/people/{pair.Mentee.Id}/data-export?reason={Uri.EscapeDataString("Her letter of 4 May")}");

        Assert.Equal(HttpStatusCode.OK, onRequest.StatusCode);
        var document = await onRequest.Content.ReadAsStringAsync();
        Assert.Contains(shared, document);
        Assert.DoesNotContain(withheld, document);
        Assert.DoesNotContain(safeguarding, document);
        Assert.DoesNotContain(aboutCoordinator, document);
        Assert.DoesNotContain(otherOrganisation, document);
        Assert.DoesNotContain(elsewhere.Organisation.Name, document);
        var json = JsonNode.Parse(document)!;
        Assert.Null(json["notifications"]);
        Assert.Null(json["rankings"]);
        Assert.Null(json["whatsApp"]!["number"]);
        Assert.Contains("made by a coordinator on your request", (string?)json["about"]);
        // Neither concern is listed: the reader handles neither (a safeguarding report, one about the reader; ADR 98 and 109).
        Assert.Empty(json["concernsReported"]!.AsArray());

        // The person's own download holds all of it.
        var own = await mentee.GetStringAsync("/api/v1/me/data-export");
        foreach (var marker in new[] { shared, withheld, safeguarding, aboutCoordinator, otherOrganisation })
        {
            Assert.Contains(marker, own);
        }
    }

    [Fact]
    public async Task AnErasureRequestOnTheSecondPageCanBeDecided()
    {
        var pair = await fixture.PairAsync();
        var organisationId = pair.School.Organisation.Id;
        // Twenty-one open requests: the oldest is on page 2 (open first, newest first, 20 a page).
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var people = new List<Tandem.Features.Accounts.UserSummary>();
        for (var i = 0; i < 21; i++)
        {
            people.Add(await fixture.Tandem.CreateUserAsync($"Eraser {i:00}"));
        }
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.AddRange(people.Select((p, i) => new Tandem.Features.Exports.ErasureRequest(organisationId, p.Id, Tandem.Features.Exports.ErasureRequester.Person,
                p.Id, null, now.AddMinutes(i))));
            return await db.SaveChangesAsync();
        });
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var second = await page.Http.GetStringAsync($"/organisations/{organisationId}/erasure-requests?page=2");
        Assert.Contains("Eraser 00", second);
        var decide = System.Text.RegularExpressions.Regex.Match(second, "href=\"([^\"]*decide=[^\"]*)\"").Groups[1].Value;

        var deciding = WebUtility.HtmlDecode(await page.Http.GetStringAsync(WebUtility.HtmlDecode(decide)));

        Assert.Contains("Decide: Eraser 00", deciding);
    }
}
