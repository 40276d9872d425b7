using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Accounts;

/// <summary>"Forgot your password?" by e-mail, through a real SMTP server (ADR 28).</summary>
public sealed partial class PasswordResetTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string NewPassword = "a brand new passphrase";

    private WebApplicationFactory<Program> Node(SmtpCapture smtp, FakeTimeProvider? clock = null) =>
        clock is null ? factory.WithWebHostBuilder(b => b.UseTestSmtp(smtp.Port)) : factory.WithClock(clock, b => b.UseTestSmtp(smtp.Port));

    /// <summary>The token of the reset link in the message, which must point at the configured public address.</summary>
    public static string ResetToken(MimeMessage message)
    {
        var link = ResetLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, "No reset link on https://tandem.test in: " + message.TextBody);
        return Uri.UnescapeDataString(link.Groups[1].Value);
    }

    private static async Task<string> AskAsync(HttpClient client, string email)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/password-reset-requests", new { email });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> ResetAsync(HttpClient client, string token, string newPassword = NewPassword) =>
        client.PostAsJsonAsync("/api/v1/auth/password-resets", new { token, newPassword });

    [Fact]
    public async Task AForgottenPasswordIsResetOnceThroughTheEmailedLinkAndEverySessionEnds()
    {
        await using var smtp = new SmtpCapture();
        await using var node = Node(smtp);
        var user = await factory.CreateUserAsync("Fergus Gotten");
        var oldSession = await node.SignedInClientAsync(user);
        var anonymous = node.AnonymousClient();
        var unknown = $"nobody.{Guid.NewGuid():N}@test.example";

        // The same answer for an address without an account and for one with an account.
        var forUnknown = await AskAsync(anonymous, unknown);
        var forKnown = await AskAsync(anonymous, user.Email.ToUpperInvariant());
        Assert.Equal(forUnknown, forKnown);
        Assert.Contains(RequestPasswordReset.Answer, forKnown);

        var message = Assert.Single(await smtp.ForAsync(user.Email));
        Assert.Equal("Reset your Tandem password", message.Subject);
        var token = ResetToken(message);
        // The queue is worked in order: the unknown address was handled before the known one's mail went out.
        Assert.Empty(await factory.OutboxForAsync(unknown));
        Assert.Equal(0, smtp.CountFor(unknown));

        // Only the token's hash is stored.
        var stored = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AccountToken>().AsNoTracking()
            .Where(t => t.UserId == user.Id).ToListAsync());
        var row = Assert.Single(stored);
        Assert.NotEqual(token, row.TokenHash);
        Assert.Equal(AccountToken.Hash(token), row.TokenHash);
        Assert.Equal(row.CreatedAt.AddHours(1), row.ExpiresAt);

        // The same password rules as elsewhere.
        var weak = await ResetAsync(anonymous, token, "short");
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("NewPassword", (await weak.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);

        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(anonymous, token)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await oldSession.GetAsync("/api/v1/me")).StatusCode);
        var withOld = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.BadRequest, withOld.StatusCode);
        var withNew = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, withNew.StatusCode);

        // The link works once.
        var again = await ResetAsync(anonymous, token, "yet another passphrase");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already been used", (await again.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var page = await anonymous.GetAsync(AccountMail.ResetPath(token));
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("already been used", await page.Content.ReadAsStringAsync());
        var made = await ResetAsync(anonymous, "not-a-token-anyone-was-sent");
        Assert.Equal(HttpStatusCode.NotFound, made.StatusCode);
    }

    [Fact]
    public async Task AResetLinkStopsWorkingAfterAnHour()
    {
        await using var smtp = new SmtpCapture();
        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        await using var node = Node(smtp, clock);
        var user = await factory.CreateUserAsync("Ex Pired");
        await AskAsync(node.AnonymousClient(), user.Email);
        var token = ResetToken(Assert.Single(await smtp.ForAsync(user.Email)));

        clock.Advance(TimeSpan.FromMinutes(61));

        var late = await ResetAsync(node.AnonymousClient(), token);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("expired", (await late.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var page = await node.AnonymousClient().GetAsync(AccountMail.ResetPath(token));
        Assert.Contains("This link expired", await page.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Set the new password", await page.Content.ReadAsStringAsync());
        var stillOld = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, stillOld.StatusCode);
    }

    [Fact]
    public async Task ThePagesWalkFromSignInToANewPasswordWithoutScriptAndAnswerAlikeForUnknownAddresses()
    {
        await using var smtp = new SmtpCapture();
        await using var node = Node(smtp);
        var user = await factory.CreateUserAsync("Paige Walker");
        var page = new PageClient(node.AnonymousClient());
        Assert.Contains("href=\"/account/forgot-password\"", await page.Http.GetStringAsync("/account/sign-in"));

        var unknown = await page.SubmitAsync("/account/forgot-password", "forgot-password", [new("Input.Email", $"no.one.{Guid.NewGuid():N}@test.example")]);
        var known = await page.SubmitAsync("/account/forgot-password", "forgot-password", [new("Input.Email", user.Email)]);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (unknown.StatusCode, known.StatusCode));
        var unknownHtml = await unknown.Content.ReadAsStringAsync();
        Assert.Contains(RequestPasswordReset.Answer, unknownHtml);
        Assert.Equal(Notice(unknownHtml), Notice(await known.Content.ReadAsStringAsync()));

        var token = ResetToken(Assert.Single(await smtp.ForAsync(user.Email)));
        var resetPath = AccountMail.ResetPath(token);
        Assert.Contains("Set the new password", await page.Http.GetStringAsync(resetPath));
        var done = await page.SubmitAsync(resetPath, "reset-password", [new("Input.Token", token), new("Input.NewPassword", NewPassword)]);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Your password was changed", await done.Content.ReadAsStringAsync());

        await PageClient.SignInAsync(factory, user.Email, NewPassword);
    }

    [Fact]
    public async Task AResetThatMeetsAnotherSaveOfTheAccountIsAConflictAndTheLinkStillWorks()
    {
        await using var smtp = new SmtpCapture();
        var user = await factory.CreateUserAsync("Res Et");
        var otherWrite = new WriteToTheUserJustBefore(user.Email.ToUpperInvariant(), "SecurityStamp", armed: false);
        await using var node = factory.WithWebHostBuilder(b =>
        {
            b.UseTestSmtp(smtp.Port);
            b.ConfigureTestServices(s => s.ConfigureDbContext<TandemDb>(o => o.AddInterceptors(otherWrite)));
        });
        await AskAsync(node.AnonymousClient(), user.Email);
        var token = ResetToken(Assert.Single(await smtp.ForAsync(user.Email)));
        otherWrite.Arm();

        var reset = await ResetAsync(node.AnonymousClient(), token);

        Assert.True(otherWrite.Done);
        Assert.Equal(HttpStatusCode.Conflict, reset.StatusCode);
        Assert.Equal("The account was changed by another request at the same moment, so the password was not changed. Try again.",
            (await reset.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var withOld = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(node.AnonymousClient(), token)).StatusCode);
        var withNew = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, withNew.StatusCode);
    }

    [Fact]
    public async Task ADisabledAccountGetsNoResetLink()
    {
        await using var smtp = new SmtpCapture();
        await using var node = Node(smtp);
        var admin = await node.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));
        var disabled = await factory.CreateUserAsync("Dis Abled");
        var active = await factory.CreateUserAsync("Act Ive");
        (await admin.PostAsync($"/api/v1/users/{disabled.Id}/disable", Json.Empty())).EnsureSuccessStatusCode();

        await AskAsync(node.AnonymousClient(), disabled.Email);
        await AskAsync(node.AnonymousClient(), active.Email);

        Assert.Single(await smtp.ForAsync(active.Email));
        Assert.Empty(await factory.OutboxForAsync(disabled.Email));
    }

    [Fact]
    public async Task AResetLinkAskedForBeforeAPasswordChangeNoLongerWorks()
    {
        await using var smtp = new SmtpCapture();
        await using var node = Node(smtp);
        var user = await factory.CreateUserAsync("Chan Ging");
        await AskAsync(node.AnonymousClient(), user.Email);
        var token = ResetToken(Assert.Single(await smtp.ForAsync(user.Email)));

        const string changed = "a password changed while signed in";
        var signedIn = await node.SignedInClientAsync(user);
        var change = await signedIn.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TandemFactory.Password, newPassword = changed });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        var late = await ResetAsync(node.AnonymousClient(), token);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("already been used", (await late.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var withChanged = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = changed });
        Assert.Equal(HttpStatusCode.NoContent, withChanged.StatusCode);
    }

    [Fact]
    public async Task AResetLinkAskedForBeforeTheAccountWasDisabledDoesNotWorkWhenItIsEnabledAgain()
    {
        await using var smtp = new SmtpCapture();
        await using var node = Node(smtp);
        var admin = await node.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));
        var user = await factory.CreateUserAsync("Dee Sabled");
        await AskAsync(node.AnonymousClient(), user.Email);
        var token = ResetToken(Assert.Single(await smtp.ForAsync(user.Email)));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{user.Id}/disable", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{user.Id}/enable", Json.Empty())).StatusCode);

        var late = await ResetAsync(node.AnonymousClient(), token);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("already been used", (await late.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var withOld = await node.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, withOld.StatusCode);
    }

    private static string Notice(string html) => NoticeText().Match(html).Value;

    [GeneratedRegex(@"https://tandem\.test/account/reset-password\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex ResetLink();

    [GeneratedRegex("<div class=\"notice\" role=\"status\">[^<]*</div>")]
    private static partial Regex NoticeText();
}
