using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>`tandem users add-administrator`: how a new installation gets its first administrator (docs/operations.md, step 5).</summary>
public sealed class AddAdministratorTests
{
    private static string[] Database(string connection) =>
        [$"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true", $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning"];

    private static TandemDb Open(string connection)
    {
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        return new TandemDb(options.Options);
    }

    private static Task<List<string>> RolesOfAsync(TandemDb db, Guid userId) =>
        db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, r => r.RoleId, role => role.Id, (_, role) => role.Name!).ToListAsync();

    [Fact]
    public async Task ANewInstallationGetsAnAdministratorWithARandomPasswordShownOnce()
    {
        var connection = TestDatabase.NewConnectionString();
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(["users", "add-administrator", "--email", "it@school.example", "--name", "IT Office", "--time-zone", "Europe/London", .. Database(connection)], output, output);

        Assert.True(exit == 0, output.ToString());
        var password = Regex.Match(output.ToString(), @"Administrator it@school\.example created\. Password \(shown once; change it after signing in\): (\S{20,})").Groups[1].Value;
        Assert.NotEmpty(password);
        await using var db = Open(connection);
        var user = await db.Users.SingleAsync();
        Assert.Equal(("it@school.example", "IT Office", "Europe/London", true), (user.Email, user.DisplayName, user.TimeZoneId, user.EmailConfirmed));
        Assert.Equal([Actor.AdministratorRole], await RolesOfAsync(db, user.Id));
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<TandemUser>().VerifyHashedPassword(user, user.PasswordHash!, password));
    }

    [Fact]
    public async Task AnExistingAccountBecomesAnAdministratorAndKeepsItsPassword()
    {
        var connection = TestDatabase.NewMigratedConnectionString();
        var first = new StringWriter();
        Assert.Equal(0, await TandemCli.RunAsync(["users", "add-administrator", "--email", "casey@school.example", .. Database(connection)], first, first));
        string hash;
        await using (var db = Open(connection))
        {
            var user = await db.Users.SingleAsync(u => u.Email == "casey@school.example");
            hash = user.PasswordHash!;
            await db.UserRoles.Where(r => r.UserId == user.Id).ExecuteDeleteAsync();
        }
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(["users", "add-administrator", "--email", "Casey@School.example", .. Database(connection)], output, output);

        Assert.True(exit == 0, output.ToString());
        Assert.Contains("casey@school.example already had an account and is now an administrator; its password is unchanged.", output.ToString());
        await using (var db = Open(connection))
        {
            var user = await db.Users.SingleAsync(u => u.Email == "casey@school.example");
            Assert.Equal(hash, user.PasswordHash);
            Assert.Equal([Actor.AdministratorRole], await RolesOfAsync(db, user.Id));
        }
    }

    [Fact]
    public async Task ADisabledAccountIsEnabledAgainAndSignsInAsAnAdministrator()
    {
        var tandem = new TandemFactory();
        await ((IAsyncLifetime)tandem).InitializeAsync();
        try
        {
            // The last administrator's own account, disabled (by another administrator who has since left).
            var casey = await tandem.CreateUserAsync("Casey Last", administrator: true);
            await tandem.WithScopeAsync(s => s.GetRequiredService<DisableUser>().RunAsync(new Actor(Guid.NewGuid(), IsAdministrator: true), casey.Id, disabled: true));
            await using (var db = Open(tandem.ConnectionString))
            {
                await db.UserRoles.Where(r => r.UserId == casey.Id).ExecuteDeleteAsync();
            }
            await Assert.ThrowsAsync<InvalidOperationException>(() => tandem.SignedInClientAsync(casey));
            var output = new StringWriter();

            var exit = await TandemCli.RunAsync(["users", "add-administrator", "--email", casey.Email, .. Database(tandem.ConnectionString)], output, output);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains($"{casey.Email} already had an account, which was disabled: it is enabled again and is now an administrator; its password is unchanged.", output.ToString());
            var client = await tandem.SignedInClientAsync(casey);
            var me = await client.GetFromJsonAsync<MeView>("/api/v1/me", Json.Options);
            Assert.Equal((casey.Id, true), (me!.Id, me.IsAdministrator));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)tandem).DisposeAsync();
        }
    }

    [Fact]
    public async Task AnErasedAccountIsNeverEnabledAgainNeitherByTheCommandNorByAnAdministrator()
    {
        var tandem = new TandemFactory();
        await ((IAsyncLifetime)tandem).InitializeAsync();
        try
        {
            var erased = await tandem.CreateUserAsync("Ernie Rased");
            var admin = await tandem.CreateUserAsync("Ada Admin", administrator: true);
            await tandem.WithScopeAsync(s => s.GetRequiredService<Tandem.Features.Exports.ErasePerson>().RunAsync(erased.Id));
            var address = $"erased-{erased.Id:N}@erased.invalid";
            var output = new StringWriter();

            var exit = await TandemCli.RunAsync(["users", "add-administrator", "--email", address, .. Database(tandem.ConnectionString)], output, output);

            Assert.True(exit == 1, output.ToString());
            Assert.Contains("No administrator was made: This account was erased; it cannot be enabled again.", output.ToString());
            var client = await tandem.SignedInClientAsync(admin);
            var enable = await client.PostAsJsonAsync($"/api/v1/users/{erased.Id}/enable", new { });
            Assert.Equal(HttpStatusCode.Conflict, enable.StatusCode);
            Assert.Contains("This account was erased", await enable.Content.ReadAsStringAsync());
            await using var db = Open(tandem.ConnectionString);
            var user = await db.Users.SingleAsync(u => u.Id == erased.Id);
            Assert.True(user.IsDisabled);
            Assert.Empty(await RolesOfAsync(db, erased.Id));
        }
        finally
        {
            await ((IAsyncLifetime)tandem).DisposeAsync();
        }
    }

    [Theory]
    [InlineData("not-an-address", "UTC", "The Email field is not a valid e-mail address.")]
    [InlineData("someone@school.example", "Mars/Olympus", "'Mars/Olympus' is not a known IANA time zone.")]
    public async Task BadInputMakesNoAccountAndSaysWhy(string email, string zone, string message)
    {
        var connection = TestDatabase.NewMigratedConnectionString();
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(["users", "add-administrator", "--email", email, "--time-zone", zone, .. Database(connection)], output, output);

        Assert.Equal(2, exit);
        Assert.Contains("No administrator was made: ", output.ToString());
        Assert.Contains(message, output.ToString());
        await using var db = Open(connection);
        Assert.False(await db.Users.AnyAsync());
    }
}
