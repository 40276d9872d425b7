using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

public sealed class SelfMatchTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static async Task<T> Read<T>(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }

    private static async Task EnableAsync(PairingProgram program, int timeoutDays = 7) =>
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = timeoutDays, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();

    private static Task<HttpResponseMessage> AskAsync(PairingProgram program, Participant mentee, Participant mentor, string message = "Hi! Could you help me with maths?") =>
        mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests", new { mentorEnrolmentId = mentor.EnrolmentId, message });

    [Fact]
    public async Task EightFirstSavesOfTheSettingsAtOnceAllAnswerAndSelfMatchIsOn()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var api = $"/api/v1/programs/{program.Program.Id}/relationship-settings";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => program.Coordinator.PutAsJsonAsync(api, new { selfMatchEnabled = true })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.True((await Read<RelationshipSettingsView>(await program.Coordinator.GetAsync(api))).SelfMatchEnabled);
    }

    [Fact]
    public async Task ChangingOneSettingKeepsTheOthersAsTheyAre()
    {
        var program = await PairingProgram.CreateAsync(factory);
        await EnableAsync(program, timeoutDays: 9);
        var api = $"/api/v1/programs/{program.Program.Id}/relationship-settings";

        var changed = await Read<RelationshipSettingsView>(await program.Coordinator.PutAsJsonAsync(api, new { fitCheckAfterDays = 30 }));

        Assert.Equal((true, 9, 30), (changed.SelfMatchEnabled, changed.RequestTimeoutDays, changed.FitCheckAfterDays));
        var off = await Read<RelationshipSettingsView>(await program.Coordinator.PutAsJsonAsync(api, new { selfMatchEnabled = false }));
        Assert.Equal((false, 9, 30), (off.SelfMatchEnabled, off.RequestTimeoutDays, off.FitCheckAfterDays));
    }

    [Fact]
    public async Task AMenteeSeesAvailableMentorsRankedWithReasonsThatNeverShowPrivateAnswers()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var best = await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths", free: [10, 11, 12], secret: "Dyslexia", capacity: 2);
        var other = await program.ApproveAsync("Eli Mentor", "mentor", subject: "English", free: [50], secret: "Dyslexia");
        var full = await program.ApproveAsync("Fay Mentor", "mentor", subject: "Maths", free: [10, 11]);
        var taken = await program.ApproveAsync("Tom Mentee", "mentee");
        await program.StartAsync(full, taken);
        var mentee = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths", free: [10, 11], secret: "Dyslexia");
        var mentors = $"/api/v1/programs/{program.Program.Id}/self-match/mentors";

        Assert.Equal(HttpStatusCode.Conflict, (await mentee.Client.GetAsync(mentors)).StatusCode);
        await EnableAsync(program);
        Assert.Equal(HttpStatusCode.Forbidden, (await best.Client.GetAsync(mentors)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.SignedInClientAsync(program.School.Outsider)).GetAsync(mentors)).StatusCode);

        var response = await mentee.Client.GetAsync(mentors);
        var raw = await response.Content.ReadAsStringAsync();
        var list = await Read<Paged<AvailableMentorView>>(response);
        Assert.Equal(["Mia Mentor", "Eli Mentor"], list.Items.Select(m => m.DisplayName));
        Assert.Equal(2, list.Items[0].RemainingCapacity);
        Assert.Contains(list.Items[0].Reasons, r => r.Contains("Maths"));
        // Best first, but no score: it counts the private answer too, so two mentors' scores would tell it.
        Assert.Equal(["displayName", "enrolmentId", "reasons", "remainingCapacity"],
            System.Text.Json.Nodes.JsonNode.Parse(raw)!["items"]![0]!.AsObject().Select(p => p.Key).Order());
        var page = await mentee.Client.GetStringAsync($"/programs/{program.Program.Id}/find-a-mentor");
        Assert.Contains("Mia Mentor", page);
        Assert.DoesNotMatch(@"score -?\d", page);
        Assert.DoesNotContain("Dyslexia", raw);
        Assert.DoesNotContain("secret", raw);

        // The explanation stored with the request and the relationship is the same participant-safe text.
        var request = await Read<MentorRequestView>(await AskAsync(program, mentee, best));
        Assert.DoesNotContain("Dyslexia", request.MatchExplanation);
        await Read<MentorRequestView>(await best.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true }));
        var mine = await mentee.Client.GetStringAsync("/api/v1/relationships/mine");
        Assert.Contains("Maths", mine);
        Assert.DoesNotContain("Dyslexia", mine);
    }

    [Fact]
    public async Task TheMentorAcceptsOrDeclinesAndOnlyTheyCan()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", capacity: 2);
        var otherMentor = await program.ApproveAsync("Eli Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var second = await program.ApproveAsync("Nia Mentee", "mentee");
        await EnableAsync(program);

        var request = await Read<MentorRequestView>(await AskAsync(program, mentee, mentor));
        Assert.Equal(MentorRequestStatus.Pending, request.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await AskAsync(program, mentee, otherMentor)).StatusCode);
        var decision = $"/api/v1/mentor-requests/{request.Id}/decision";
        Assert.Equal(HttpStatusCode.NotFound, (await otherMentor.Client.PostAsJsonAsync(decision, new { accept = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync(decision, new { accept = true })).StatusCode);
        var pending = await Read<Paged<MentorRequestView>>(await mentor.Client.GetAsync("/api/v1/mentor-requests/mine?pending=true"));
        Assert.True(Assert.Single(pending.Items).IAmTheMentor);

        var accepted = await Read<MentorRequestView>(await mentor.Client.PostAsJsonAsync(decision, new { accept = true }));
        Assert.Equal(MentorRequestStatus.Accepted, accepted.Status);
        var relationship = await Read<MyRelationshipView>(await mentee.Client.GetAsync($"/api/v1/relationships/mine/{accepted.RelationshipId}"));
        Assert.Equal(["Mia Mentor", "Max Mentee"], relationship.Members.Select(m => m.DisplayName));
        Assert.Equal(RelationshipSource.SelfMatch, (await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{accepted.RelationshipId}"))).Source);
        Assert.Equal(HttpStatusCode.Conflict, (await mentor.Client.PostAsJsonAsync(decision, new { accept = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AskAsync(program, mentee, otherMentor)).StatusCode);

        var declined = await Read<MentorRequestView>(await otherMentor.Client.PostAsJsonAsync(
            $"/api/v1/mentor-requests/{(await Read<MentorRequestView>(await AskAsync(program, second, otherMentor))).Id}/decision", new { accept = false, note = "I am full this term" }));
        Assert.Equal(MentorRequestStatus.Declined, declined.Status);
        var notifications = await second.Client.GetStringAsync("/api/v1/me/notifications");
        Assert.Contains("declined", notifications);
        var withdrawn = await Read<MentorRequestView>(await second.Client.PostAsync(
            $"/api/v1/mentor-requests/{(await Read<MentorRequestView>(await AskAsync(program, second, mentor))).Id}/withdraw", Json.Empty()));
        Assert.Equal(MentorRequestStatus.Withdrawn, withdrawn.Status);
    }

    /// <summary>
    /// ADR 105: the words a mentee writes to a mentor, and the mentor's note on a decline, stay on the request (where withdrawal,
    /// erasure and retention reach them): the notices and their e-mails only say there is something to read, and the
    /// relationships page shows it to its reader.
    /// </summary>
    [Fact]
    public async Task TheRequestsMessageAndTheDeclineNoteAreReadInTandemNotCopiedIntoNoticesOrEmails()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Ola Mentor", "mentor");
        var mentee = await program.ApproveAsync("Pip Mentee", "mentee");
        await EnableAsync(program);
        var asked = $"PRIVATEASK {Guid.NewGuid():N} my parents are divorcing";
        var answered = $"PRIVATENOTE {Guid.NewGuid():N} I am on sick leave";

        var request = await Read<MentorRequestView>(await AskAsync(program, mentee, mentor, asked));
        Assert.Contains(asked, await mentor.Client.GetStringAsync("/my/relationships"));
        (await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = false, note = answered })).EnsureSuccessStatusCode();
        Assert.Contains(answered, await mentee.Client.GetStringAsync("/my/relationships"));

        foreach (var (reader, words, title) in new[] { (mentor, asked, "A mentee asks you to be their mentor"), (mentee, answered, "Ola Mentor declined your request") })
        {
            var notices = await reader.Client.GetStringAsync("/api/v1/me/notifications");
            Assert.Contains(title, notices);
            Assert.DoesNotContain(words[..20], notices);
            var mails = (await factory.OutboxForAsync(reader.User.Email)).Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m.Mime))).ToList();
            Assert.Contains(mails, m => m.Subject == title);
            Assert.All(mails, m => Assert.DoesNotContain(words[..20], m.TextBody + m.HtmlBody));
        }
        // The mentor does not read the note back on their page as if it were the mentee's.
        Assert.DoesNotContain(answered, await mentor.Client.GetStringAsync("/my/relationships"));
    }

    [Fact]
    public async Task TwoAcceptancesAtOnceForTheLastSeatLetExactlyOneThrough()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", capacity: 1);
        var first = await program.ApproveAsync("Ann Mentee", "mentee");
        var second = await program.ApproveAsync("Ben Mentee", "mentee");
        await EnableAsync(program);
        var requests = new[]
        {
            await Read<MentorRequestView>(await AskAsync(program, first, mentor)),
            await Read<MentorRequestView>(await AskAsync(program, second, mentor)),
        };
        var secondClient = await factory.SignedInClientAsync(mentor.User);

        using var go = new SemaphoreSlim(0);
        var clients = new[] { mentor.Client, secondClient };
        var attempts = requests.Select((r, i) => Task.Run(async () =>
        {
            await go.WaitAsync();
            return await clients[i].PostAsJsonAsync($"/api/v1/mentor-requests/{r.Id}/decision", new { accept = true });
        })).ToList();
        go.Release(2);
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        var loser = Assert.Single(results, r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
        var relationships = await Read<Paged<RelationshipView>>(await program.Coordinator.GetAsync(program.Relationships));
        Assert.Equal(1, relationships.TotalCount);
        var mine = await Read<Paged<MentorRequestView>>(await mentor.Client.GetAsync("/api/v1/mentor-requests/mine"));
        Assert.Equal(1, mine.Items.Count(r => r.Status == MentorRequestStatus.Accepted));
        Assert.Equal(1, mine.Items.Count(r => r.Status == MentorRequestStatus.Pending));
    }

    [Fact]
    public async Task ARequestTimesOutAfterTheConfiguredDaysOnce()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableAsync(program, timeoutDays: 3);
        var request = await Read<MentorRequestView>(await AskAsync(program, mentee, mentor));
        Assert.Equal(3, (request.ExpiresAt - request.CreatedAt).TotalDays, 3);

        async Task<int> ExpireAt(DateTime now) => await factory.WithScopeAsync(async s =>
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(now, TimeSpan.Zero));
            var db = s.GetRequiredService<TandemDb>();
            var useCase = new ExpireMentorRequests(db, ActivatorUtilities.CreateInstance<Notify>(s, clock), clock);
            return await useCase.RunAsync("test-node");
        });

        Assert.Equal(0, await ExpireAt(request.ExpiresAt.AddMinutes(-1)));
        Assert.Equal(1, await ExpireAt(request.ExpiresAt.AddMinutes(1)));
        Assert.Equal(0, await ExpireAt(request.ExpiresAt.AddMinutes(2)));

        var mine = await Read<Paged<MentorRequestView>>(await mentee.Client.GetAsync("/api/v1/mentor-requests/mine"));
        Assert.Equal(MentorRequestStatus.TimedOut, Assert.Single(mine.Items).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true })).StatusCode);
        Assert.Contains("timed out", await mentee.Client.GetStringAsync("/api/v1/me/notifications"));
        // The mentee may ask again.
        Assert.Equal(HttpStatusCode.Created, (await AskAsync(program, mentee, mentor)).StatusCode);
    }

    [Fact]
    public async Task LateJoinersGetMentorsWithFreeCapacityAndExistingPairsStayAsTheyAre()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var maths = await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths", capacity: 2);
        var english = await program.ApproveAsync("Eli Mentor", "mentor", subject: "English");
        var early = await program.ApproveAsync("Ann Mentee", "mentee", subject: "English");
        var existing = await program.StartAsync(maths, early);
        var lateMaths = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths");
        var lateEnglish = await program.ApproveAsync("Eve Mentee", "mentee", subject: "English");
        var tooLate = await program.ApproveAsync("Zed Mentee", "mentee", subject: "Maths");

        Assert.Equal(HttpStatusCode.Forbidden, (await lateMaths.Client.PostAsync($"{program.Relationships}/late-joiners", Json.Empty())).StatusCode);
        var result = await Read<LateJoinResult>(await program.Coordinator.PostAsync($"{program.Relationships}/late-joiners", Json.Empty()));

        Assert.Equal([("Max Mentee", "Mia Mentor"), ("Eve Mentee", "Eli Mentor")], result.Matched.Select(m => (m.MenteeName, m.MentorName)));
        Assert.Equal("Zed Mentee", Assert.Single(result.Unmatched).Name);
        var still = await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{existing.Id}"));
        Assert.Equal(RelationshipStatus.Active, still.Status);
        Assert.Equal(["Mia Mentor", "Ann Mentee"], still.Members.Select(m => m.DisplayName));
        var mine = await Read<Paged<MyRelationshipView>>(await lateMaths.Client.GetAsync("/api/v1/relationships/mine"));
        Assert.Equal(RelationshipSource.LateJoin, (await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{Assert.Single(mine.Items).Id}"))).Source);
        Assert.Empty((await Read<Paged<MyRelationshipView>>(await tooLate.Client.GetAsync("/api/v1/relationships/mine"))).Items);
        // Both sides are told who and why.
        Assert.Contains(await PairingProgram.NoticesAsync(lateMaths.Client), n => n.Title == $"Your mentor in {program.Program.Name}" && n.Body.Contains("you are matched with Mia Mentor"));
        Assert.Contains(await PairingProgram.NoticesAsync(maths.Client), n => n.Title == $"Your mentee in {program.Program.Name}" && n.Body.Contains("you are matched with Max Mentee"));
    }

    [Fact]
    public async Task LateJoinersAreMatchedByTheEngineSoThatAsManyAsPossibleGetAMentor()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var maths = await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths");
        var english = await program.ApproveAsync("Eli Mentor", "mentor", subject: "English");
        var first = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths");
        var second = await program.ApproveAsync("Zed Mentee", "mentee", subject: "Maths");
        // Zed may not be matched with Eli: first come, first served would give Mia to Max and leave Zed without a mentor.
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/matching/rules",
            new { kind = "Forbid", firstEnrolmentId = english.EnrolmentId, secondEnrolmentId = second.EnrolmentId })).EnsureSuccessStatusCode();

        var result = await Read<LateJoinResult>(await program.Coordinator.PostAsync($"{program.Relationships}/late-joiners", Json.Empty()));
        Assert.Empty(result.Unmatched);
        Assert.Equal([("Max Mentee", "Eli Mentor"), ("Zed Mentee", "Mia Mentor")], result.Matched.Select(m => (m.MenteeName, m.MentorName)));
        Assert.Empty((await Read<LateJoinResult>(await program.Coordinator.PostAsync($"{program.Relationships}/late-joiners", Json.Empty()))).Matched);
    }
}
