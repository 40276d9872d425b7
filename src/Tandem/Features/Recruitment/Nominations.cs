using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class NominateRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public ProgramRole? Role { get; set; }

    [Required, StringLength(Nomination.StatementMaxLength, MinimumLength = 10)]
    public string Statement { get; set; } = "";

    [StringLength(100)]
    public string? FirstName { get; set; }

    [StringLength(100)]
    public string? LastName { get; set; }
}

public sealed record NominationView(
    Guid Id, Guid ProgramId, string NomineeEmail, Guid? NomineeUserId, ProgramRole Role, string Statement,
    Guid NominatedByUserId, string NominatedBy, DateTime CreatedAt, bool Invited);

/// <summary>
/// Staff (or a coordinator) of the program recommend a student for a role with a short statement.
/// The nominee is invited unless they already hold an open invitation; the recommendation is kept
/// for the review queue either way.
/// </summary>
public sealed class NominateCandidate(TandemDb db, ProgramAccess access, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    public async Task<Outcome<NominationView>> RunAsync(Actor actor, Guid programId, NominateRequest request, CancellationToken ct = default)
    {
        var visible = access.Visible(actor).Where(p => p.Id == programId);
        var program = await visible
            .Where(p => p.Enrolments.Any(e => e.UserId == actor.UserId && e.Role == ProgramRole.Staff))
            .SingleOrDefaultAsync(ct)
            ?? await visible.Where(access.Manageable(actor)).SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return await visible.AnyAsync(ct)
                ? new Forbidden("Only the program's staff and coordinators nominate candidates.")
                : new NotFound("No program with this id is visible to you.");
        }
        var role = request.Role ?? ProgramRole.Mentee;
        var email = request.Email.Trim();
        if (RecruitmentRules.CandidateProblem(program, role, email) is { } candidateProblem)
        {
            return candidateProblem;
        }
        var statement = request.Statement.Trim();
        if (statement.Length < 10)
        {
            return Invalid.Field(nameof(request.Statement), "Say in a sentence or two why you recommend them.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var normalized = Invitation.Normalize(email);
        var (enrolled, invited) = await RecruitmentRules.TakenAsync(db, programId, [normalized], now, ct);
        if (enrolled.Count > 0)
        {
            return new Conflict($"{email} already takes part in this program.");
        }
        // Linked now only to a member of the program's organisation; anyone else is linked when they accept the
        // invitation. Looking the address up in the whole installation would tell the nominator who has an account.
        var nomineeId = await db.OrganisationMemberships
            .Where(m => m.OrganisationId == program.OrganisationId && m.User!.NormalizedEmail == normalized)
            .Select(m => (Guid?)m.UserId).SingleOrDefaultAsync(ct);
        var nomination = new Nomination(programId, email, nomineeId, role, statement, actor.UserId, now);
        db.Add(nomination);
        (Invitation, string)? invitation = null;
        if (invited.Count == 0)
        {
            var (token, hash) = Invitation.NewToken();
            var created = Invitation.ToApply(program, email, role, InvitationSource.Nomination, actor.UserId, hash, now,
                now.AddDays(options.Value.InvitationLifetimeDays),
                new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
            db.Add(created);
            invitation = (created, token);
        }
        await db.SaveChangesAsync(ct);
        if (invitation is { } sent)
        {
            await mailer.SendAsync([sent], ct);
        }
        var by = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";
        return new NominationView(nomination.Id, programId, email, nomineeId, role, statement, actor.UserId, by, now, invitation is not null);
    }
}

/// <summary>The program's nominations, newest first, for its coordinators.</summary>
public sealed class ListNominations(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<NominationView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var nominations = db.Set<Nomination>().Where(n => n.ProgramId == programId);
        var total = await nominations.CountAsync(ct);
        var items = await nominations.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Page(paging)
            .Select(n => new NominationView(n.Id, n.ProgramId, n.NomineeEmail, n.NomineeUserId, n.Role, n.Statement, n.NominatedByUserId,
                db.Users.Where(u => u.Id == n.NominatedByUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", n.CreatedAt,
                db.Set<Invitation>().Any(i => i.ProgramId == n.ProgramId && i.Source == InvitationSource.Nomination && i.NormalizedEmail == n.NomineeEmail.ToUpper())))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
