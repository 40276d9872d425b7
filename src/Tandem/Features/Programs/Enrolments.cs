using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

public sealed class EnrolRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public ProgramRole? Role { get; set; }
}

public sealed record EnrolmentView(Guid Id, Guid UserId, string DisplayName, string Email, ProgramRole Role, DateTime EnrolledAt);

/// <summary>A coordinator gives an existing account a role in the program (it joins the organisation as a member).</summary>
public sealed class EnrolParticipant(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<EnrolmentView>> RunAsync(Actor actor, Guid programId, EnrolRequest request, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var role = request.Role ?? ProgramRole.Mentee;
        if (program.Pairing == PairingModel.PeerToPeer && role is ProgramRole.Mentor or ProgramRole.Mentee)
        {
            return Invalid.Field(nameof(request.Role), "A peer-to-peer program enrols participants as Peer.");
        }
        if (program.Pairing == PairingModel.MentorMentee && role == ProgramRole.Peer)
        {
            return Invalid.Field(nameof(request.Role), "A mentor-mentee program enrols participants as Mentor or Mentee.");
        }
        var email = request.Email.Trim().ToUpperInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == email, ct);
        if (user is null)
        {
            return Invalid.Field(nameof(request.Email), "No account has this e-mail address.");
        }
        if (await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == user.Id && e.Role == role, ct))
        {
            return new Conflict($"{user.DisplayName} is already enrolled as {role}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == program.OrganisationId && m.UserId == user.Id, ct))
        {
            db.OrganisationMemberships.Add(new OrganisationMembership(program.OrganisationId, user.Id, OrganisationRole.Member, now));
        }
        var enrolment = new Enrolment(programId, user.Id, role, now);
        db.Enrolments.Add(enrolment);
        await db.SaveChangesAsync(ct);
        return new EnrolmentView(enrolment.Id, user.Id, user.DisplayName, user.Email ?? "", role, now);
    }
}

/// <summary>The program's roster, for its coordinators.</summary>
public sealed class ListEnrolments(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<EnrolmentView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, ProgramRole? role, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var enrolments = db.Enrolments.Where(e => e.ProgramId == programId);
        if (role is { } r)
        {
            enrolments = enrolments.Where(e => e.Role == r);
        }
        var total = await enrolments.CountAsync(ct);
        var items = await enrolments
            .OrderBy(e => e.Role).ThenBy(e => e.User!.DisplayName).ThenBy(e => e.Id)
            .Page(paging)
            .Select(e => new EnrolmentView(e.Id, e.UserId, e.User!.DisplayName, e.User.Email ?? "", e.Role, e.EnrolledAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
