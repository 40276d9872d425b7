using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tandem.Features.Integrations;

/// <summary>A template message to send: which template (by kind) and its body parameters, in order ({{1}}, {{2}}, …).</summary>
public sealed record WhatsAppMessage(WhatsAppMessageKind Kind, IReadOnlyList<string> Parameters);

/// <summary>
/// The WhatsApp Business Cloud API's "send a template message" body (docs/formats.md, section WhatsApp; ADR 69):
/// <c>POST {base}/{version}/{phone-number-id}/messages</c> with <c>Authorization: Bearer {token}</c> and
/// <c>{"messaging_product":"whatsapp","recipient_type":"individual","to":"{digits}","type":"template","template":{"name":…,
/// "language":{"code":…},"components":[{"type":"body","parameters":[{"type":"text","text":…},…]}]}}</c>.
/// The outbox stores the body without <c>to</c>; the recipient's number is read and put in at each attempt, so an opt-out
/// or an erasure stops the message and no number waits in the outbox.
/// </summary>
public static partial class WhatsAppPayloads
{
    /// <summary>The longest a parameter is made (the template's whole body may not pass 1,024 characters).</summary>
    public const int ParameterMax = 200;

    /// <summary>How much of an announcement's text goes: a short plain-text opening, never the whole of it.</summary>
    public const int ShortTextMax = 160;

    /// <summary>Graph's throttling codes (answered with 400 or 429): worth trying again after the backoff.</summary>
    public static readonly int[] ThrottlingCodes = [4, 80007, 130429, 131048, 131056];

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[a-z0-9_]{1,512}$")]
    private static partial Regex TemplateName();

    [GeneratedRegex(@"^[a-z]{2,3}(_[A-Z]{2})?$")]
    private static partial Regex Language();

    [GeneratedRegex(@"^[0-9]{5,30}$")]
    private static partial Regex PhoneNumberId();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A number as E.164 (a +, then 8 to 15 digits, the first not 0), spaces, dashes, dots and brackets taken out; null when it is not one.</summary>
    public static string? Normalise(string? number)
    {
        if (number is null)
        {
            return null;
        }
        var compact = new string(number.Trim().Where(c => c is not (' ' or '-' or '.' or '(' or ')')).ToArray());
        return E164().IsMatch(compact) ? compact : null;
    }

    public static bool IsTemplateName(string value) => TemplateName().IsMatch(value);

    public static bool IsLanguage(string value) => Language().IsMatch(value);

    public static bool IsPhoneNumberId(string value) => PhoneNumberId().IsMatch(value);

    /// <summary>
    /// A parameter as the Cloud API takes it: no new lines or tabs, no run of spaces (error 132018), never empty, clipped.
    /// </summary>
    public static string Parameter(string? text, int max = ParameterMax)
    {
        var flat = Spaces().Replace(text ?? "", " ").Trim();
        if (flat.Length == 0)
        {
            return "-";
        }
        return flat.Length <= max ? flat : flat[..(max - 1)].TrimEnd() + "…";
    }

    /// <summary>The stored body: everything but the recipient.</summary>
    public static string Template(string name, string language, IEnumerable<string> parameters)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["type"] = "template",
            ["template"] = new JsonObject
            {
                ["name"] = name,
                ["language"] = new JsonObject { ["code"] = language },
                ["components"] = new JsonArray(new JsonObject
                {
                    ["type"] = "body",
                    ["parameters"] = new JsonArray(parameters.Select(p => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = Parameter(p) }).ToArray()),
                }),
            },
        };
        return body.ToJsonString(Options);
    }

    /// <summary>The body posted: the stored one with <c>to</c> (the number's digits, without the +) after <c>recipient_type</c>.</summary>
    public static string WithRecipient(string stored, string number)
    {
        var template = JsonNode.Parse(stored)!.AsObject();
        var body = new JsonObject
        {
            ["messaging_product"] = template["messaging_product"]?.DeepClone(),
            ["recipient_type"] = template["recipient_type"]?.DeepClone(),
            ["to"] = number.TrimStart('+'),
            ["type"] = template["type"]?.DeepClone(),
            ["template"] = template["template"]?.DeepClone(),
        };
        return body.ToJsonString(Options);
    }

    /// <summary>
    /// Whether a Graph error answer is worth another attempt: a 5xx, a time-out, 429, or a throttling code; any other 4xx
    /// (a bad token, template, parameter or number) will fail the same way again and is given up at once.
    /// </summary>
    public static bool Retryable(int status, int? errorCode) =>
        status is >= 500 or 408 or 429 || (errorCode is { } c && ThrottlingCodes.Contains(c));

    /// <summary>Graph's error code (<c>{"error":{"code":…}}</c>) in an answer, or null when it has none or is not JSON.</summary>
    public static int? ErrorCode(string answer)
    {
        try
        {
            return JsonNode.Parse(answer)?["error"]?["code"]?.GetValue<int>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
