using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Tests.Applications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// Issue 16 item 4 (erasure): a marker planted in every personal field a person fills (their name, application answers,
/// check-ins, a concern, a named suggestion, a sensitive answer withheld from use, a decision's message) is found in the database before `tandem privacy erase` and in no table after it;
/// the program's counts still add up.
/// </summary>
public sealed class ErasureTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private Task<List<string>> WhereIsAsync(string marker) => MarkerScan.WhereIsAsync(fixture, marker);

    private Task<List<string>> FilesHoldingAsync(string marker) => MarkerScan.FilesHoldingAsync(fixture, marker);

    [Fact]
    public async Task AfterErasureTheMarkerIsInNoTableAndTheCountsStillAddUp()
    {
        var marker = $"QZX{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        // The name they typed when they signed up.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentee.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, $"Menna {marker}")));
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            meetingId, happened = true, topics = $"topics {marker}", progress = $"progress {marker}", challenges = $"challenges {marker}", nextSteps = $"next {marker}", rating = 4,
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new
        {
            category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = $"concern {marker}",
        })).StatusCode);
        Assert.True((await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/suggestions", new { text = $"suggestion {marker}", anonymous = false })).IsSuccessStatusCode);
        // They also apply to be a mentor in another of the school's programs, answering every question.
        var recruiting = await RecruitingProgram.CreateAsync(fixture.Tandem, pair.School);
        var answers = RecruitingProgram.CompleteAnswers();
        answers["why"] = $"why {marker}";
        answers["about"] = $"about {marker}";
        answers["health"] = $"health {marker}";
        var applied = await mentee.PostAsJsonAsync(recruiting.Applications, new { role = "mentor", answers, acceptsCodeOfConduct = true, mentorCapacity = 1, submit = true });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        // The coordinator puts it on the waiting list with a message (ADR 42: the decision's message goes with the application's).
        // Through the fixture's app, whose e-mail goes to the test's SMTP server rather than a folder of files.
        var applicationId = (await applied.Content.ReadFromJsonAsync<Tandem.Features.Applications.MyApplicationView>(Json.Options))!.Id;
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        Assert.True((await coordinator.PostAsJsonAsync($"{recruiting.Applications}/{applicationId}/decision",
            new { decision = "Waitlist", message = $"decision {marker}" })).IsSuccessStatusCode);
        // A sensitive answer they gave without consent to its use is kept apart, for their eyes only (ADR 49): still theirs to erase.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Applications.Application>()
            .Where(a => a.UserId == pair.Mentee.Id && a.ProgramId == recruiting.Program.Id)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.WithheldAnswersJson, $$"""{"background":"withheld {{marker}}"}""")));

        // Their guardian signed a consent for them (ADR 48): the signature and the address the link went to are personal too.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var consent = new Consent(pair.Mentee.Id, pair.ProgramId, pair.School.Organisation.Id, ConsentPurpose.Program, Now);
            db.Add(consent);
            db.Add(consent.AskGuardian($"parent.{marker}@families.example", $"H{marker}", Now.AddDays(30), Now));
            db.Add(consent.Record(ConsentState.Given, ConsentGiver.Guardian, null, $"Pat {marker}", null, null, Now));
            return await db.SaveChangesAsync();
        });

        // A message in their conversation, and a text file attached to another.
        var conversation = $"/api/v1/relationships/{pair.RelationshipId}/conversation";
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"{conversation}/messages", new { body = $"message {marker}" })).StatusCode);
        var upload = new HttpRequestMessage(HttpMethod.Post, $"{conversation}/attachments")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"notes {marker}\n")), "file", "notes.txt" } },
        };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(mentee, $"/relationships/{pair.RelationshipId}/messages"));
        Assert.Equal(HttpStatusCode.Created, (await mentee.SendAsync(upload)).StatusCode);
        Assert.Single(await FilesHoldingAsync(marker));

        // A journal entry, shared with the partner (ADR 56).
        var entry = await mentee.PostAsJsonAsync("/api/v1/me/journal", new { body = $"journal {marker}" });
        Assert.Equal(HttpStatusCode.Created, entry.StatusCode);
        var entryId = (await entry.Content.ReadFromJsonAsync<Tandem.Features.Journal.JournalEntryView>(Json.Options))!.Id;
        Assert.True((await mentee.PutAsJsonAsync($"/api/v1/me/journal/{entryId}/share", new { relationshipId = pair.RelationshipId })).IsSuccessStatusCode);

        // A reflection on a training role-play and its quiz answers (ADR 61): the reflection goes, the completion's time stays.
        var module = await Tandem.Tests.Training.TrainingTests.CreateAsync(pair.Coordinator, pair.ProgramId, Tandem.Tests.Training.TrainingTests.Module());
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = $"reflection {marker}" })).StatusCode);

        var before = await WhereIsAsync(marker);
        Assert.Contains("TrainingCompletions.ReflectionsJson", before);
        Assert.Contains("JournalEntries.Body", before);
        Assert.Contains("Messages.Body", before);
        Assert.Contains("AspNetUsers.DisplayName", before);
        Assert.Contains("CheckIns.Topics", before);
        Assert.Contains("Concerns.Description", before);
        Assert.Contains("Applications.AnswersJson", before);
        Assert.Contains("Applications.WithheldAnswersJson", before);
        Assert.Contains("Applications.DecisionMessage", before);
        Assert.Contains("ApplicationDecisions.Message", before);
        Assert.Contains("Consents.GuardianName", before);
        Assert.Contains("Consents.GuardianEmail", before);
        Assert.Contains("ConsentEvents.GuardianName", before);
        var checkInsBefore = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId));

        var output = new StringWriter();
        var code = await TandemCli.RunAsync(["privacy", "erase", "--email", pair.Mentee.Email,
            $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}", $"--DataDirectory={fixture.Tandem.DataDirectory}",
            "--Logging:LogLevel:Default=Warning"], output, output);

        Assert.True(code == 0, output.ToString());
        Assert.Contains($"Erased account {pair.Mentee.Id}", output.ToString());
        Assert.Empty(await WhereIsAsync(marker));
        Assert.Empty(await FilesHoldingAsync(marker));
        Assert.Empty(await WhereIsAsync(pair.Mentee.Email));
        // What the program's figures need is still there: the relationship, its check-in count, the enrolment.
        var checkInsAfter = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId));
        Assert.Equal(checkInsBefore, checkInsAfter);
        var list = await pair.Coordinator.GetStringAsync($"/api/v1/programs/{pair.ProgramId}/relationships/");
        Assert.Contains("Erased person", list);
        // They can no longer sign in.
        var signIn = await fixture.App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = pair.Mentee.Email, password = TandemFactory.Password });
        Assert.False(signIn.IsSuccessStatusCode);
    }
}
