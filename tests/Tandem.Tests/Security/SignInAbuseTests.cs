using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Accounts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Security;

/// <summary>
/// Rate limits with small numbers and an hour-long window, so nothing replenishes during a test and
/// no test waits: the limits are counted, not timed.
/// </summary>
public sealed class SignInAbuseTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task OneAddressTryingManyAccountsGets429WithRetryAfterAndOtherAddressesDoNot()
    {
        var host = Limited(perIp: 3, perAccount: 1000);
        var client = host.AnonymousClient();
        var users = new List<UserSummary>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await factory.CreateUserAsync($"Ip Victim {i}"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(client, users[i].Email, "not the password", "198.51.100.1")).StatusCode);
        }
        var limited = await SignInAsync(client, users[3].Email, TandemFactory.Password, "198.51.100.1");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 needs Retry-After.");
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(client, users[3].Email, TandemFactory.Password, "198.51.100.2")).StatusCode);

        // The sign-in form is limited the same way (showing it is not).
        var form = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent([new("Input.Email", users[0].Email), new("Input.Password", "x"), new("_handler", "sign-in")]),
        }.From("198.51.100.1");
        var page = await client.SendAsync(form);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.True(page.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many attempts", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/account/sign-in").From("198.51.100.1"))).StatusCode);
    }

    [Fact]
    public async Task ManyAddressesTryingOneAccountGet429ButTheOwnersKnownDeviceStillGetsIn()
    {
        var host = Limited(perIp: 1000, perAccount: 3);
        var owner = await factory.CreateUserAsync("Acc Ount");
        var ownersBrowser = host.AnonymousClient();
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(ownersBrowser, owner.Email, TandemFactory.Password, "192.0.2.10")).StatusCode);
        await ownersBrowser.PostAsync("/api/v1/auth/sign-out", Json.Empty());

        // The owner's first sign-in (from a device not yet known) was one of the account's three attempts.
        var attacker = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(attacker, owner.Email, $"guess {i}", $"203.0.113.{i + 1}")).StatusCode);
        }
        var limited = await SignInAsync(attacker, owner.Email, TandemFactory.Password, "203.0.113.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // An address with no account is limited just the same, so a 429 does not reveal an account either.
        var nobody = $"nobody.{Guid.NewGuid():N}@test.example";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(attacker, nobody, "guess", $"203.0.113.{i + 1}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(attacker, nobody, "guess", "203.0.113.99")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(ownersBrowser, owner.Email, TandemFactory.Password, "192.0.2.10")).StatusCode);
    }

    [Fact]
    public async Task AStrangerCanLockAnAccountOnlyForDevicesThatNeverSignedIn()
    {
        var owner = await factory.CreateUserAsync("Lou Kout");
        var ownersBrowser = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.NoContent, (await ownersBrowser.PostAsJsonAsync("/api/v1/auth/sign-in", new { owner.Email, Password = TandemFactory.Password })).StatusCode);
        await ownersBrowser.PostAsync("/api/v1/auth/sign-out", Json.Empty());

        var stranger = factory.AnonymousClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await stranger.PostAsJsonAsync("/api/v1/auth/sign-in", new { owner.Email, Password = $"wrong password {i}" })).StatusCode);
        }

        // Locked for the stranger even with the right password, and the answer does not say so...
        var right = await stranger.PostAsJsonAsync("/api/v1/auth/sign-in", new { owner.Email, Password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Equal(SignInUser.WrongCredentials, (await right.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var newBrowser = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await newBrowser.PostAsJsonAsync("/api/v1/auth/sign-in", new { owner.Email, Password = TandemFactory.Password })).StatusCode);

        // ...but the owner's own browser, which signed in before, still gets in.
        Assert.Equal(HttpStatusCode.NoContent, (await ownersBrowser.PostAsJsonAsync("/api/v1/auth/sign-in", new { owner.Email, Password = TandemFactory.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ownersBrowser.GetAsync("/api/v1/me")).StatusCode);
        // A device cookie made up by the stranger is worth nothing.
        var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-in") { Content = JsonContent.Create(new { owner.Email, Password = TandemFactory.Password }) };
        forged.Headers.Add("Cookie", $"{KnownDevices.CookieName}=CfDJ8made-up");
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.CreateClient(new() { HandleCookies = false }).SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownAddressADisabledAccountAWrongPasswordAndALockedAccountGetTheSameAnswerAfterTheSameWork()
    {
        var hashes = new CountingHasher();
        var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<TandemUser>>(hashes)));
        var admin = await factory.CreateUserAsync("Ada Min", administrator: true);
        var user = await factory.CreateUserAsync("Sam Same");
        var disabled = await factory.CreateUserAsync("Dis Abled");
        var locked = await factory.CreateUserAsync("Loc Ked");
        var adminClient = await host.SignedInClientAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.PostAsync($"/api/v1/users/{disabled.Id}/disable", Json.Empty())).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            await host.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { locked.Email, Password = $"wrong {i}" });
        }

        async Task<(int Status, string Body, int Hashes)> Try(string email, string password)
        {
            var before = hashes.Verifications;
            var response = await host.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password });
            var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
            return ((int)response.StatusCode, $"{problem.Title}|{problem.Detail}|{string.Join(",", problem.Errors.Keys)}", hashes.Verifications - before);
        }

        var unknown = await Try($"nobody.{Guid.NewGuid():N}@test.example", TandemFactory.Password);
        var wrong = await Try(user.Email, "not the password");
        var off = await Try(disabled.Email, TandemFactory.Password);
        var lockedOut = await Try(locked.Email, TandemFactory.Password);

        Assert.Equal((400, 1), (unknown.Status, unknown.Hashes));
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, off);
        Assert.Equal(unknown, lockedOut);
    }

    [Fact]
    public async Task GuessingTheCurrentPasswordOnTheChangeFormIsLimitedPerAccount()
    {
        var host = Limited(perIp: 1000, perAccount: 2);
        var user = await factory.CreateUserAsync("Pat Guess");
        var client = await host.SignedInClientAsync(user);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = $"guess {i}", newPassword = "a brand new passphrase" })).StatusCode);
        }
        var limited = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TandemFactory.Password, newPassword = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = TandemFactory.Password })).StatusCode);
    }

    private WebApplicationFactory<Program> Limited(int perIp, int perAccount) => factory.WithWebHostBuilder(b => b
        .UseSetting("SignIn:Limits:PerIpPermitLimit", perIp.ToString())
        .UseSetting("SignIn:Limits:PerIpWindow", "01:00:00")
        .UseSetting("SignIn:Limits:PerAccountPermitLimit", perAccount.ToString())
        .UseSetting("SignIn:Limits:PerAccountWindow", "01:00:00")
        .UseTestPeerAddress());

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string peer) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-in") { Content = JsonContent.Create(new { email, password }) }.From(peer));

    private sealed class CountingHasher : IPasswordHasher<TandemUser>
    {
        private readonly PasswordHasher<TandemUser> inner = new();
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(TandemUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(TandemUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
