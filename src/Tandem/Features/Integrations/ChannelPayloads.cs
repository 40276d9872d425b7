using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Integrations;

/// <summary>Something to post to a program's channels: a title, Markdown text, the program's name and a link into Tandem.</summary>
public sealed record ChannelMessage(string ProgramName, string Title, string MarkdownBody, string? AudienceLabel, string Link);

/// <summary>
/// The JSON bodies of the two webhooks, in their documented formats:
/// Slack (https://api.slack.com/messaging/webhooks, Block Kit): <c>text</c> (the notification fallback) and <c>blocks</c>,
/// a header block (plain_text, at most 150 characters), a section block (mrkdwn, at most 3,000) and a context block;
/// Teams (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using): a message
/// whose attachment is an Adaptive Card 1.4 with TextBlocks and an Action.OpenUrl.
/// </summary>
public static class ChannelPayloads
{
    public const int SlackHeaderMax = 150;
    public const int SlackSectionMax = 3000;

    public static string For(ChannelKind kind, ChannelMessage message) => kind == ChannelKind.Slack ? Slack(message) : Teams(message);

    public static string Slack(ChannelMessage message)
    {
        var context = $"{SafeMarkdown.SlackEscape(message.ProgramName)}{(message.AudienceLabel is null ? "" : " · " + message.AudienceLabel)} · <{message.Link}|Open in Tandem>";
        var body = new JsonObject
        {
            ["text"] = $"{message.ProgramName}: {message.Title}",
            ["blocks"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "header",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(message.Title, SlackHeaderMax), ["emoji"] = true },
                },
                new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(SafeMarkdown.ToSlack(message.MarkdownBody), SlackSectionMax) },
                },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = context }),
                }),
        };
        return body.ToJsonString(Options);
    }

    public static string Teams(ChannelMessage message)
    {
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = new JsonArray(
                new JsonObject { ["type"] = "TextBlock", ["text"] = message.Title, ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true },
                // TextBlock reads a Markdown subset itself (bold, italic, lists, links) and no HTML.
                new JsonObject { ["type"] = "TextBlock", ["text"] = message.MarkdownBody, ["wrap"] = true },
                new JsonObject
                {
                    ["type"] = "TextBlock",
                    ["text"] = message.ProgramName + (message.AudienceLabel is null ? "" : " · " + message.AudienceLabel),
                    ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true,
                }),
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in Tandem", ["url"] = message.Link }),
        };
        var body = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
        return body.ToJsonString(Options);
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
