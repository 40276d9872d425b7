using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

public sealed record MeetingSettingsView(Guid OrganisationId, VideoLinkPolicy VideoLinks);

public sealed record MeetingSettingsRequest(VideoLinkPolicy VideoLinks);

/// <summary>Sets how an organisation's online meetings get links (organisation coordinators and administrators).</summary>
public sealed class ChangeMeetingSettings(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<MeetingSettingsView>> RunAsync(Actor actor, Guid organisationId, VideoLinkPolicy policy, CancellationToken ct = default)
    {
        if (await MeetingSettingsAccess.CheckAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        // The settings page binds the policy through Blazor, which reads a number too ("VideoLinks=7"): stored, it would make
        // every JSON read of the settings fail (ADR 110).
        if (!Enum.IsDefined(policy))
        {
            return Invalid.Field(nameof(MeetingSettingsRequest.VideoLinks), "Choose generated Jitsi Meet rooms or pasted links.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.SaveOverFirstAsync(async () =>
        {
            var settings = await db.Set<MeetingSettings>().SingleOrDefaultAsync(s => s.OrganisationId == organisationId, ct);
            if (settings is null)
            {
                db.Add(new MeetingSettings(organisationId, policy, now));
            }
            else
            {
                settings.Change(policy, now);
            }
            return new MeetingSettingsView(organisationId, policy);
        }, ct);
    }
}
