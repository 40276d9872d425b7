using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Accounts;

/// <summary>Self-made accounts verify their address before applying; invited and administrator-made ones need not (ADR 28).</summary>
public sealed partial class EmailVerificationTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private static string VerificationToken(MimeMessage message)
    {
        var link = VerifyLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, "No verification link on https://tandem.test in: " + message.TextBody);
        return Uri.UnescapeDataString(link.Groups[1].Value);
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient client, Guid programId, bool submit = true) =>
        client.PostAsJsonAsync($"/api/v1/programs/{programId}/applications", new
        {
            role = "mentee",
            answers = new Dictionary<string, object>(),
            acceptsCodeOfConduct = true,
            age = 30,
            submit,
        });

    private Task<bool> VerifiedAsync(string email) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Users.Where(u => u.Email == email).Select(u => u.EmailConfirmed).SingleAsync());

    private static async Task<PageClient> SignUpAsync(PageClient page, string apply, string name, string email)
    {
        var signedUp = await page.SubmitAsync(apply, "sign-up",
        [
            new("SignUp.DisplayName", name), new("SignUp.Email", email),
            new("SignUp.Password", "a long enough password"), new("SignUp.TimeZoneId", "Europe/Paris"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        return page;
    }

    [Fact]
    public async Task ASelfSignedUpApplicantConfirmsTheirAddressByTheEmailedLinkBeforeSubmitting()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var apply = $"/apply/{program.Id}/mentee";
        var email = RecruitmentFixture.Email("sam.self");
        var page = await SignUpAsync(new PageClient(fixture.Anonymous()), apply, "Sam Self", email);
        var first = VerificationToken(Assert.Single(await fixture.Smtp.ForAsync(email)));
        Assert.False(await VerifiedAsync(email));

        var form = await page.Http.GetStringAsync(apply);
        Assert.Contains("Confirm your e-mail address before you submit", form);
        Assert.Contains("Send the link again", form);
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(page.Http, program.Id, submit: false)).StatusCode);
        var refused = await SubmitAsync(page.Http, program.Id);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Confirm your e-mail address", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var refusedPage = await page.SubmitAsync(apply, "application", [new("acceptsCodeOfConduct", "true"), new("age", "30"), new("intent", "submit")]);
        Assert.Equal(HttpStatusCode.Forbidden, refusedPage.StatusCode);
        Assert.Contains("Confirm your e-mail address before you submit", await refusedPage.Content.ReadAsStringAsync());

        // "Send the link again" on the page, then by the API: each sends a new link.
        var resent = await page.SubmitAsync(apply, "resend-verification", []);
        Assert.Contains(SendEmailVerification.Sent, await resent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await page.Http.PostAsync("/api/v1/auth/email-verification-requests", Json.Empty())).StatusCode);
        Assert.Equal(3, (await fixture.Smtp.ForAsync(email, expected: 3)).Count);

        // The link opens a page with a button (mail scanners follow links; people press buttons).
        var link = AccountMail.VerifyPath(first);
        Assert.Contains("Confirm my address", await fixture.Anonymous().GetStringAsync(link));
        Assert.False(await VerifiedAsync(email));
        var confirmed = await new PageClient(fixture.Anonymous()).SubmitAsync(link, "verify-email", []);
        Assert.Contains("is confirmed", await confirmed.Content.ReadAsStringAsync());
        Assert.True(await VerifiedAsync(email));
        var again = await fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/email-verifications", new { token = first });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        Assert.DoesNotContain("Send the link again", await page.Http.GetStringAsync(apply));
        var submitted = await SubmitAsync(page.Http, program.Id);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await page.Http.PostAsync("/api/v1/auth/email-verification-requests", Json.Empty())).StatusCode);
    }

    [Fact]
    public async Task TheVerificationApiConfirmsOnceAndOnlyStoresTheTokensHash()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("api.user");
        var page = await SignUpAsync(new PageClient(fixture.Anonymous()), $"/apply/{program.Id}/mentor", "Api User", email);
        var token = VerificationToken(Assert.Single(await fixture.Smtp.ForAsync(email)));
        var hashes = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AccountToken>()
            .Where(t => t.Purpose == AccountTokenPurpose.EmailVerification && t.TokenHash == AccountToken.Hash(token)).CountAsync());
        Assert.Equal(1, hashes);
        Assert.False(await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AccountToken>().AnyAsync(t => t.TokenHash == token)));

        var unknown = await fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/email-verifications", new { token = "made-up" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var verified = await fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/email-verifications", new { token });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var status = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(status.GetProperty("verified").GetBoolean());
        Assert.True(await VerifiedAsync(email));
        Assert.True((await SubmitAsync(page.Http, program.Id)).StatusCode != HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnInvitationLinkFillsInTheInvitedNameAndAddressAndItsAccountCountsAsVerified()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("ivy.invited");
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations",
            new { email, role = "Mentee", firstName = "Ivy", lastName = "Invited" })).EnsureSuccessStatusCode();
        var token = RecruitmentFixture.TokenIn(Assert.Single(await fixture.Smtp.ForAsync(email)), program.Id);
        var apply = $"/apply/{program.Id}/mentee?invitation={Uri.EscapeDataString(token)}";

        var html = await fixture.Anonymous().GetStringAsync(apply);
        Assert.Contains("value=\"Ivy Invited\"", html);
        Assert.Contains($"value=\"{email}\"", html);
        Assert.Contains("<datalist id=\"time-zones\">", html);
        Assert.Contains("data-browser-zone=\"unchosen\"", html);

        var page = await SignUpAsync(new PageClient(fixture.Anonymous()), apply, "Ivy Invited", email);
        Assert.True(await VerifiedAsync(email));
        Assert.Single(await fixture.Smtp.ForAsync(email)); // the invitation only: no verification link
        var submitted = await SubmitAsync(page.Http, program.Id);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("sean.o'brien@school.ie")]
    [InlineData("josé@example.org")]
    public async Task AnAddressWithAnApostropheOrANonAsciiLetterSignsUpAndSignsIn(string email)
    {
        var (_, _, program) = await fixture.ProgramAsync();

        var page = await SignUpAsync(new PageClient(fixture.Anonymous()), $"/apply/{program.Id}/mentee", "Sean Josef", email);

        var me = await page.Http.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
        var signIn = await fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = email.ToUpperInvariant(), password = "a long enough password" });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task AnUnknownTimeZoneIsAFormMessageAndA400()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var apply = $"/apply/{program.Id}/mentee";
        var response = await new PageClient(fixture.Anonymous()).SubmitAsync(apply, "sign-up",
        [
            new("SignUp.DisplayName", "Zed Zone"), new("SignUp.Email", RecruitmentFixture.Email("zed")),
            new("SignUp.Password", "a long enough password"), new("SignUp.TimeZoneId", "Mars/Olympus_Mons"),
        ]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("is not a known IANA time zone", html);
        Assert.DoesNotContain("data-browser-zone=\"unchosen\"", html); // a posted choice is not replaced by the browser's zone
    }

    [Fact]
    public async Task SigningUpTwiceAtOnceOnTheFormMakesOneAccountAndTellsTheOtherToSignIn()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var apply = $"/apply/{program.Id}/mentee";

        // A double click on "Create account": five pairs, since which meet in the same instant is up to the scheduler.
        for (var pair = 0; pair < 5; pair++)
        {
            var email = RecruitmentFixture.Email("double.click");
            var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => new PageClient(fixture.Anonymous()).SubmitAsync(apply, "sign-up",
            [
                new("SignUp.DisplayName", "Dub Click"), new("SignUp.Email", email),
                new("SignUp.Password", "a long enough password"), new("SignUp.TimeZoneId", "Europe/Paris"),
            ])));

            Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode).Order());
            var refused = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.BadRequest);
            Assert.Contains("An account with this e-mail address already exists: sign in instead.", await refused.Content.ReadAsStringAsync());
            Assert.Single(await fixture.Tandem.OutboxForAsync(email));
        }
    }

    [Fact]
    public async Task AccountsThatExistedBeforeVerificationKeepWorking()
    {
        // Every account made before this release was made by an administrator, the demo seed or an invitation: the
        // migration marks them verified, and an administrator's new account is verified too.
        var user = await fixture.Tandem.CreateUserAsync("Old Timer");
        Assert.True(await VerifiedAsync(user.Email));
    }

    [GeneratedRegex(@"https://tandem\.test/account/verify-email\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex VerifyLink();
}
