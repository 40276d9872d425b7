using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>What an invitation link is for, without using it (for the accept page to show before sign-in).</summary>
public sealed record InvitationPreview(
    Guid? ProgramId, string? ProgramName, ProgramRole? Role, string Email, string FirstName, string LastName, InvitationStatus Status, DateTime ExpiresAt,
    InvitationPurpose Purpose, Guid OrganisationId, string OrganisationName, OrganisationRole? OrganisationRole)
{
    /// <summary>Where the link's e-mail sends the invitee: the application form, or the accept page.</summary>
    public string LinkPath(string token) => Purpose == InvitationPurpose.Apply
        ? InvitationMailer.ApplyPath(ProgramId!.Value, Role!.Value, token)
        : InvitationMailer.AcceptPath(token);
}

/// <summary>Looks an invitation link up without using it. Unknown tokens are not found.</summary>
public sealed class FindInvitation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<InvitationPreview>> RunAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new NotFound("This invitation link is not valid.");
        }
        var hash = Invitation.Hash(token);
        var found = await db.Set<Invitation>().AsNoTracking().Where(i => i.TokenHash == hash)
            .Select(i => new
            {
                Invitation = i,
                OrganisationName = db.Organisations.Where(o => o.Id == i.OrganisationId).Select(o => o.Name).Single(),
                ProgramName = db.Programs.Where(p => p.Id == i.ProgramId).Select(p => p.Name).SingleOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return new NotFound("This invitation link is not valid. It may have been replaced by a newer one.");
        }
        var i = found.Invitation;
        return new InvitationPreview(i.ProgramId, found.ProgramName, i.Role, i.Email, i.FirstName, i.LastName, i.StatusAt(clock.GetUtcNow().UtcDateTime), i.ExpiresAt,
            i.Purpose, i.OrganisationId, found.OrganisationName, i.OrganisationRole);
    }
}
