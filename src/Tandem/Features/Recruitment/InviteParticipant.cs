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
public sealed class InviteParticipant(TandemDb db, ProgramAccess access, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
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
        var (enrolled, invited) = await RecruitmentRules.TakenAsync(db, programId, [normalized], now, ct);
        if (enrolled.Count > 0)
        {
            return new Conflict($"{email} is already taking part in this program.");
        }
        if (invited.Count > 0)
        {
            return new Conflict($"{email} already has an open invitation to this program; resend it instead.");
        }
        var (token, hash) = Invitation.NewToken();
        var invitation = Invitation.ToApply(program, email, role, InvitationSource.Direct, actor.UserId == Guid.Empty ? null : actor.UserId,
            hash, now, now.AddDays(options.Value.InvitationLifetimeDays),
            new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
        db.Add(invitation);
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}
