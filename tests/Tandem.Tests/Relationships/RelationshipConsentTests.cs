using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// ADR 48's gate on what Relationships tells and lets people do (ADR 91): a person whose consent to the program is not
/// given hears nothing of their relationships or mentor requests, neither browses nor asks mentors, and the mentor they
/// asked is not told about their consent.
/// </summary>
public sealed class RelationshipConsentTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static async Task<T> Read<T>(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }

    private static async Task WithdrawAsync(Participant person, Guid programId) =>
        Assert.Equal(HttpStatusCode.OK, (await person.Client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);

    /// <summary>The person's consent is asked again (a material notice; here only theirs), without the withdrawal's listener.</summary>
    private Task AskAgainAsync(Participant person, Guid programId) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Consent>().Where(c => c.UserId == person.User.Id && c.ProgramId == programId && c.Purpose == ConsentPurpose.Program)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, ConsentState.RenewalNeeded)));

    private Task<List<Notification>> MatchNoticesAsync(Participant person) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking().Where(n => n.UserId == person.User.Id && n.Kind == NotificationKind.Matches).ToListAsync());

    private static async Task EnableSelfMatchAsync(PairingProgram program) =>
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();

    private static Task<HttpResponseMessage> AskAsync(PairingProgram program, Participant mentee, Participant mentor) =>
        mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with fractions?" });

    [Fact]
    public async Task AConsentPauseTellsThePartnerItWaitsForAConsentAndTheWithdrawnMenteeHearsNothingThenOrLater()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var next = await program.ApproveAsync("Nia Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var heardBefore = (await MatchNoticesAsync(mentee)).Count;

        await WithdrawAsync(mentee, program.Program.Id);

        Assert.Equal(RelationshipStatus.Paused, (await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}"))).Status);
        var paused = Assert.Single(await MatchNoticesAsync(mentor), n => n.Title.EndsWith("is paused"));
        Assert.Contains("with Max Mentee is paused while a consent the program needs is not given", paused.Body);
        Assert.DoesNotContain("Your coordinator paused", paused.Body);
        // Re-matching the mentor with someone else ends the paused pair: the mentor and the new mentee hear, the withdrawn mentee does not.
        await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentor.EnrolmentId, newPartnerEnrolmentIds = new[] { next.EnrolmentId }, reason = "Max is away" }));
        Assert.Contains(await MatchNoticesAsync(next), n => n.Title.StartsWith("Your new mentor"));
        Assert.Equal(heardBefore, (await MatchNoticesAsync(mentee)).Count);
    }

    [Fact]
    public async Task EndingAPairPausedForConsentTellsOnlyTheMemberTheProgramMayContact()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        await WithdrawAsync(mentee, program.Program.Id);
        var heardBefore = (await MatchNoticesAsync(mentee)).Count;

        await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/status", new { status = "EndedEarly", reason = "Moved away" }));

        Assert.Single(await MatchNoticesAsync(mentor), n => n.Title.EndsWith("has ended"));
        Assert.Equal(heardBefore, (await MatchNoticesAsync(mentee)).Count);
    }

    [Fact]
    public async Task AWithdrawnConsentClosesThePersonsPendingMentorRequests()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var otherMentor = await program.ApproveAsync("Ola Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var asker = await program.ApproveAsync("Ann Mentee", "mentee");
        await EnableSelfMatchAsync(program);
        var asked = await Read<MentorRequestView>(await AskAsync(program, mentee, mentor));
        var askedOfHer = await Read<MentorRequestView>(await AskAsync(program, asker, otherMentor));

        await WithdrawAsync(mentee, program.Program.Id);
        await WithdrawAsync(otherMentor, program.Program.Id);

        // The mentor no longer holds the withdrawn mentee's request; the mentee who asked the withdrawn mentor hears it is closed, not why.
        var mentorsRequests = await Read<Paged<MentorRequestView>>(await mentor.Client.GetAsync("/api/v1/mentor-requests/mine"));
        Assert.Equal(MentorRequestStatus.Withdrawn, Assert.Single(mentorsRequests.Items, r => r.Id == asked.Id).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{asked.Id}/decision", new { accept = true })).StatusCode);
        var askersRequests = await Read<Paged<MentorRequestView>>(await asker.Client.GetAsync("/api/v1/mentor-requests/mine"));
        Assert.Equal(MentorRequestStatus.Withdrawn, Assert.Single(askersRequests.Items, r => r.Id == askedOfHer.Id).Status);
        var closed = Assert.Single(await MatchNoticesAsync(asker), n => n.Title == "Your mentor request was closed");
        Assert.DoesNotContain("consent", closed.Body);
        Assert.Empty(await MatchNoticesAsync(mentee));
    }

    [Fact]
    public async Task AMentorAcceptingAnUnconsentedMenteesRequestGetsANeutralRefusalAndTheMenteeIsNotTold()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var otherMentor = await program.ApproveAsync("Ola Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var late = await program.ApproveAsync("Lou Mentee", "mentee");
        await EnableSelfMatchAsync(program);
        var request = await Read<MentorRequestView>(await AskAsync(program, mentee, mentor));
        var waiting = await Read<MentorRequestView>(await AskAsync(program, late, otherMentor));
        await AskAgainAsync(mentee, program.Program.Id);
        await AskAgainAsync(late, program.Program.Id);

        var accepting = await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true });

        Assert.Equal(HttpStatusCode.Conflict, accepting.StatusCode);
        var problem = await accepting.Content.ReadAsStringAsync();
        Assert.Contains("This request can no longer be accepted.", problem);
        Assert.DoesNotContain("Max Mentee", problem);
        Assert.DoesNotContain("consent", problem);
        // Declining, or the request timing out, is not told to a mentee the program may not contact.
        await Read<MentorRequestView>(await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = false, note = "Full" }));
        var expired = await factory.WithScopeAsync(async s =>
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(waiting.ExpiresAt.AddMinutes(1), TimeSpan.Zero));
            return await new ExpireMentorRequests(s.GetRequiredService<TandemDb>(), ActivatorUtilities.CreateInstance<Notify>(s, clock), clock).RunAsync("test-node");
        });
        Assert.True(expired >= 1);
        Assert.Empty(await MatchNoticesAsync(mentee));
        Assert.Empty(await MatchNoticesAsync(late));
    }

    [Fact]
    public async Task AMenteeWhoseConsentIsNotGivenNeitherBrowsesNorAsksMentors()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableSelfMatchAsync(program);
        await WithdrawAsync(mentee, program.Program.Id);

        var browsing = await mentee.Client.GetAsync($"/api/v1/programs/{program.Program.Id}/self-match/mentors");
        var asking = await AskAsync(program, mentee, mentor);

        Assert.Equal(HttpStatusCode.Conflict, browsing.StatusCode);
        Assert.Contains("once your consent", await browsing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, asking.StatusCode);
        Assert.DoesNotContain(await MatchNoticesAsync(mentor), n => n.Title.Contains("asks you to be their mentor"));
        Assert.DoesNotContain("Mia Mentor", await (await mentee.Client.GetAsync($"/programs/{program.Program.Id}/find-a-mentor")).Content.ReadAsStringAsync());
    }
}
