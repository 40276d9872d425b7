using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Accounts;

public sealed class SessionTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ACookieReplayedAfterSignOutIsRejected()
    {
        var user = await factory.CreateUserAsync("Sid Session");
        var (cookie, client) = await SignInCapturingCookieAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, (await Replay(cookie, "/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/sign-out", Json.Empty())).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Replay(cookie, "/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Replay(cookie, "/programs")).StatusCode);
    }

    [Fact]
    public async Task ACookieReplayedAfterAPasswordChangeIsRejectedButTheChangingSessionContinues()
    {
        var user = await factory.CreateUserAsync("Pat Word");
        var (oldCookie, _) = await SignInCapturingCookieAsync(user.Email);
        var (_, changer) = await SignInCapturingCookieAsync(user.Email);

        var change = await changer.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TandemFactory.Password, newPassword = "a much newer passphrase" });

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Replay(oldCookie, "/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await changer.GetAsync("/api/v1/me")).StatusCode);
        var oldPassword = await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.BadRequest, oldPassword.StatusCode);
    }

    [Fact]
    public async Task AWrongCurrentPasswordDoesNotChangeThePassword()
    {
        var user = await factory.CreateUserAsync("Wren Gpass");
        var client = await factory.SignedInClientAsync(user);

        var change = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "not my password", newPassword = "a much newer passphrase" });

        Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        var problem = (await change.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains("CurrentPassword", problem.Errors.Keys);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task ADisabledAccountsCookieIsRejectedAndItCannotSignInAgain()
    {
        var admin = await factory.CreateUserAsync("Ada Min", administrator: true);
        var user = await factory.CreateUserAsync("Dee Sabled");
        var (cookie, _) = await SignInCapturingCookieAsync(user.Email);
        var adminClient = await factory.SignedInClientAsync(admin);

        Assert.Equal(HttpStatusCode.OK, (await adminClient.PostAsync($"/api/v1/users/{user.Id}/disable", Json.Empty())).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Replay(cookie, "/api/v1/me")).StatusCode);
        var again = await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task AdministratorCreatesAccountsWithPasswordRulesAndOthersCannot()
    {
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));
        var member = await factory.SignedInClientAsync(await factory.CreateUserAsync("Mem Ber"));
        var email = $"new.{Guid.NewGuid():N}@test.example";

        var weak = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "New Person", password = "short" });
        var badZone = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "New Person", password = "long enough password", timeZoneId = "Mars/Olympus" });
        var byMember = await member.PostAsJsonAsync("/api/v1/users", new { email, displayName = "New Person", password = "long enough password" });
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "New Person", password = "long enough password", timeZoneId = "America/New_York" });
        var duplicate = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "Twin", password = "long enough password" });

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var signIn = await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password = "long enough password" });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task TheSameAccountCreatedTwiceAtOnceIsMadeOnceAndTheOtherAnswerIsAConflict()
    {
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));

        // A double click: both requests pass the "no such account yet" check before either inserts. Five pairs, since
        // which of them meet in the same instant is up to the scheduler.
        for (var pair = 0; pair < 5; pair++)
        {
            var email = $"twice.{Guid.NewGuid():N}@test.example";
            var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "Double Click", password = "long enough password" })));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var conflict = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal($"An account with the e-mail {email} already exists.", (await conflict.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }
    }

    [Fact]
    public async Task DisablingAnAccountThatAnotherRequestChangesAtTheSameMomentIsAConflictNotASilentSuccess()
    {
        var user = await factory.CreateUserAsync("Con Current");
        var otherWrite = new WriteToTheUserJustBefore(user.Email.ToUpperInvariant(), "IsDisabled");
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<TandemDb>(o => o.AddInterceptors(otherWrite))));
        var admin = await app.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));

        var disable = await admin.PostAsync($"/api/v1/users/{user.Id}/disable", Json.Empty());

        Assert.True(otherWrite.Done);
        Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);
        Assert.Contains("was not disabled", (await disable.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var listed = await admin.GetFromJsonAsync<Paged<UserSummary>>($"/api/v1/users?search={user.Email}", Json.Options);
        Assert.False(Assert.Single(listed!.Items).IsDisabled);
        // What the administrator was told is what happened: the account still works, and disabling it again does.
        var signIn = await app.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{user.Id}/disable", Json.Empty())).StatusCode);
    }

    [Fact]
    public async Task SigningInWhileAnotherRequestSavesTheAccountSignsInInsteadOfFailing()
    {
        var user = await factory.CreateUserAsync("Sim Ultaneous");
        var otherWrite = new WriteToTheUserJustBefore(user.Email.ToUpperInvariant(), "AccessFailedCount", armed: false);
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<TandemDb>(o => o.AddInterceptors(otherWrite))));
        var client = app.AnonymousClient();
        // A wrong password first, so that the right one has a count of failures to reset.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = "not my password" })).StatusCode);
        otherWrite.Arm();

        var signIn = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });

        Assert.True(otherWrite.Done);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task ASessionUsedADayLaterRecordsItOnceADay()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var app = factory.WithClock(clock);
        var user = await factory.CreateUserAsync("Dai Lee");
        var client = await app.SignedInClientAsync(user);
        Task<DateTime?> LastSeenAsync() => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().UserSessions
            .Where(x => x.UserId == user.Id).Select(x => x.LastSeenAt).SingleAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Null(await LastSeenAsync()); // used on the day it began: its start says as much

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        var seen = clock.GetUtcNow().UtcDateTime;
        Assert.Equal(seen, await LastSeenAsync());

        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(seen, await LastSeenAsync());

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, await LastSeenAsync());
    }

    private async Task<(string Cookie, HttpClient Client)> SignInCapturingCookieAsync(string email)
    {
        var client = factory.AnonymousClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tandem.auth="));
        return (setCookie.Split(';')[0], client);
    }

    /// <summary>Sends a request carrying only the captured cookie, as an attacker holding a copy would.</summary>
    private async Task<HttpResponseMessage> Replay(string cookie, string path)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
