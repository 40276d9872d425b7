using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
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

/// <summary>
/// Staff (or a coordinator) of the program recommend a student for a role with a short statement.
/// The nominee is invited unless they already hold an open invitation or are known to the program as an applicant (an
/// application, or held back by the consent gate: ADR 106); the recommendation is kept for the review queue either way.
/// </summary>
public sealed class NominateCandidate(TandemDb db, ProgramAccess access, IProgramApplicants applicants, InvitationMailer mailer, IOptions<RecruitmentOptions> options,
    TimeProvider clock)
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
        // Linked now only to a member of the program's organisation; anyone else is linked when they accept the
        // invitation. Looking the address up in the whole installation would tell the nominator who has an account.
        var nomineeId = await db.OrganisationMemberships
            .Where(m => m.OrganisationId == program.OrganisationId && m.User!.NormalizedEmail == normalized)
            .Select(m => (Guid?)m.UserId).SingleOrDefaultAsync(ct);
        Nomination nomination;
        (Invitation, string)? invitation = null;
        // Checked and inserted as one unit behind the program's row lock: a double submit's second request sees the first's invitation.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await RecruitmentRules.LockProgramAsync(db, programId, ct))
            {
                return new NotFound("No program with this id is visible to you.");
            }
            var taken = await RecruitmentRules.TakenAsync(db, applicants, programId, [normalized], now, ct);
            if (taken.Enrolled.Count > 0)
            {
                return new Conflict($"{email} already takes part in this program.");
            }
            nomination = new Nomination(programId, email, nomineeId, role, statement, actor.UserId, now);
            db.Add(nomination);
            if (taken.Invited.Count == 0 && taken.Applied.Count == 0)
            {
                var (token, hash) = Invitation.NewToken();
                var created = Invitation.ToApply(program, email, role, InvitationSource.Nomination, actor.UserId, hash, now,
                    now.AddDays(options.Value.InvitationLifetimeDays),
                    new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
                db.Add(created);
                invitation = (created, token);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (invitation is { } sent)
        {
            await mailer.SendAsync([sent], ct);
        }
        var by = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";
        return new NominationView(nomination.Id, programId, email, nomineeId, role, statement, actor.UserId, by, now, invitation is not null);
    }
}
