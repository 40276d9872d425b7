using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Engagement;
using Tandem.Infrastructure.Problems;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// On SQLite, write transactions of one process queue for the database's single write lock at an async gate instead of
/// in SQLite's sleeping busy handler (issue 17, ADR 71). The tests turn the busy handler off (busy_timeout 0), so any
/// two transactions that met at SQLite's lock would fail with "database is locked".
/// </summary>
public sealed class SqliteWriteGateTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ASecondWriterWaitsItsTurnWithoutHoldingAThreadAndThenCommits()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return; // PostgreSQL has row locks, not one write lock per database.
        }
        var key = $"gate:{Guid.NewGuid():N}";
        await using var first = factory.Services.CreateAsyncScope();
        await using var second = factory.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<TandemDb>();
        var secondDb = second.ServiceProvider.GetRequiredService<TandemDb>();
        await WithoutBusyHandlerAsync(firstDb);
        await WithoutBusyHandlerAsync(secondDb);
        var holding = await firstDb.Database.BeginTransactionAsync();
        firstDb.Add(new ReminderDispatch(key + ":first", Guid.NewGuid(), "node-a", DateTime.UtcNow));
        await firstDb.SaveChangesAsync();

        // SQLite's own lock would make this call block its thread (sleeping and retrying) until the first commits, which
        // cannot happen before the call returns: the gate instead hands back a task that waits.
        var turn = secondDb.Database.BeginTransactionAsync();
        Assert.False(turn.IsCompleted);

        await holding.CommitAsync();
        await using var secondTransaction = await turn;
        secondDb.Add(new ReminderDispatch(key + ":second", Guid.NewGuid(), "node-b", DateTime.UtcNow));
        await secondDb.SaveChangesAsync();
        await secondTransaction.CommitAsync();
        await holding.DisposeAsync();

        var keys = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ReminderDispatch>()
            .Where(d => d.Key.StartsWith(key)).OrderBy(d => d.Key).Select(d => d.Key).ToListAsync());
        Assert.Equal([key + ":first", key + ":second"], keys);
    }

    [Fact]
    public async Task ATransactionLeftWithoutCommitOrRollbackLetsTheNextWriterInWhenItsConnectionCloses()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        var key = $"gate:{Guid.NewGuid():N}";
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Database.OpenConnectionAsync();
            var abandoned = await db.Database.BeginTransactionAsync();
            db.Add(new ReminderDispatch(key + ":abandoned", Guid.NewGuid(), "node-a", DateTime.UtcNow));
            await db.SaveChangesAsync();
            await abandoned.DisposeAsync(); // rolled back by the driver, never committed nor rolled back through EF
            return 0;
        });

        var waited = Stopwatch.StartNew();
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await WithoutBusyHandlerAsync(db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Add(new ReminderDispatch(key + ":next", Guid.NewGuid(), "node-b", DateTime.UtcNow));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });
        waited.Stop();

        // Had the gate stayed with the abandoned transaction, the next writer would have waited out its patience first.
        Assert.True(waited.Elapsed < SqliteWriteGate.Patience, $"the next writer waited {waited.Elapsed}");
        var keys = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ReminderDispatch>()
            .Where(d => d.Key.StartsWith(key)).Select(d => d.Key).ToListAsync());
        Assert.Equal([key + ":next"], keys);
    }

    [Fact]
    public async Task AWriteRetriedAfterAUniqueViolationOnTheSameConnectionGoesAheadAtOnce()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        var key = $"gate:{Guid.NewGuid():N}";
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        await WithoutBusyHandlerAsync(db); // the connection stays open, as a request's does
        db.Add(new ReminderDispatch(key, Guid.NewGuid(), "node-a", DateTime.UtcNow));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        // Two rows, so that SaveChanges wraps them in a transaction (one statement goes without). EF Core disposes the failed
        // one without a rollback event, as when a message takes a number another message took a moment before.
        db.Add(new ReminderDispatch(key + ":new", Guid.NewGuid(), "node-b", DateTime.UtcNow));
        db.Add(new ReminderDispatch(key, Guid.NewGuid(), "node-b", DateTime.UtcNow));
        var clash = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(clash.IsUniqueViolation());
        db.ChangeTracker.Clear();

        var waited = Stopwatch.StartNew();
        db.Add(new ReminderDispatch(key + ":new", Guid.NewGuid(), "node-b", DateTime.UtcNow));
        db.Add(new ReminderDispatch(key + ":retried", Guid.NewGuid(), "node-b", DateTime.UtcNow));
        await db.SaveChangesAsync();
        waited.Stop();

        // Had the retry waited for the gate its own connection still held, it would have waited out the patience first.
        Assert.True(waited.Elapsed < SqliteWriteGate.Patience, $"the retry waited {waited.Elapsed}");
        var keys = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ReminderDispatch>()
            .Where(d => d.Key.StartsWith(key)).OrderBy(d => d.Key).Select(d => d.Key).ToListAsync());
        Assert.Equal([key, key + ":new", key + ":retried"], keys);
    }

    private static async Task WithoutBusyHandlerAsync(TandemDb db)
    {
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA busy_timeout=0;");
    }
}
