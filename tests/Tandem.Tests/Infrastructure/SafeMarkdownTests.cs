using Tandem.Infrastructure.Text;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The announcements' Markdown (ADR 55, Markdig since 2026-12-05) against hostile text: no tag, attribute or script of the
/// writer's reaches the page, links go only to http, https and mailto, and Slack's mrkdwn cannot be made to mention or link.
/// </summary>
public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("hello <script>alert(1)</script> there")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<div onclick=\"alert(1)\">x</div>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg><script>alert(1)</script></svg>")]
    public void RawHtmlIsShownAsText(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<iframe", html);
        Assert.DoesNotContain("<div", html);
        Assert.DoesNotContain("<svg", html);
        Assert.DoesNotContain("javascript:alert(1)\">", html.Replace("&quot;", "\""), StringComparison.Ordinal);
        Assert.Contains("&lt;", html);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](  javascript:alert(1) )")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("[click](file:///etc/passwd)")]
    [InlineData("[click](/relative/path)")]
    [InlineData("[click][ref]\n\n[ref]: javascript:alert(1)")]
    [InlineData("<javascript:alert(1)>")]
    public void LinksToAnythingButWebAndMailAddressesKeepOnlyTheirLabel(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);
        Assert.DoesNotContain("<a", html);
        Assert.DoesNotContain("href", html);
        Assert.DoesNotContain("<a", SafeMarkdown.ToSlack(markdown).Replace("&lt;", ""));
    }

    [Fact]
    public void ImagesBecomeLinksAndDataImagesBecomeText()
    {
        Assert.Equal("<p><a href=\"https://example.org/cat.png\" rel=\"noopener noreferrer nofollow ugc\" target=\"_blank\">a cat</a></p>",
            SafeMarkdown.ToHtml("![a cat](https://example.org/cat.png \"title\")"));
        Assert.Equal("<p>a cat</p>", SafeMarkdown.ToHtml("![a cat](data:image/png;base64,iVBORw0KGgo=)"));
    }

    [Fact]
    public void LinksGetTheProjectsRelAndNoAttributesOfTheWriters()
    {
        const string Rel = "rel=\"noopener noreferrer nofollow ugc\" target=\"_blank\"";
        Assert.Equal($"<p><a href=\"https://example.org/?a=1&amp;b=%22x%22\" {Rel}>map</a></p>", SafeMarkdown.ToHtml("[map](https://example.org/?a=1&b=\"x\")"));
        Assert.Equal($"<p><a href=\"mailto:team@example.org\" {Rel}>write</a></p>", SafeMarkdown.ToHtml("[write](mailto:team@example.org)"));
        Assert.Equal($"<p>see <a href=\"https://example.org/a\" {Rel}>https://example.org/a</a>.</p>", SafeMarkdown.ToHtml("see https://example.org/a."));
        // Generic attributes are not enabled: {onclick=...} stays text and the title cannot break out of its attribute.
        var html = SafeMarkdown.ToHtml("[x](https://example.org \"a\\\" onmouseover=\\\"alert(1)\"){onclick=alert(1) .evil}");
        Assert.DoesNotContain("onmouseover=\"", html);
        Assert.DoesNotContain("class=", html);
        Assert.Contains("{onclick=alert(1) .evil}", html);
        Assert.DoesNotContain("title=", html);
    }

    [Fact]
    public void SlackTextCannotMentionOrLinkAndKeepsTheShape()
    {
        var slack = SafeMarkdown.ToSlack("# Hi **there**\n\n<!channel> <@U123> <https://evil.example|ok> [map](https://example.org/a|b) *it* `<b>`\n\n- one\n- two\n\n3. three");
        Assert.Equal("*Hi there*\n\n&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|ok&gt; <https://example.org/a%7Cb|map> _it_ `&lt;b&gt;`\n\n• one\n• two\n\n3. three", slack);
        Assert.Equal("Hi there\n\nsee map (https://example.org/a)\n\n- one\n- two", SafeMarkdown.ToPlainText("# Hi **there**\n\nsee [map](https://example.org/a)\n\n- one\n- two"));
    }

    /// <summary>Flat text far beyond an announcement's limit (10,000 characters); nesting as deep as that limit allows.</summary>
    [Fact]
    public async Task VeryLongOrDeeplyNestedTextIsRenderedSafelyWithoutFailingOrHanging()
    {
        var inputs = new[]
        {
            new string('*', 200_000),
            string.Concat(Enumerable.Repeat("[", 100_000)),
            string.Concat(Enumerable.Repeat("> ", 5_000)) + "deep",
            string.Concat(Enumerable.Repeat("- ", 5_000)) + "deep",
            string.Concat(Enumerable.Repeat("**a ", 50_000)),
            string.Concat(Enumerable.Repeat("[", 400)) + "x" + string.Concat(Enumerable.Repeat("](https://example.org)", 400)),
            string.Concat(Enumerable.Repeat("<script>alert(1)</script>\n", 20_000)),
            string.Concat(Enumerable.Repeat("[a](javascript:x) ", 20_000)),
        };
        foreach (var input in inputs)
        {
            // A guard against a parser that never returns, not a speed target: each input takes about a second on an idle
            // two-core machine (and 14 s once at load 14), on inputs four times the longest text any field accepts (a guide, 50,000 characters).
            var html = await Task.Run(() =>
            {
                SafeMarkdown.ToSlack(input);
                SafeMarkdown.ToPlainText(input);
                return SafeMarkdown.ToHtml(input);
            }).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("href=\"javascript", html);
        }
    }
}
