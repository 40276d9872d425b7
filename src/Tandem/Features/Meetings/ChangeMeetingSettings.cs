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
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = await db.Set<MeetingSettings>().SingleOrDefaultAsync(s => s.OrganisationId == organisationId, ct);
        if (settings is null)
        {
            db.Add(new MeetingSettings(organisationId, policy, now));
        }
        else
        {
            settings.Change(policy, now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two first saves at once: the other one inserted the row; apply ours over it.
            db.ChangeTracker.Clear();
            await db.Set<MeetingSettings>().Where(s => s.OrganisationId == organisationId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Policy, policy).SetProperty(m => m.UpdatedAt, now), ct);
        }
        return new MeetingSettingsView(organisationId, policy);
    }
}
