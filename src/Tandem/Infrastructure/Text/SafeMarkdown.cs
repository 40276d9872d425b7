using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Tandem.Infrastructure.Text;

/// <summary>
/// A small Markdown subset for text coordinators write to many people (announcements): paragraphs and line breaks,
/// headings (#), bullet (- or *) and numbered (1.) lists, **bold**, *italic* or _italic_, `code`, [text](https://…) and bare
/// http(s) addresses. Raw HTML is never passed through: every character of the writer's text is encoded, and the only
/// tags are the ones written here, so the output is safe to insert into a page (ADR 55). Links follow the rule of the
/// conversations' links (ADR 47): http and https only, with rel="noopener noreferrer nofollow ugc".
/// The same reading also gives Slack's mrkdwn (<see cref="ToSlack"/>), so a post in Slack says what the page says.
/// </summary>
public static partial class SafeMarkdown
{
    private enum BlockKind { Paragraph, Heading, Bullets, Numbers }

    private sealed record Block(BlockKind Kind, IReadOnlyList<string> Lines);

    /// <summary>The text as HTML made only of p, br, h4, ul, ol, li, strong, em, code and a.</summary>
    public static string ToHtml(string? markdown)
    {
        var html = new StringBuilder();
        foreach (var block in Blocks(markdown))
        {
            switch (block.Kind)
            {
                case BlockKind.Heading:
                    html.Append("<h4>").Append(InlineHtml(block.Lines[0])).Append("</h4>");
                    break;
                case BlockKind.Bullets or BlockKind.Numbers:
                    var tag = block.Kind == BlockKind.Bullets ? "ul" : "ol";
                    html.Append('<').Append(tag).Append('>');
                    foreach (var item in block.Lines)
                    {
                        html.Append("<li>").Append(InlineHtml(item)).Append("</li>");
                    }
                    html.Append("</").Append(tag).Append('>');
                    break;
                default:
                    html.Append("<p>").Append(string.Join("<br>", block.Lines.Select(InlineHtml))).Append("</p>");
                    break;
            }
        }
        return html.ToString();
    }

    /// <summary>
    /// The text in Slack's mrkdwn: *bold*, _italic_, `code`, &lt;url|text&gt; links, "•" bullets, headings in bold;
    /// &amp;, &lt; and &gt; escaped as Slack asks, so the writer's text cannot make a mention or a link of its own.
    /// </summary>
    public static string ToSlack(string? markdown)
    {
        var lines = new List<string>();
        foreach (var block in Blocks(markdown))
        {
            if (lines.Count > 0)
            {
                lines.Add("");
            }
            var number = 1;
            lines.AddRange(block.Kind switch
            {
                BlockKind.Heading => [$"*{InlineSlack(block.Lines[0], inBold: true)}*"],
                BlockKind.Bullets => block.Lines.Select(l => "• " + InlineSlack(l)),
                BlockKind.Numbers => block.Lines.Select(l => $"{number++}. " + InlineSlack(l)),
                _ => block.Lines.Select(l => InlineSlack(l)),
            });
        }
        return string.Join("\n", lines);
    }

    /// <summary>The text with its Markdown marks taken out (for a notice or an e-mail's plain text).</summary>
    public static string ToPlainText(string? markdown) =>
        string.Join("\n\n", Blocks(markdown).Select(b => b.Kind switch
        {
            BlockKind.Bullets or BlockKind.Numbers => string.Join("\n", b.Lines.Select(l => "- " + InlinePlain(l))),
            _ => string.Join("\n", b.Lines.Select(InlinePlain)),
        }));

    private static List<Block> Blocks(string? markdown)
    {
        var blocks = new List<Block>();
        var current = new List<string>();
        var kind = BlockKind.Paragraph;
        void Close()
        {
            if (current.Count > 0)
            {
                blocks.Add(new Block(kind, current));
            }
            current = [];
            kind = BlockKind.Paragraph;
        }
        foreach (var raw in (markdown ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Trim().Length == 0)
            {
                Close();
                continue;
            }
            if (HeadingLine().Match(line) is { Success: true } heading)
            {
                Close();
                blocks.Add(new Block(BlockKind.Heading, [heading.Groups[1].Value]));
                continue;
            }
            var (lineKind, text) = BulletLine().Match(line) is { Success: true } bullet ? (BlockKind.Bullets, bullet.Groups[1].Value)
                : NumberLine().Match(line) is { Success: true } numbered ? (BlockKind.Numbers, numbered.Groups[1].Value)
                : (BlockKind.Paragraph, line.Trim());
            if (lineKind != kind && current.Count > 0)
            {
                Close();
            }
            kind = lineKind;
            current.Add(text);
        }
        Close();
        return blocks;
    }

