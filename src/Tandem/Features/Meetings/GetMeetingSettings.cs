using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>The organisation's meeting settings with its name, for the settings page.</summary>
public sealed record MeetingSettingsDetails(Guid OrganisationId, string OrganisationName, VideoLinkPolicy VideoLinks, bool IsDefault);

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
