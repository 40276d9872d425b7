using System.Net;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Integrations;

/// <summary>
/// What a webhook address may be: an absolute https address with a host name (no credentials in it, no IP address of a
/// private or local network, so a coordinator cannot aim Tandem's posts at the machines around it), at most
/// <see cref="Max"/> characters. With Integrations:AllowLoopbackHttp, http://127.0.0.1 is accepted too (the tests' receiver).
/// </summary>
public static class WebhookAddress
{
    public const int Max = 500;

    public static Outcome<Uri> Check(string field, string value, bool allowLoopbackHttp)
    {
        var text = value.Trim();
        // The address is stored as written out (AbsoluteUri: spaces and other characters percent-encoded), so that is what is measured.
        if (text.Length > Max || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.AbsoluteUri.Length > Max)
        {
            return Invalid.Field(field, $"The webhook address must be an absolute https address of at most {Max} characters.");
        }
        var loopback = allowLoopbackHttp && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && IPAddress.TryParse(uri.Host.Trim('[', ']'), out _);
        if (uri.Scheme != Uri.UriSchemeHttps && !loopback)
        {
            return Invalid.Field(field, "The webhook address must start with https:// (Slack and Teams give https addresses).");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return Invalid.Field(field, "The webhook address must not hold a user name, password or #fragment.");
        }
        if (!loopback && (uri.IsLoopback || uri.HostNameType is not UriHostNameType.Dns || !uri.Host.Contains('.')))
        {
            return Invalid.Field(field, "The webhook address must name a public host (such as hooks.slack.com), not an IP address or a local name.");
        }
        return uri;
    }

    /// <summary>The address as a coordinator may see it: scheme, host, and the last four characters of the secret path.</summary>
    public static string Mask(Uri uri)
    {
        var rest = uri.PathAndQuery;
        var tail = rest.Length > 4 ? rest[^4..] : "";
        return $"{uri.Scheme}://{uri.Authority}/…{tail}";
    }
}
