using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>The accessibility and layout checks themselves: a page they pass would be worth nothing if they passed everything.</summary>
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

            // The check runs axe in the page itself (Axe.cs): it finds what Deque's own RunAxe finds, rule by rule and element by element.
            var inPage = await Axe.ViolatedRulesAsync(page);
            Assert.Equal(await Axe.ViolatedRulesAsync(page, withRunAxe: true), inPage);
            Assert.Contains(inPage, rule => rule.StartsWith("label:", StringComparison.Ordinal) && rule.Contains("#unlabelled-field", StringComparison.Ordinal));
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

    [Fact]
    public async Task TheLayoutCheckNamesASmallButtonAWideBlockAndALoneLinkButNotALinkInASentence()
    {
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/account/sign-in");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            Assert.Empty(await Layout.PhoneProblemsAsync(page));

            // What a careless change would add: a tiny icon button, a link alone on its line, a link in a sentence, and a
            // block wider than the phone (sized from script: the Content-Security-Policy ignores style attributes).
            await page.EvaluateAsync(@"() => {
                const main = document.querySelector('main');
                main.insertAdjacentHTML('beforeend',
                    '<button id=""tiny"">x</button>' +
                    '<p><a id=""alone"" href=""/"">Alone on its line</a></p>' +
                    '<p>Read <a id=""inline"" href=""/"">the guidelines</a> before you start.</p>' +
                    '<div id=""wide"">Wide</div>');
                document.getElementById('wide').style.width = '600px';
            }");

            var problems = string.Join("\n", await Layout.PhoneProblemsAsync(page));
            output.WriteLine(problems);
            Assert.Contains("scrolls sideways", problems);
            Assert.Contains("div \"Wide\" reaches", problems);
            Assert.Contains("button#tiny \"x\"", problems);
            Assert.Contains("a#alone \"Alone on its line\"", problems);
            Assert.DoesNotContain("a#inline", problems);
        }
        catch
        {
            await server.ReportFailureAsync(page, "layout-check", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
