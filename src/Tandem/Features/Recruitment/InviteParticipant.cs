using Microsoft.EntityFrameworkCore;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class InviteRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public ProgramRole? Role { get; set; }

    [StringLength(100)]
    public string? FirstName { get; set; }

    [StringLength(100)]
    public string? LastName { get; set; }
}

/// <summary>A coordinator invites one person by e-mail to apply for a role.</summary>
public sealed class InviteParticipant(TandemDb db, ProgramAccess access, IProgramApplicants applicants, InvitationMailer mailer, IOptions<RecruitmentOptions> options,
    TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid programId, InviteRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var role = request.Role ?? ProgramRole.Mentee;
        var email = request.Email.Trim();
        if (RecruitmentRules.CandidateProblem(program, role, email) is { } candidateProblem)
        {
            return candidateProblem;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var normalized = Invitation.Normalize(email);
        // Checked and inserted as one unit behind the program's row lock: a double submit's second request sees the first's invitation.
        Invitation invitation;
        string token;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await RecruitmentRules.LockProgramAsync(db, programId, ct))
            {
                return new NotFound("No program with this id is visible to you.");
            }
            var taken = await RecruitmentRules.TakenAsync(db, applicants, programId, [normalized], now, ct);
            if (taken.Enrolled.Count > 0)
            {
                return new Conflict($"{email} is already taking part in this program.");
            }
            if (taken.Applied.Count > 0)
            {
                return new Conflict($"{email} already applied to this program.");
            }
            if (taken.Invited.Count > 0)
            {
                return new Conflict($"{email} already has an open invitation to this program; resend it instead.");
            }
            (token, var hash) = Invitation.NewToken();
            invitation = Invitation.ToApply(program, email, role, InvitationSource.Direct, actor.UserId == Guid.Empty ? null : actor.UserId,
                hash, now, now.AddDays(options.Value.InvitationLifetimeDays),
                new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
            db.Add(invitation);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}
