using System.Net;
using System.Text;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Tandem.Infrastructure.Text;

/// <summary>
/// Markdown for text coordinators write to many people (announcements), read by Markdig (CommonMark) with raw HTML
/// turned off, so the writer's tags are shown as text and never reach the page; the only extension is bare-address
/// autolinks (no generic attributes, no tables). After parsing, the tree is tidied before anything is written
/// (ADR 55, note of 2026-12-05): links keep only http, https and mailto addresses (any other, such as javascript: or
/// data:, leaves its label as plain text), each link gets rel="noopener noreferrer nofollow ugc" and target="_blank"
/// (ADR 47's rule), images become links to the image (never an img tag that loads on sight), and headings start at h4
/// because the page has its own. The same tree gives Slack's mrkdwn (<see cref="ToSlack"/>) and plain text, so a post
/// in Slack and a notice say what the page says.
/// </summary>
public static class SafeMarkdown
{
    private const string LinkRel = "noopener noreferrer nofollow ugc";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .Build();

    /// <summary>The text as HTML; no tag or attribute of the writer's own, links only to http(s) and mailto.</summary>
    public static string ToHtml(string? markdown)
    {
        if (Parse(markdown) is not { } document)
        {
            return "<p>" + WebUtility.HtmlEncode(markdown ?? "").Replace("\n", "<br>") + "</p>";
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// The text in Slack's mrkdwn: *bold*, _italic_, `code`, &lt;url|text&gt; links, "•" bullets, headings in bold;
    /// &amp;, &lt; and &gt; escaped as Slack asks, so the writer's text cannot make a mention or a link of its own.
    /// </summary>
    public static string ToSlack(string? markdown) =>
        Parse(markdown) is { } document ? Blocks(document, Flavour.Slack) : SlackEscape(markdown ?? "");

    /// <summary>The text with its Markdown marks taken out (for a notice or an e-mail's plain text).</summary>
    public static string ToPlainText(string? markdown) =>
        Parse(markdown) is { } document ? Blocks(document, Flavour.Plain) : (markdown ?? "");

    /// <summary>Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping).</summary>
    public static string SlackEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>
    /// The tidied tree, or null when Markdig refuses the text as nested deeper than its limit (128 levels); such text is
    /// then shown as encoded plain text rather than failing the page.
    /// </summary>
    private static MarkdownDocument? Parse(string? markdown)
    {
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(markdown ?? "", Pipeline);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + 3);
        }
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsAllowed(link.Url))
            {
                Unwrap(link);
                continue;
            }
            link.IsImage = false; // an image becomes a link to it, labelled with its alt text
            link.Title = null;
            SetLinkAttributes(link);
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (autolink.IsEmail || IsAllowed(autolink.Url))
            {
                SetLinkAttributes(autolink);
            }
            else
            {
                autolink.ReplaceBy(new LiteralInline($"<{autolink.Url}>")); // as written, and encoded as text
            }
        }
        return document;
    }

    private static bool IsAllowed(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";

    private static void SetLinkAttributes(Inline link)
    {
        var attributes = link.GetAttributes();
        attributes.AddProperty("rel", LinkRel);
        attributes.AddProperty("target", "_blank");
    }

    /// <summary>A link whose address is not allowed keeps its label as text.</summary>
    private static void Unwrap(LinkInline link)
    {
        while (link.FirstChild is { } child)
        {
            child.Remove();
            link.InsertBefore(child);
        }
        link.Remove();
    }

    private enum Flavour { Slack, Plain }

    private static string Blocks(ContainerBlock container, Flavour flavour) =>
        string.Join("\n\n", container.Select(b => Block(b, flavour)).Where(s => s.Length > 0));

    private static string Block(Block block, Flavour flavour) => block switch
    {
        HeadingBlock { Inline: { } heading } when flavour == Flavour.Slack => $"*{Inlines(heading, flavour, inBold: true)}*",
        LeafBlock { Inline: { } inline } => Inlines(inline, flavour),
        CodeBlock code => flavour == Flavour.Slack ? $"```\n{SlackEscape(code.Lines.ToString())}\n```" : code.Lines.ToString(),
        ListBlock list => string.Join("\n", list.OfType<ListItemBlock>().Select((item, i) =>
        {
            var marker = flavour == Flavour.Plain ? "- " : list.IsOrdered ? $"{StartOf(list) + i}. " : "• ";
            return marker + Blocks(item, flavour).Replace("\n", "\n    ");
        })),
        QuoteBlock quote => (flavour == Flavour.Slack ? "> " : "") + Blocks(quote, flavour).Replace("\n", flavour == Flavour.Slack ? "\n> " : "\n"),
        ContainerBlock container => Blocks(container, flavour),
        _ => "",
    };

    private static int StartOf(ListBlock list) => int.TryParse(list.OrderedStart, out var start) ? start : 1;

    private static string Inlines(ContainerInline container, Flavour flavour, bool inBold = false)
    {
        var text = new StringBuilder();
        foreach (var inline in container)
        {
            text.Append(inline switch
            {
                LiteralInline literal => Escape(literal.Content.ToString(), flavour),
                HtmlEntityInline entity => Escape(entity.Transcoded.ToString(), flavour),
                LineBreakInline => "\n",
                CodeInline code => flavour == Flavour.Slack ? $"`{SlackEscape(code.Content)}`" : code.Content,
                EmphasisInline emphasis when flavour == Flavour.Plain => Inlines(emphasis, flavour),
                EmphasisInline { DelimiterCount: >= 2 } bold => inBold ? Inlines(bold, flavour, inBold) : $"*{Inlines(bold, flavour, inBold: true)}*",
                EmphasisInline italic => $"_{Inlines(italic, flavour, inBold)}_",
                LinkInline link => Link(link.Url!, Inlines(link, Flavour.Plain), flavour),
                AutolinkInline autolink => Link(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url, autolink.Url, flavour),
                ContainerInline other => Inlines(other, flavour, inBold),
                _ => "",
            });
        }
        return text.ToString();
    }

    private static string Link(string url, string label, Flavour flavour)
    {
        var bare = label == url || "mailto:" + label == url;
        if (flavour == Flavour.Plain)
        {
            return bare ? label : $"{label} ({url})";
        }
        var address = SlackEscape(url).Replace("|", "%7C");
        return bare ? $"<{address}>" : $"<{address}|{SlackEscape(label).Replace("|", "¦")}>";
    }

    private static string Escape(string text, Flavour flavour) => flavour == Flavour.Slack ? SlackEscape(text) : text;
}
