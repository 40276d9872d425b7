using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>An organisation's privacy settings as its coordinators and administrators see them.</summary>
public sealed record OrganisationPrivacyView(Guid OrganisationId, string Name, bool IncludesMinors, int ConsentAge, NoticeView? PrivacyNotice);

/// <summary>The organisation's name, consent age and current privacy notice, for its coordinators and administrators.</summary>
public sealed class GetOrganisationPrivacy(TandemDb db)
{
    public async Task<Outcome<OrganisationPrivacyView>> RunAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new { o.Name, o.IncludesMinors, o.ConsentAge }).SingleAsync(ct);
        var (privacy, _) = await Notices.CurrentAsync(db, organisationId, Guid.Empty, ct);
        return new OrganisationPrivacyView(organisationId, organisation.Name, organisation.IncludesMinors, organisation.ConsentAge, privacy);
    }
}
