using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>Video links by the organisation's policy: a generated Jitsi Meet room, or a pasted Zoom/Teams/Meet link.</summary>
public sealed class MeetingLinks(TandemDb db)
{
    public const string JitsiBase = "https://meet.jit.si/";

    private static readonly string[] AllowedHosts = ["zoom.us", "teams.microsoft.com", "teams.live.com", "meet.google.com"];

    public async Task<VideoLinkPolicy> PolicyAsync(Guid organisationId, CancellationToken ct) =>
        await db.Set<MeetingSettings>().Where(s => s.OrganisationId == organisationId).Select(s => (VideoLinkPolicy?)s.Policy).SingleOrDefaultAsync(ct)
        ?? VideoLinkPolicy.GeneratedJitsi;

    public async Task<Outcome<string>> LinkForAsync(Guid organisationId, string? pasted, CancellationToken ct)
    {
        if (await PolicyAsync(organisationId, ct) == VideoLinkPolicy.GeneratedJitsi)
        {
            return GenerateJitsi();
        }
        return CheckPasted(pasted);
    }

    /// <summary>An unguessable room name: anyone with the link can join, so it must not be enumerable.</summary>
    public static string GenerateJitsi() =>
        JitsiBase + "Tandem-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static Outcome<string> CheckPasted(string? pasted)
    {
        if (string.IsNullOrWhiteSpace(pasted))
        {
            return Invalid.Field("VideoLink", "Paste the Zoom, Microsoft Teams or Google Meet link for this meeting.");
        }
        if (!Uri.TryCreate(pasted.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return Invalid.Field("VideoLink", "The video link must be an https:// address.");
        }
        var host = uri.IdnHost.ToLowerInvariant();
        if (!AllowedHosts.Any(h => host == h || host.EndsWith("." + h, StringComparison.Ordinal)))
        {
            return Invalid.Field("VideoLink", "Only Zoom (zoom.us), Microsoft Teams (teams.microsoft.com, teams.live.com) and Google Meet (meet.google.com) links are accepted.");
        }
        // Stored as written out (AbsoluteUri: spaces and other characters percent-encoded), which may be longer than what was pasted.
        if (uri.AbsoluteUri.Length > 500)
        {
            return Invalid.Field("VideoLink", "The video link is at most 500 characters.");
        }
        return uri.AbsoluteUri;
    }
}
