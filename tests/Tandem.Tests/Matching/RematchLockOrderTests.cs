using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Matching;

/// <summary>
/// ADR 132: a pair re-matched while its mentee withdraws consent. The re-match took the program's lock only when the new
/// pair started, after claiming the old pair's row; the withdrawal's pause takes the program's lock and then pauses the
/// person's pairs, so on PostgreSQL each waited on the other until the server broke the deadlock by failing one of them.
/// The withdrawal is forced in just before the re-match's first lock of the program; on SQLite one writer at a time cannot
/// interleave, so the withdrawal comes after.
/// </summary>
public sealed class RematchLockOrderTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly bool Postgres = TestDatabase.Provider == DatabaseProvider.Postgres;

    [Fact]
    public async Task AMenteeWithdrawingConsentWhileTheirPairIsReMatchedGetsTheirPairPausedAndTheReMatchAClearRefusal()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var other = await program.ApproveAsync("Omar Other", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        Task<HttpResponseMessage> Withdraw() =>
            mentee.Client.PostAsJsonAsync("/api/v1/me/consents", new { programId = program.Program.Id, purpose = "Program", give = false });

        Task<HttpResponseMessage>? withdrawal = null;
        var interceptor = new BeforeCommand(sql => sql.Contains("UPDATE \"Programs\"", StringComparison.OrdinalIgnoreCase), async () =>
        {
            if (Postgres)
            {
                withdrawal = Withdraw();
                await Interleaving.FinishedOrWaitingAsync(factory, withdrawal);
            }
        });
        var rematched = await UseCaseOver.RunAsync<Rematch, Outcome<RelationshipView>>(factory.Services, interceptor, rematch => rematch.RunAsync(
            new Actor(program.School.Coordinator.Id, false), pair.Id,
            new RematchRequest { EnrolmentId = mentee.EnrolmentId, NewPartnerEnrolmentIds = [other.EnrolmentId], Reason = "Their timetables clash." }));
        Assert.True(interceptor.Ran, "The re-match never took the program's lock.");
        Assert.Equal(HttpStatusCode.OK, (await (withdrawal ?? Withdraw())).StatusCode);

        var pairs = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<RelationshipMember>()
            .Where(m => m.UserId == mentee.User.Id).Join(s.GetRequiredService<TandemDb>().Set<Relationship>(), m => m.RelationshipId, r => r.Id, (m, r) => new { r.Id, r.Status })
            .ToListAsync());
        if (Postgres)
        {
            // The withdrawal had the program's lock first and paused the pair; the re-match then found the pair changed and said so.
            Assert.Equal(RelationshipStatusChange.Raced, Assert.IsType<Conflict>(rematched.Failure).Detail);
            Assert.Equal(RelationshipStatus.Paused, Assert.Single(pairs).Status);
            return;
        }
        // Re-matched, then the withdrawal pauses the new pair.
        Assert.Null(rematched.Failure);
        Assert.Equal(RelationshipStatus.EndedEarly, pairs.Single(p => p.Id == pair.Id).Status);
        Assert.Equal(RelationshipStatus.Paused, pairs.Single(p => p.Id == rematched.Value!.Id).Status);
    }
}
