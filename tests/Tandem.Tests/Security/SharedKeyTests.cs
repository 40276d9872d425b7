using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Security;

/// <summary>Two app nodes on one database share the cookie keys through it; a node on another database does not.</summary>
public sealed class SharedKeyTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ACookieIssuedByOneNodeIsAcceptedByAnotherNodeOnTheSameDatabase()
    {
        var user = await factory.CreateUserAsync("Nora Node");
        var first = factory.AnonymousClient();
        var signIn = await first.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tandem.auth=")).Split(';')[0];

        // A second node: its own host, services and in-memory key cache, the same database.
        await using var secondNode = factory.WithWebHostBuilder(_ => { });
        var replay = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        replay.Headers.Add("Cookie", cookie);
        var me = await secondNode.CreateClient(new() { HandleCookies = false }).SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var keys = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().DataProtectionKeys.CountAsync());
        Assert.True(keys >= 1, "The key ring should be stored in the database.");
    }

    [Fact]
    public async Task NodesShareKeysThroughTheirDatabaseAndNotThroughTheMachine()
    {
        const string purpose = "Tandem.Tests.SharedKeys";
        var secret = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("meet at noon");

        await using var sameDatabase = factory.WithWebHostBuilder(_ => { });
        var otherDatabase = new TandemFactory();
        await otherDatabase.InitializeAsync();
        try
        {
            Assert.Equal("meet at noon", sameDatabase.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(secret));
            var stranger = otherDatabase.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose);
            Assert.ThrowsAny<CryptographicException>(() => stranger.Unprotect(secret));
        }
        finally
        {
            await ((IAsyncLifetime)otherDatabase).DisposeAsync();
        }
    }
}
