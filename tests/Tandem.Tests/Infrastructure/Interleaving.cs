using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// For tests that force two writers to interleave on PostgreSQL: another request started just before a use case's statement
/// (<see cref="BeforeCommand"/>, with <see cref="UseCaseOver"/>, both beside it in UseCaseOver.cs), and a wait until that request has finished or waits on a
/// lock the use case holds.
/// </summary>
public static class Interleaving
{
    /// <summary>Until <paramref name="other"/> is done or one of the database's sessions waits on a lock another holds.</summary>
    public static async Task FinishedOrWaitingAsync(TandemFactory factory, Task other)
    {
        for (var i = 0; i < 3000 && !other.IsCompleted; i++)
        {
            var waiting = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync());
            if (waiting > 0)
            {
                return;
            }
            await Task.WhenAny(other, Task.Delay(10));
        }
        Assert.True(other.IsCompleted, "The other request neither finished nor waited on a lock.");
    }
}
