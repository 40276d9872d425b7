using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// axe-core (the version embedded in Deque.AxeCore.Playwright, pinned in Directory.Packages.props) run on the page as
/// it is now, with the WCAG 2.0 and 2.1 level A and AA rules: the project's "passes axe-core" standard.
/// </summary>
public static class Axe
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>Fails with one line per violation (rule, impact, what it means) and the elements it found, by selector.</summary>
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
            ResultTypes = [ResultType.Violations],
        });
        var violations = result.Violations ?? [];
        Assert.True(violations.Length == 0, Describe(page.Url, violations));
    }

    private static string Describe(string url, AxeResultItem[] violations)
    {
        var text = new StringBuilder($"axe-core found {violations.Length} WCAG 2.1 A/AA violation(s) on {url}:");
        foreach (var violation in violations)
        {
            text.Append($"\n- {violation.Id} ({violation.Impact ?? "no impact given"}): {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes ?? [])
            {
                // What axe checked and found wrong on this element (e.g. the contrast ratio it measured).
                var found = (node.All ?? []).Concat(node.None ?? []).Concat(node.Any ?? [])
                    .Select(check => check.Message).Where(message => !string.IsNullOrWhiteSpace(message)).Distinct();
                text.Append($"\n    {node.Target}: {string.Join(" / ", found)}");
            }
        }
        return text.ToString();
    }
}
