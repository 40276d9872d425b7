using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// On PostgreSQL the app's statements are prepared once per connection and then only executed (issue 17, ADR 60): the
/// connection string gets <c>Max Auto Prepare</c> unless the operator wrote one.
/// </summary>
public sealed class AutoPrepareTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public void AConnectionStringWithoutTheSettingGetsAutoPreparationAndOneThatSetsItKeepsItsOwn()
    {
        Assert.Equal(100, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Database=tandem")).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Database=tandem;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(20, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Max Auto Prepare=20;Database=tandem")).MaxAutoPrepare);
        Assert.Equal(30, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;MaxAutoPrepare=30")).MaxAutoPrepare);
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
