using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>The organisation's meeting settings with its name, for the settings page.</summary>
public sealed record MeetingSettingsDetails(Guid OrganisationId, string OrganisationName, VideoLinkPolicy VideoLinks, bool IsDefault);

/// <summary>
/// Who sees and changes an organisation's meeting settings: its coordinators and administrators. Members
/// of the organisation with another role get 403; everyone else 404 (the organisation is not visible).
/// </summary>
internal static class MeetingSettingsAccess
{
    public static async Task<Failure?> CheckAsync(TandemDb db, Actor actor, Guid organisationId, CancellationToken ct)
    {
        var visible = actor.IsAdministrator
            ? await db.Organisations.AnyAsync(o => o.Id == organisationId, ct)
            : await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == actor.UserId, ct);
        if (!visible)
        {
            return new NotFound("No organisation with this id is visible to you.");
        }
        var manages = actor.IsAdministrator || await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId
            && m.UserId == actor.UserId && m.Role == OrganisationRole.Coordinator, ct);
        return manages ? null : new Forbidden("Only the organisation's coordinators choose how video links are made.");
    }
}

/// <summary>Reads how an organisation's online meetings get links (organisation coordinators and administrators).</summary>
public sealed class GetMeetingSettings(TandemDb db)
{
    public async Task<Outcome<MeetingSettingsDetails>> RunAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        if (await MeetingSettingsAccess.CheckAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var found = await db.Organisations.Where(o => o.Id == organisationId)
            .Select(o => new
            {
                o.Name,
                Policy = db.Set<MeetingSettings>().Where(s => s.OrganisationId == o.Id).Select(s => (VideoLinkPolicy?)s.Policy).FirstOrDefault(),
            })
            .SingleAsync(ct);
        return new MeetingSettingsDetails(organisationId, found.Name, found.Policy ?? VideoLinkPolicy.GeneratedJitsi, found.Policy is null);
    }
}
