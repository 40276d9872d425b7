using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Tandem.Features.Accounts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Security;

public sealed partial class BrowserDefenceTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Theory]
    [InlineData("/account/sign-in", HttpStatusCode.OK)]
    [InlineData("/api/v1/me", HttpStatusCode.Unauthorized)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("/health/live", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    public async Task EveryResponseCarriesTheBrowserDefences(string path, HttpStatusCode status)
    {
        var response = await factory.AnonymousClient().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP means nothing and must not be sent.");
    }

    [Fact]
    public async Task PagesHaveNoInlineScriptSoTheContentSecurityPolicyCanForbidIt()
    {
        var html = await factory.AnonymousClient().GetStringAsync("/account/sign-in");

        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains(" src=", tag));
    }

    [Fact]
    public async Task TheApiReferencePageRunsItsOneInlineScriptOnlyWithThisResponsesNonce()
    {
        var response = await factory.AnonymousClient().GetAsync("/api/reference/v1");
        var html = await response.Content.ReadAsStringAsync();

        var nonce = Assert.Single(NonceInPolicy().Matches(Header(response, "Content-Security-Policy"))).Groups[1].Value;
        var inline = ScriptTag().Matches(html).Select(m => m.Value).Where(tag => !tag.Contains(" src=")).ToList();
        Assert.NotEmpty(inline);
        Assert.All(inline, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
        var again = await factory.AnonymousClient().GetAsync("/api/reference/v1");
        Assert.DoesNotContain(nonce, Header(again, "Content-Security-Policy"));
    }

    [Fact]
    public async Task HstsIsSentOverHttps()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        var response = await client.GetAsync("/account/sign-in");

        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task BehindAConfiguredTlsProxyTheAuthAndAntiforgeryCookiesAreSecureAndOthersCannotFakeIt()
    {
        var user = await factory.CreateUserAsync("Rex Proxy");
        var behindProxy = factory.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies:0", "10.0.0.5").UseTestPeerAddress());
        var client = behindProxy.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        async Task<(string Auth, string Antiforgery, HttpResponseMessage Page)> CookiesVia(string peer)
        {
            var page = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/account/sign-in").From(peer).ForwardedHttps());
            var signIn = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-in")
            {
                Content = JsonContent.Create(new { user.Email, Password = TandemFactory.Password }),
            }.From(peer).ForwardedHttps());
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
            return (SetCookie(signIn, "tandem.auth="), SetCookie(page, ".AspNetCore.Antiforgery."), page);
        }

        var (auth, antiforgery, page) = await CookiesVia("10.0.0.5");
        Assert.Contains("; secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", Header(page, "Strict-Transport-Security"));

        var (fakedAuth, fakedAntiforgery, fakedPage) = await CookiesVia("10.0.0.9");
        Assert.DoesNotContain("; secure", fakedAuth, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("; secure", fakedAntiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.False(fakedPage.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ACrossSiteFormPostCannotDisableAUser()
    {
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));
        var target = await factory.CreateUserAsync("Tar Get");
        var disable = $"/api/v1/users/{target.Id}/disable";

        // What another site's <form> (enctype text/plain, urlencoded or multipart) or a body-less fetch can send with the cookie.
        var attempts = new HttpContent?[]
        {
            new StringContent("{\"x\":1}", Encoding.UTF8, "text/plain"),
            new FormUrlEncodedContent([new("disabled", "true")]),
            new MultipartFormDataContent { { new StringContent("true"), "disabled" } },
            null,
        };
        foreach (var content in attempts)
        {
            var response = await admin.PostAsync(disable, content);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var users = await admin.GetFromJsonAsync<Paged<UserSummary>>($"/api/v1/users?search={target.Email}", Json.Options);
        Assert.False(Assert.Single(users!.Items).IsDisabled);
        await factory.SignedInClientAsync(target);

        // The app's own page script would send the antiforgery token it was given: that passes.
        var withToken = new HttpRequestMessage(HttpMethod.Post, disable);
        withToken.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(admin, "/account/password"));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(withToken)).StatusCode);
        var forged = new HttpRequestMessage(HttpMethod.Post, disable);
        forged.Headers.Add("RequestVerificationToken", "made-up");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.SendAsync(forged)).StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content)
        : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} ({(int)response.StatusCode}) has no {name} header.");

    private static string SetCookie(HttpResponseMessage response, string prefix) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(prefix, StringComparison.Ordinal));

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();
}

internal static class ForwardedRequests
{
    /// <summary>What a TLS-terminating proxy adds when it passes an https request on over plain HTTP.</summary>
    public static HttpRequestMessage ForwardedHttps(this HttpRequestMessage request)
    {
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }
}
