using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// On PostgreSQL the app's statements are prepared once per connection and then only executed (issue 17, ADR 60), and a
/// connection given back to the pool is not reset (ADR 73): the connection string gets <c>Max Auto Prepare</c> and
/// <c>No Reset On Close</c> unless the operator wrote them.
/// </summary>
public sealed class AutoPrepareTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public void AConnectionStringWithoutTheSettingsGetsThemAndOneThatSetsThemKeepsItsOwn()
    {
        var plain = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;Database=tandem"));
        Assert.Equal(100, plain.MaxAutoPrepare);
        Assert.True(plain.NoResetOnClose);
        Assert.Equal("tandem", plain.Database);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;Database=tandem;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(20, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;Max Auto Prepare=20;Database=tandem")).MaxAutoPrepare);
        Assert.Equal(30, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;MaxAutoPrepare=30")).MaxAutoPrepare);
        var resetting = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;No Reset On Close=false"));
        Assert.False(resetting.NoResetOnClose);
        Assert.Equal(100, resetting.MaxAutoPrepare);
        Assert.False(new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolSettings("Host=db;NoResetOnClose=false")).NoResetOnClose);
    }

    [Fact]
    public async Task OnPostgreSqlAQuerySentSeveralTimesIsPreparedOnItsConnection()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            return; // SQLite has no server-side prepared statements to look at.
        }
        var prepared = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            // The app's own context is the one configured with the pool settings.
            var settings = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            Assert.Equal(100, settings.MaxAutoPrepare);
            Assert.True(settings.NoResetOnClose);
            await db.Database.OpenConnectionAsync();
            try
            {
                for (var i = 0; i < 6; i++)
                {
                    await db.Set<MentorshipProgram>().Where(p => p.Name == "no such program " + i).CountAsync();
                }
                return await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        Assert.Contains(prepared, sql => sql.Contains("\"Programs\"") && sql.Contains("count(*)"));
    }
}
