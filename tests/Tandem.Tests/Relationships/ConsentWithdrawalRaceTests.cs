using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// ADR 126: a consent withdrawn while a relationship starts or resumes. The start (or resume) reads the consent and the
/// withdrawal commits before the start does; the withdrawal's pause then waits on the program's lock for the start's
/// commit and pauses what it started, instead of finding nothing Active and leaving the person in a running pair. The
/// interleaving is forced on PostgreSQL; on SQLite one writer at a time cannot interleave, so the withdrawal comes after.
/// </summary>
public sealed class ConsentWithdrawalRaceTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly bool Postgres = TestDatabase.Provider == DatabaseProvider.Postgres;

    private static async Task WithdrawAsync(Participant person, Guid programId) =>
        Assert.Equal(HttpStatusCode.OK, (await person.Client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);

    private Task<RelationshipStatus> StatusAsync(Guid relationshipId) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Relationship>().Where(r => r.Id == relationshipId).Select(r => r.Status).SingleAsync());

    /// <summary>
    /// Runs the use case with <paramref name="person"/>'s consent withdrawn (over HTTP, its pause included) just before the
    /// use case's first statement that <paramref name="at"/> matches, and lets the use case go on once the withdrawal has
    /// finished or waits on a lock the use case holds; the withdrawal is awaited after the use case's commit.
    /// </summary>
    private async Task<T> WithWithdrawalDuringAsync<TUseCase, T>(Participant person, Guid programId, Func<string, bool> at, Func<TUseCase, Task<T>> run)
        where TUseCase : class
    {
        Task? withdrawal = null;
        var interceptor = new BeforeCommand(at, async () =>
        {
            if (!Postgres)
            {
                return;
            }
            withdrawal = WithdrawAsync(person, programId);
            await Interleaving.FinishedOrWaitingAsync(factory, withdrawal);
        });
        var result = await UseCaseOver.RunAsync(factory.Services, interceptor, run);
        Assert.True(interceptor.Ran || !Postgres, "The use case never reached the statement the withdrawal was to come before.");
        await (withdrawal ?? WithdrawAsync(person, programId));
        return result;
    }

    [Fact]
    public async Task AConsentWithdrawnWhileARelationshipStartsPausesItOnceTheStartCommits()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var programId = program.Program.Id;

        // Before the start's insert: its consent read is done, its transaction open.
        var started = await WithWithdrawalDuringAsync<StartRelationship, Outcome<RelationshipView>>(mentee, programId,
            sql => sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase),
            start => start.RunAsync(new Actor(Guid.Empty, IsAdministrator: true), new StartRelationshipRequest(programId,
                [mentor.EnrolmentId, mentee.EnrolmentId], RelationshipKind.Pair, factory.Today, RelationshipSource.Manual, null, null)));

        Assert.Null(started.Failure);
        Assert.Equal(RelationshipStatus.Paused, await StatusAsync(started.Value!.Id));
    }

    [Fact]
    public async Task AConsentWithdrawnWhileAPairResumesPausesItAgainOnceTheResumeCommits()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/status", new { status = "Paused" })).StatusCode);

        // Before the resume's claim of the row: the consent is read, the transaction open.
        var resumed = await WithWithdrawalDuringAsync<ChangeRelationshipStatus, Outcome<RelationshipView>>(mentee, program.Program.Id,
            sql => sql.Contains("UPDATE \"Relationships\"", StringComparison.OrdinalIgnoreCase),
            change => change.RunAsync(new Actor(program.School.Coordinator.Id, false), pair.Id, new ChangeRelationshipStatusRequest { Status = RelationshipStatus.Active }));

        Assert.Null(resumed.Failure);
        Assert.Equal(RelationshipStatus.Paused, await StatusAsync(pair.Id));
        // And once it is paused for the withdrawal, a resume is refused until the consent is given again.
        var again = await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/status", new { status = "Active" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("stays paused until it is", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AConsentWithdrawnWhileAMentorAcceptsTheMenteesRequestPausesThePairWithoutADeadlock()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var asked = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with fractions?" });
        var request = (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;

        // Before the acceptance's first lock of the program: taken after the request's claim, it would wait on the
        // withdrawal's pause, which holds the program's lock and waits on the claimed request (a deadlock on PostgreSQL).
        var accepted = await WithWithdrawalDuringAsync<DecideMentorRequest, Outcome<MentorRequestView>>(mentee, program.Program.Id,
            sql => sql.Contains("UPDATE \"Programs\"", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase),
            decide => decide.RunAsync(new Actor(mentor.User.Id, false), request.Id, new MentorRequestDecision { Accept = true }));

        if (!Postgres)
        {
            // Accepted, then withdrawn: the pair is paused.
            Assert.Null(accepted.Failure);
            Assert.Equal(RelationshipStatus.Paused, await StatusAsync(accepted.Value!.RelationshipId!.Value));
            return;
        }
        // The acceptance holds the lock and reads the consent the withdrawal has committed: refused without saying why, the
        // pause then closes the request, and the mentee is in no relationship.
        Assert.Equal(DecideMentorRequest.NoLongerAcceptable, Assert.IsType<Conflict>(accepted.Failure).Detail);
        var (status, relationships) = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<MentorRequest>().Where(r => r.Id == request.Id).Select(r => r.Status).SingleAsync(),
                await db.Set<RelationshipMember>().CountAsync(m => m.UserId == mentee.User.Id));
        });
        Assert.Equal((MentorRequestStatus.Withdrawn, 0), (status, relationships));
    }
}
