using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// ADR 112: no relationship starts in a program that retention anonymised or that is closed; a mentor request moves out of
/// Pending once (a withdrawal and an acceptance at the same moment cannot both win); a mentor is not told why a mentee
/// cannot be accepted; an answer the page's form mapping reads as a number is refused.
/// </summary>
public sealed class StartAndDecideTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static async Task EnableAsync(PairingProgram program) =>
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();

    private static async Task<MentorRequestView> AskAsync(PairingProgram program, Participant mentee, Participant mentor)
    {
        var asked = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with maths?" });
        Assert.True(asked.IsSuccessStatusCode, $"{(int)asked.StatusCode} {await asked.Content.ReadAsStringAsync()}");
        return (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;
    }

    private Task<int> RelationshipsAsync(Guid programId) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>().CountAsync(r => r.ProgramId == programId));

    private Task<MentorRequest> RequestAsync(Guid id) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MentorRequest>().AsNoTracking().SingleAsync(r => r.Id == id));

    [Fact]
    public async Task NoRelationshipStartsInAProgramRetentionAnonymised()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await factory.WithScopeAsync(async s =>
        {
            // As the retention job records its pass (ADR 49).
            var db = s.GetRequiredService<TandemDb>();
            var now = factory.Clock.GetUtcNow().UtcDateTime;
            db.Add(new RetentionRun(program.School.Organisation.Id, program.Program.Id, "Reading Buddies", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });

        var refused = await program.TryStartAsync(null, mentor, mentee);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("anonymised", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await RelationshipsAsync(program.Program.Id));
    }

    [Fact]
    public async Task NoRelationshipStartsInAClosedProgramAndAMentorAcceptingThereLeavesTheRequestPending()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableAsync(program);
        var request = await AskAsync(program, mentee, mentor);
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();

        var started = await program.TryStartAsync(null, mentor, mentee);
        var accepted = await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true });

        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.Contains("The program is closed", await started.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, accepted.StatusCode);
        Assert.Contains("The program is closed", await accepted.Content.ReadAsStringAsync());
        Assert.Equal(0, await RelationshipsAsync(program.Program.Id));
        var kept = await RequestAsync(request.Id);
        Assert.Equal((MentorRequestStatus.Pending, null), (kept.Status, kept.RelationshipId));
    }

    [Fact]
    public async Task AMenteeWithdrawingWhatTheMentorAcceptedAMomentBeforeIsTold409AndStaysMatched()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableAsync(program);
        var request = await AskAsync(program, mentee, mentor);

        // The withdrawal read the request while it was still pending; the mentor's acceptance commits before it saves.
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        Assert.Equal(MentorRequestStatus.Pending, (await db.Set<MentorRequest>().SingleAsync(r => r.Id == request.Id)).Status);
        (await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true })).EnsureSuccessStatusCode();
        var withdrawn = await scope.ServiceProvider.GetRequiredService<WithdrawMentorRequest>().RunAsync(new Actor(mentee.User.Id, false), request.Id);

        Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(withdrawn.Failure);
        Assert.Equal("This request is already accepted.", withdrawn.Failure!.Detail);
        var kept = await RequestAsync(request.Id);
        Assert.Equal(MentorRequestStatus.Accepted, kept.Status);
        Assert.NotNull(kept.RelationshipId);
    }

    [Fact]
    public async Task AMentorAcceptingWhatTheMenteeWithdrewAMomentBeforeIsTold409AndNoRelationshipStarts()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableAsync(program);
        var request = await AskAsync(program, mentee, mentor);

        // The acceptance read the request while it was still pending; the mentee's withdrawal commits before it saves.
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        Assert.Equal(MentorRequestStatus.Pending, (await db.Set<MentorRequest>().SingleAsync(r => r.Id == request.Id)).Status);
        (await mentee.Client.PostAsync($"/api/v1/mentor-requests/{request.Id}/withdraw", Json.Empty())).EnsureSuccessStatusCode();
        var accepted = await scope.ServiceProvider.GetRequiredService<DecideMentorRequest>().RunAsync(new Actor(mentor.User.Id, false), request.Id,
            new MentorRequestDecision { Accept = true });

        Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(accepted.Failure);
        Assert.Equal("This request is already withdrawn.", accepted.Failure!.Detail);
        Assert.Equal(0, await RelationshipsAsync(program.Program.Id));
        var kept = await RequestAsync(request.Id);
        Assert.Equal((MentorRequestStatus.Withdrawn, null), (kept.Status, kept.RelationshipId));
    }

    [Fact]
    public async Task AMentorAcceptingAMenteeWhoseTrainingIsMissingIsNotToldTheMenteesTraining()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await EnableAsync(program);
        var request = await AskAsync(program, mentee, mentor);
        await Tandem.Tests.Training.TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, Tandem.Tests.Training.TrainingTests.Module("Boundaries", scenario: false));
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/training/settings",
            new { requiredBeforeMatching = false, requiredBeforeStart = true })).EnsureSuccessStatusCode();

        var accepted = await mentor.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision", new { accept = true });

        Assert.Equal(HttpStatusCode.Conflict, accepted.StatusCode);
        var problem = await accepted.Content.ReadAsStringAsync();
        Assert.Contains(DecideMentorRequest.NoLongerAcceptable, problem);
        Assert.DoesNotContain("Max Mentee", problem);
        Assert.DoesNotContain("Boundaries", problem);
        Assert.Equal(MentorRequestStatus.Pending, (await RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task AFitCheckAnswerThePageReadsAsANumberIsRefusedAndTheRelationshipStillReads()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", capacity: 2);
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, mentee);
        // The mentor's second pair: every pair's fit form once shared one name, and Blazor refused a post on such a page.
        var second = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, await program.ApproveAsync("Oli Mentee", "mentee"));

        var answered = await new PageClient(mentee.Client).SubmitAsync("/my/relationships", $"fit-{pair.Id}",
            [new("relationship", pair.Id.ToString()), new("answer", "7"), new("note", "")]);
        var mentorAnswered = await new PageClient(mentor.Client).SubmitAsync("/my/relationships", $"fit-{second.Id}",
            [new("relationship", second.Id.ToString()), new("answer", "Yes"), new("note", "")]);

        Assert.Equal(HttpStatusCode.BadRequest, answered.StatusCode);
        Assert.Contains("Choose yes, not sure or no.", WebUtility.HtmlDecode(await answered.Content.ReadAsStringAsync()));
        Assert.Equal(0, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<FitCheckAnswer>().CountAsync(a => a.RelationshipId == pair.Id)));
        Assert.Equal(HttpStatusCode.OK, mentorAnswered.StatusCode);
        Assert.Contains("Thank you, your answer is saved.", WebUtility.HtmlDecode(await mentorAnswered.Content.ReadAsStringAsync()));
        Assert.Equal(1, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<FitCheckAnswer>().CountAsync(a => a.RelationshipId == second.Id)));
        Assert.Equal(HttpStatusCode.OK, (await mentee.Client.GetAsync("/api/v1/relationships/mine")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}/fit-check/answers")).StatusCode);
    }

    [Fact]
    public async Task AStatusThePageReadsAsANumberIsRefusedAsAnInvalidValue()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);

        var changed = await factory.WithScopeAsync(s => s.GetRequiredService<ChangeRelationshipStatus>().RunAsync(new Actor(program.School.Coordinator.Id, false), pair.Id,
            new ChangeRelationshipStatusRequest { Status = (RelationshipStatus)7 }));

        Assert.IsType<Tandem.Infrastructure.Problems.Invalid>(changed.Failure);
        Assert.Equal(RelationshipStatus.Active, (await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>().SingleAsync(r => r.Id == pair.Id))).Status);
    }
}
