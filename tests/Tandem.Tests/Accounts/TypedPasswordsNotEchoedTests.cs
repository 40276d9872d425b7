using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Accounts;

/// <summary>A refused form never writes a typed password back into the page's HTML (ADR 120).</summary>
public sealed class TypedPasswordsNotEchoedTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ARefusedSignInDoesNotWriteThePasswordIntoThePage()
    {
        var user = await factory.CreateUserAsync("Echo Less");
        var page = new PageClient(factory.AnonymousClient());

        var refused = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", "my almost right passphrase")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains(user.Email, html); // what else was typed is kept
        Assert.DoesNotContain("my almost right passphrase", html);
    }

    [Fact]
    public async Task ARefusedPasswordChangeDoesNotWriteEitherPasswordIntoThePage()
    {
        var user = await factory.CreateUserAsync("Pass Change");
        var page = await PageClient.SignInAsync(factory, user.Email);

        var wrongCurrent = await page.SubmitAsync("/account/password", "change-password",
            [new("Input.CurrentPassword", "not the current passphrase"), new("Input.NewPassword", "the wished-for passphrase")]);
        var tooShort = await page.SubmitAsync("/account/password", "change-password",
            [new("Input.CurrentPassword", TandemFactory.Password), new("Input.NewPassword", "short9")]);

        Assert.Equal(HttpStatusCode.BadRequest, wrongCurrent.StatusCode);
        var html = await wrongCurrent.Content.ReadAsStringAsync();
        Assert.DoesNotContain("not the current passphrase", html);
        Assert.DoesNotContain("the wished-for passphrase", html);
        var invalid = await tooShort.Content.ReadAsStringAsync();
        Assert.Contains("10", invalid);
        Assert.DoesNotContain(TandemFactory.Password, invalid);
        Assert.DoesNotContain("short9", invalid);
    }

    [Fact]
    public async Task ARefusedAccountCreationDoesNotWriteTheFirstPasswordIntoThePage()
    {
        var admin = await factory.CreateUserAsync("Ad Ministrator", administrator: true);
        var taken = await factory.CreateUserAsync("Al Ready");
        var page = await PageClient.SignInAsync(factory, admin.Email);

        var refused = await page.SubmitAsync("/admin/users", "create-user",
            [new("Input.DisplayName", "Al Again"), new("Input.Email", taken.Email), new("Input.Password", "a first secret passphrase"), new("Input.TimeZoneId", "UTC")]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Al Again", html);
        Assert.DoesNotContain("a first secret passphrase", html);
    }
}
