using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// axe-core (the version embedded in Deque.AxeCore.Commons, pinned with Deque.AxeCore.Playwright in
/// Directory.Packages.props) run on the page as it is now, with the WCAG 2.0 and 2.1 level A and AA rules: the project's
/// "passes axe-core" standard.
/// </summary>
/// <remarks>
/// axe runs in the page itself (<c>axe.run(document)</c>), injected once per document, and only the violations come back.
/// Deque.AxeCore.Playwright's <c>RunAxe</c> checks the same rules but, on every page, injects axe again, runs
/// <c>axe.runPartial</c>, opens a second, blank page, injects axe there too and passes every rule's result for every
/// element across to <c>axe.finishRun</c>: three to six seconds a call on this machine, most of the browser suite's time
/// (docs/decisions/0036-browser-suite-cost.md). Our pages have no frames; a page that has one is still checked by
/// <c>RunAxe</c>, so a frame's content is never left out.
/// </remarks>
public static class Axe
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private static readonly Lazy<string> Source = new(() => new BundledAxeScriptProvider().GetScript());

    // Runs in the page: the rules of the tags above, and per violation what Describe needs.
    private const string RunInPage = """
        async (tags) => {
          const results = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
          return JSON.stringify(results.violations.map(v => ({
            id: v.id,
            impact: v.impact ?? null,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({
              target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
              messages: [...(n.all ?? []), ...(n.none ?? []), ...(n.any ?? [])].map(c => c.message).filter(m => m && m.trim() !== ''),
            })),
          })));
        }
        """;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Violation(string Id, string? Impact, string Help, string HelpUrl, Node[] Nodes);

    private sealed record Node(string Target, string[] Messages);

    /// <summary>Fails with one line per violation (rule, impact, what it means) and the elements it found, by selector.</summary>
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var violations = await Timing.TimeAsync("axe", () => ViolationsAsync(page));
        Assert.True(violations.Count == 0, Describe(page.Url, violations));
    }

    /// <summary>The rules violated on the page now and, per rule, the elements (selectors), as "rule: selector selector…".</summary>
    /// <param name="withRunAxe">Through Deque.AxeCore.Playwright's <c>RunAxe</c> (runPartial, finishRun in a blank page) instead.</param>
    public static async Task<IReadOnlyList<string>> ViolatedRulesAsync(IPage page, bool withRunAxe = false) =>
        [.. (await ViolationsAsync(page, withRunAxe)).Select(v => $"{v.Id}: {string.Join(" ", v.Nodes.Select(n => n.Target).Order(StringComparer.Ordinal))}").Order(StringComparer.Ordinal)];

    private static async Task<IReadOnlyList<Violation>> ViolationsAsync(IPage page, bool withRunAxe = false)
    {
        if (withRunAxe || await page.EvaluateAsync<bool>("() => document.querySelector('iframe, frame') !== null"))
        {
            var result = await page.RunAxe(new AxeRunOptions
            {
                RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
                ResultTypes = [ResultType.Violations],
            });
            return [.. (result.Violations ?? []).Select(v => new Violation(v.Id, v.Impact, v.Help, v.HelpUrl,
                [.. (v.Nodes ?? []).Select(n => new Node(n.Target?.ToString() ?? "",
                    [.. (n.All ?? []).Concat(n.None ?? []).Concat(n.Any ?? []).Select(c => c.Message).Where(m => !string.IsNullOrWhiteSpace(m))]))]))];
        }
        // Once per document: a Blazor enhanced navigation keeps the window (and axe) across pages.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"))
        {
            await Timing.TimeAsync("axe-inject", () => page.EvaluateAsync(Source.Value));
        }
        return JsonSerializer.Deserialize<Violation[]>(await page.EvaluateAsync<string>(RunInPage, WcagTags), JsonOptions)!;
    }

    private static string Describe(string url, IReadOnlyList<Violation> violations)
    {
        var text = new StringBuilder($"axe-core found {violations.Count} WCAG 2.1 A/AA violation(s) on {url}:");
        foreach (var violation in violations)
        {
            text.Append($"\n- {violation.Id} ({violation.Impact ?? "no impact given"}): {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes)
            {
                // What axe checked and found wrong on this element (e.g. the contrast ratio it measured).
                text.Append($"\n    {node.Target}: {string.Join(" / ", node.Messages.Distinct())}");
            }
        }
        return text.ToString();
    }
}
