using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>ADR 127: assigning, swapping, rules, queued runs and publishing take no matching in a closed or anonymised program.</summary>
public sealed class MatchingAfterCloseTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [Fact]
    public async Task AssignSwapAndRulesAreRefusedAfterCloseAndAfterRetentionAndNothingIsStored()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        Assert.Equal(2, draft.Proposals.Items.Count);
        var forbid = await program.RuleAsync("Forbid", "Ned Mentor", "Ella Mentee");
        var ruleId = (await forbid.Content.ReadFromJsonAsync<MatchRuleView>(Json.Options))!.Id;
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var (maya, finn) = (program.People["Maya Mentor"].EnrolmentId, program.People["Finn Mentee"].EnrolmentId);

        async Task<IReadOnlyList<(HttpStatusCode, string)>> AttemptsAsync()
        {
            var sends = new Func<Task<HttpResponseMessage>>[]
            {
                () => program.Coordinator.PostAsJsonAsync($"{program.Api}/assignments", new { firstEnrolmentId = maya, secondEnrolmentId = finn }),
                () => program.Coordinator.PostAsJsonAsync($"{program.Api}/swaps",
                    new { firstProposalId = draft.Proposals.Items[0].Id, secondProposalId = draft.Proposals.Items[1].Id }),
                () => program.RuleAsync("Lock", "Maya Mentor", "Finn Mentee"),
                () => program.Coordinator.DeleteAsync($"{program.Api}/rules/{ruleId}"),
            };
            var answers = new List<(HttpStatusCode, string)>();
            foreach (var send in sends)
            {
                using var response = await send();
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
            return answers;
        }

        foreach (var (status, body) in await AttemptsAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains(MatchingAccess.Closed, body);
        }
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new Tandem.Features.Exports.RetentionRun(program.School.Organisation.Id, program.Program.Id, "Matched", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });
        foreach (var (status, body) in await AttemptsAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains(MatchingAccess.Retained, body);
        }

        // Still the one draft, the one prohibition, no lock and no run since the first.
        var stored = await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<MatchDraft>().CountAsync(d => d.ProgramId == program.Program.Id),
                await db.Set<MatchRule>().Where(r => r.ProgramId == program.Program.Id).Select(r => r.Id).ToListAsync(),
                await db.Set<MatchingRun>().CountAsync(r => r.ProgramId == program.Program.Id));
        });
        Assert.Equal(1, stored.Item1);
        Assert.Equal(ruleId, Assert.Single(stored.Item2));
        Assert.Equal(1, stored.Item3);
    }

    [Fact]
    public async Task ARunQueuedForAnAnonymisedProgramFailsWithTheReasonAndWritesNoDraft()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new Tandem.Features.Exports.RetentionRun(program.School.Organisation.Id, program.Program.Id, "Matched", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });

        // What `tandem match` and a run queued before the close do: the queue takes it, the processor refuses it.
        var run = await fixture.Tandem.WithScopeAsync(async s =>
        {
            var queue = s.GetRequiredService<MatchingRunQueue>();
            var requested = await queue.RequestAsync(program.Program.Id, Guid.Empty, MatchingRunReason.Run, default);
            var claim = await queue.ClaimAsync(requested.Id, default);
            if (claim is not null)
            {
                await s.GetRequiredService<MatchingRunProcessor>().ProcessAsync(claim, default);
            }
            return await queue.WaitAsync(requested, default);
        });

        Assert.Equal(MatchingRunStatus.Failed, run.Status);
        Assert.Equal(MatchingAccess.Retained, run.Failure);
        Assert.Equal(0, await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MatchDraft>().CountAsync(d => d.ProgramId == program.Program.Id)));
    }

    [Fact]
    public async Task APublishThatMeetsACloseIsRefusedAndTheProgramStaysClosedWithNoRelationships()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Matching" })).EnsureSuccessStatusCode();
        var draft = await program.RunAsync();

        // Another coordinator closes the program after the publish read it as Matching ("also move it to running" ticked).
        var close = new CloseMeanwhile(() => fixture.Tandem.WithScopeAsync(async s =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            return await s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Program.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Closed).SetProperty(p => p.ClosedAt, now)
                    .SetProperty(p => p.ReopensAs, ProgramStatus.Matching), timeout.Token);
        }));
        var published = await UseCaseOver.RunAsync<PublishMatchDraft, Outcome<PublishResult>>(fixture.Tandem.Services, close,
            p => p.RunAsync(new Actor(program.School.Coordinator.Id, IsAdministrator: false), program.Program.Id, draft.Id,
                new PublishRequest { StartsOn = new DateOnly(2027, 2, 1), StartProgram = true }));

        Assert.True(close.Ran);
        Assert.Equal(MatchingAccess.Closed, Assert.IsType<Conflict>(published.Failure).Detail);
        var stored = await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Programs.Where(p => p.Id == program.Program.Id).Select(p => p.Status).SingleAsync(),
                await db.Set<Tandem.Features.Relationships.Relationship>().CountAsync(r => r.ProgramId == program.Program.Id),
                await db.Set<MatchDraft>().Where(d => d.Id == draft.Id).Select(d => d.Status).SingleAsync());
        });
        Assert.Equal((ProgramStatus.Closed, 0, MatchDraftStatus.Draft), stored);
    }

    /// <summary>
    /// Another request's close, committed where it can meet the publish: on PostgreSQL just before the publish's first UPDATE of
    /// the program row inside its transaction (without the program lock, after the relationships were started); on SQLite, whose
    /// transaction holds the database's write lock from its start, just before the transaction begins.
    /// </summary>
    private sealed class CloseMeanwhile(Func<Task<int>> close) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public bool Ran { get; private set; }

        private async Task OnceAsync()
        {
            if (!Ran)
            {
                Ran = true;
                await close();
            }
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (TestDatabase.Provider == DatabaseProvider.Postgres && command.CommandText.TrimStart().StartsWith("UPDATE \"Programs\"", StringComparison.Ordinal))
            {
                await OnceAsync();
            }
            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (TestDatabase.Provider == DatabaseProvider.Postgres && command.CommandText.TrimStart().StartsWith("UPDATE \"Programs\"", StringComparison.Ordinal))
            {
                await OnceAsync();
            }
            return result;
        }

        public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (TestDatabase.Provider == DatabaseProvider.Sqlite)
            {
                await OnceAsync();
            }
            return result;
        }
    }
}
