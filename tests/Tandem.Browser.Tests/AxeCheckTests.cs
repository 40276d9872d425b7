using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>The accessibility check itself: a page it passes would be worth nothing if it passed everything.</summary>
public sealed class AxeCheckTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task TheCheckNamesTheRuleTheImpactAndTheElementOfEachViolation()
    {
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/account/sign-in");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);

            // What a careless change would add: a field without a label and pale grey text on white.
            await page.EvaluateAsync(@"() => {
                const field = document.createElement('input');
                field.id = 'unlabelled-field';
                document.querySelector('main').appendChild(field);
                const pale = document.createElement('p');
                pale.id = 'pale-text';
                pale.textContent = 'Hard to read';
                pale.style.color = '#ccc';
                pale.style.background = '#fff';
                document.querySelector('main').appendChild(pale);
            }");

            var failed = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => Axe.AssertNoViolationsAsync(page));
            output.WriteLine(failed.Message);
            Assert.Contains("- label (critical)", failed.Message);
            Assert.Contains("#unlabelled-field", failed.Message);
            Assert.Contains("- color-contrast (serious)", failed.Message);
            Assert.Contains("#pale-text", failed.Message);
        }
        catch
        {
            await server.ReportFailureAsync(page, "axe-check", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