    private enum Span { Text, Code, Bold, Italic, Link, Address }

    /// <summary>The line cut into plain text and marked spans; a link whose address is not http(s) stays text.</summary>
    private static IEnumerable<(Span Kind, string Text, string? Url)> Spans(string line)
    {
        var at = 0;
        foreach (Match m in Inline().Matches(line))
        {
            if (m.Index > at)
            {
                yield return (Span.Text, line[at..m.Index], null);
            }
            at = m.Index + m.Length;
            if (m.Groups["code"].Success)
            {
                yield return (Span.Code, m.Groups["code"].Value, null);
            }
            else if (m.Groups["bold"].Success)
            {
                yield return (Span.Bold, m.Groups["bold"].Value, null);
            }
            else if (m.Groups["em"].Success || m.Groups["em2"].Success)
            {
                yield return (Span.Italic, m.Groups["em"].Success ? m.Groups["em"].Value : m.Groups["em2"].Value, null);
            }
            else if (m.Groups["label"].Success)
            {
                var url = m.Groups["href"].Value;
                yield return IsWebAddress(url) ? (Span.Link, m.Groups["label"].Value, url) : (Span.Text, m.Value, null);
            }
            else
            {
                var url = m.Groups["url"].Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']');
                at = m.Index + url.Length;
                yield return IsWebAddress(url) ? (Span.Address, url, url) : (Span.Text, url, null);
            }
        }
        if (at < line.Length)
        {
            yield return (Span.Text, line[at..], null);
        }
    }

    private static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static string InlineHtml(string line)
    {
        var html = new StringBuilder();
        foreach (var (kind, text, url) in Spans(line))
        {
            html.Append(kind switch
            {
                Span.Code => $"<code>{Encode(text)}</code>",
                Span.Bold => $"<strong>{InlineHtml(text)}</strong>",
                Span.Italic => $"<em>{InlineHtml(text)}</em>",
                Span.Link or Span.Address => $"<a href=\"{Encode(url!)}\" rel=\"noopener noreferrer nofollow ugc\" target=\"_blank\">{Encode(text)}</a>",
                _ => Encode(text),
            });
        }
        return html.ToString();
    }

    private static string InlineSlack(string line, bool inBold = false)
    {
        var slack = new StringBuilder();
        foreach (var (kind, text, url) in Spans(line))
        {
            slack.Append(kind switch
            {
                Span.Code => $"`{SlackEscape(text)}`",
                Span.Bold => inBold ? InlineSlack(text, inBold) : $"*{InlineSlack(text, inBold: true)}*",
                Span.Italic => $"_{InlineSlack(text, inBold)}_",
                Span.Link => $"<{SlackEscape(url!).Replace("|", "%7C")}|{SlackEscape(text).Replace("|", "¦")}>",
                Span.Address => $"<{SlackEscape(url!).Replace("|", "%7C")}>",
                _ => SlackEscape(text),
            });
        }
        return slack.ToString();
    }

    private static string InlinePlain(string line) => string.Concat(Spans(line).Select(s => s.Kind switch
    {
        Span.Bold or Span.Italic => InlinePlain(s.Text),
        Span.Link => $"{s.Text} ({s.Url})",
        _ => s.Text,
    }));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping).</summary>
    public static string SlackEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^\s{0,3}[-*+]\s+(.+)$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex BulletLine();

    [GeneratedRegex(@"^\s{0,3}\d{1,3}[.)]\s+(.+)$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex NumberLine();

    [GeneratedRegex(@"`(?<code>[^`]+)`|\*\*(?<bold>[^*]+?)\*\*|(?<![\w*])\*(?<em>[^*\s](?:[^*]*?[^*\s])?)\*(?![\w*])|(?<![\w])_(?<em2>[^_\s](?:[^_]*?[^_\s])?)_(?!\w)|\[(?<label>[^\]]+)\]\((?<href>[^)\s]+)\)|(?<url>\bhttps?://[^\s<>""']+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Inline();
}
