using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Features.Organisations;
using Tandem.Infrastructure;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>`tandem seed demo --reset-passwords` outside Development (ADR 120): the guard first, and the demo is the demo, not its name.</summary>
public sealed class DemoPasswordResetGuardTests
{
    [Fact]
    public async Task OutsideDevelopmentResetPasswordsLeavesAnOrganisationThatOnlySharesTheDemosNameAlone()
    {
        var connection = TestDatabase.NewConnectionString();
        string[] production =
        [
            "--environment=Production", $"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true",
            $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning",
        ];
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        try
        {
            // An installation in use whose own organisation has the demo's name, with an account at one of the demo's addresses.
            var first = new StringWriter();
            Assert.True(await TandemCli.RunAsync(["users", "add-administrator", "--email", SeedDemo.AdministratorEmail, .. production], first, first) == 0, first.ToString());
            db.Organisations.Add(new Organisation(SeedDemo.OrganisationName, OrganisationKind.University, includesMinors: false, TestClock.Start.UtcDateTime));
            await db.SaveChangesAsync();
            var hashBefore = await db.Users.Where(u => u.Email == SeedDemo.AdministratorEmail).Select(u => u.PasswordHash).SingleAsync();
            var output = new StringWriter();
            var error = new StringWriter();

            var exit = await TandemCli.RunAsync(["seed", "demo", "--reset-passwords", .. production], output, error);

            Assert.Equal(1, exit);
            Assert.DoesNotContain(SeedDemo.AdministratorEmail + " ", output.ToString());
            Assert.Contains("Nothing was added: this Production installation already has accounts", error.ToString());
            db.ChangeTracker.Clear();
            Assert.Equal(hashBefore, await db.Users.Where(u => u.Email == SeedDemo.AdministratorEmail).Select(u => u.PasswordHash).SingleAsync());
        }
        finally
        {
            await db.Database.EnsureDeletedAsync();
        }
    }
}
