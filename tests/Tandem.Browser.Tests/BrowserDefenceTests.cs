using System.Net;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>The headers as Kestrel really sends them, and the Content-Security-Policy as Chromium enforces it.</summary>
public sealed class BrowserDefenceTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/app.css")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/no-such-page")]
    public async Task KestrelSendsTheDefencesOnPagesAndStaticFilesAndNoServerHeader(string path)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await http.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        Assert.False(response.Headers.Contains("Server"), $"{path} names the server: {string.Join(",", response.Headers.TryGetValues("Server", out var s) ? s : [])}");
        Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public Task AScriptInjectedIntoAPageDoesNotRun() => InBrowserAsync(async page =>
    {
        await page.GotoAsync("/account/sign-in");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        // What a stored-XSS payload amounts to: an inline script element added to the page.
        var ran = await page.EvaluateAsync<bool>(@"() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
            return window.injected === true;
        }");

        Assert.False(ran);
        var blocked = server.TakeContentSecurityViolations();
        Assert.Contains(blocked, v => v.Contains("inline script", StringComparison.OrdinalIgnoreCase));
    }, expectViolations: true);

    [Fact]
    public Task SigningInAndMovingBetweenPagesWorksUnderThePolicy() => InBrowserAsync(async page =>
    {
        await server.SignInAsync(page, "Coordinator");
        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).First.ClickAsync();
        await TandemServer.AtAsync(page, "/notifications");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        // blazor.web.js loaded and took over navigation (enhanced navigation sets this on its own).
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.Blazor === 'object'"));
    });

    [Fact]
    public Task TheApiReferenceRendersUnderThePolicy() => InBrowserAsync(async page =>
    {
        // Not waiting for "load": the reference's 4 MB bundle can take longer than that on a busy machine; what it shows is what counts.
        await page.GotoAsync("/api/reference/v1", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });

        await Expect(page.GetByText("Tandem API").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByText("/api/v1/auth/sign-in").First).ToBeAttachedAsync(new() { Timeout = 60_000 });
    });

    private async Task InBrowserAsync(Func<IPage, Task> test, bool expectViolations = false)
    {
        var page = await server.NewPageAsync();
        try
        {
            await test(page);
            if (!expectViolations)
            {
                server.AssertNoContentSecurityViolations();
            }
        }
        catch
        {
            await server.ReportFailureAsync(page, "browser-defences", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
