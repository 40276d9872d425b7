using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class DecideRequest
{
    [Required]
    public Decision? Decision { get; set; }

    [StringLength(2000)]
    public string? Message { get; set; }

    /// <summary>Mentees a mentor takes; set when approving a mentor (default 1).</summary>
    [Range(1, 20)]
    public int? MentorCapacity { get; set; }
}

public sealed class BulkDecideRequest
{
    [Required, MinLength(1), MaxLength(BulkDecideRequest.MaxApplications)]
    public List<Guid> ApplicationIds { get; set; } = [];

    [Required]
    public Decision? Decision { get; set; }

    [StringLength(2000)]
    public string? Message { get; set; }

    [Range(1, 20)]
    public int? MentorCapacity { get; set; }

    public const int MaxApplications = 500;
}

public sealed record DecisionResult(Guid ApplicationId, ApplicationStatus Status, Guid? EnrolmentId);

/// <summary>
/// A coordinator approves, declines (with an optional message) or waitlists one or many submitted applications,
/// all or nothing. Approval enrols the applicant in the program with the role applied for (a mentor with a capacity); an
/// applicant whose account is disabled or erased is not approved (ADR 118).
/// Each applicant the program may contact (ADR 48) is then told, in the app and by e-mail (their preference allowing), with
/// the coordinator's message; the decision row keeps the notification so the coordinator sees who has been told.
/// </summary>
public sealed class DecideApplications(TandemDb db, ScreeningAccess access, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<List<DecisionResult>>> RunAsync(Actor actor, Guid programId, BulkDecideRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value.Program;
        if (program.Status == ProgramStatus.Closed)
        {
            return new Conflict("A closed program takes no more decisions.");
        }
        if (request.Decision is { } given && !Enum.IsDefined(given))
        {
            // A page form's "7" parses as a Decision; it is none of them.
            return Invalid.Field(nameof(request.Decision), "Choose approve, waitlist or decline.");
        }
        var ids = request.ApplicationIds.Distinct().ToList();
        if (ids.Count == 0 || ids.Count > BulkDecideRequest.MaxApplications)
        {
            return Invalid.Field(nameof(request.ApplicationIds), $"Choose between 1 and {BulkDecideRequest.MaxApplications} applications.");
        }
        // A browser posts a text area's line breaks as CRLF and counts them as one character (maxlength): so does this.
        var typed = request.Message?.ReplaceLineEndings("\n");
        if (typed?.Trim().Length > 2000)
        {
            return Invalid.Field(nameof(request.Message), "Keep the message to 2000 characters or fewer.");
        }
        if (request.MentorCapacity is < 1 or > 20)
        {
            return Invalid.Field(nameof(request.MentorCapacity), "A mentor takes between 1 and 20 mentees.");
        }
        var decision = request.Decision ?? Decision.Waitlist;
        var applications = await db.Set<Application>()
            .Where(a => a.ProgramId == programId && ids.Contains(a.Id) && a.Status != ApplicationStatus.Draft)
            .ToListAsync(ct);
        var missing = ids.Except(applications.Select(a => a.Id)).ToList();
        if (applications.Any(a => a.UserId == actor.UserId))
        {
            return new Forbidden("Your own application is decided by another coordinator of the program or an administrator; nothing was changed.");
        }
        if (missing.Count > 0)
        {
            return new NotFound($"No submitted application in this program with the id {string.Join(", ", missing)}.");
        }
        var settled = applications.Where(a => !a.IsDecidable).ToList();
        if (settled.Count > 0)
        {
            return new Conflict("Already decided (approved or declined) or withdrawn by the applicant, nothing was changed: "
                + string.Join(", ", settled.Select(a => $"{a.Id} ({a.Status})")) + ".");
        }

        var userIds = applications.Select(a => a.UserId).Distinct().ToList();
        if (decision == Decision.Approve)
        {
            // Approval enrols the applicant and makes them a member of the organisation: a disabled (or erased) account is
            // neither. The batch is refused as a whole, naming whom, as a settled application refuses it (ADR 118).
            var disabled = await db.Users.Where(u => userIds.Contains(u.Id) && u.IsDisabled)
                .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
            if (disabled.Count > 0)
            {
                return new Conflict("An applicant's account is disabled, so they cannot be approved; nothing was changed. Decline or waitlist: "
                    + string.Join(", ", applications.Where(a => disabled.Any(d => d.Id == a.UserId))
                        .Select(a => $"{disabled.First(d => d.Id == a.UserId).DisplayName} ({a.Id})")) + ".");
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var message = string.IsNullOrWhiteSpace(typed) ? null : typed.Trim();
        var enrolments = await db.Enrolments.Where(e => e.ProgramId == programId && userIds.Contains(e.UserId)).ToListAsync(ct);
        var members = await db.OrganisationMemberships.Where(m => m.OrganisationId == program.OrganisationId && userIds.Contains(m.UserId))
            .Select(m => m.UserId).ToListAsync(ct);
        var results = new List<DecisionResult>();
        var rows = new List<(Application Application, ApplicationDecision Decision)>();
        foreach (var application in applications)
        {
            int? capacity = decision == Decision.Approve && application.Role == ProgramRole.Mentor ? request.MentorCapacity ?? 1 : null;
            application.Decide(decision, actor.UserId, now, message, capacity);
            var row = new ApplicationDecision(application.Id, decision, actor.UserId, now, message, capacity);
            db.Add(row);
            rows.Add((application, row));
            Guid? enrolmentId = null;
            if (decision == Decision.Approve)
            {
                var enrolment = enrolments.FirstOrDefault(e => e.UserId == application.UserId && e.Role == application.Role);
                if (enrolment is null)
                {
                    enrolment = new Enrolment(programId, application.UserId, application.Role, now);
                    enrolments.Add(enrolment);
                    db.Enrolments.Add(enrolment);
                }
                enrolmentId = enrolment.Id;
                if (!members.Contains(application.UserId))
                {
                    members.Add(application.UserId);
                    db.OrganisationMemberships.Add(new OrganisationMembership(program.OrganisationId, application.UserId, OrganisationRole.Member, now));
                }
            }
            results.Add(new DecisionResult(application.Id, application.Status, enrolmentId));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict("Someone decided some of these applications at the same moment; nothing was changed. Reload and try again.");
        }

        // The decisions are committed; telling people comes after, so a mail server that is down delays nobody's decision.
        // Only those the program may contact are told (ADR 48's consent gate, ADR 104): a child whose guardian has not
        // consented hears nothing, and their decision stays "not told" for the coordinator.
        var notices = await notify.StoreToProgramAsync(programId, rows.Select(r => DecisionNotice.For(r.Application, program.Name, decision, message)).ToList(), CancellationToken.None);
        // The notices keep the rows' order, without those held back: one person may have two applications (mentor and mentee).
        var unclaimed = notices.ToList();
        foreach (var (application, row) in rows)
        {
            if (unclaimed.FirstOrDefault(n => n.UserId == application.UserId) is { } notice)
            {
                unclaimed.Remove(notice);
                row.Told(notice.Id);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await notify.EmailAsync(notices, CancellationToken.None);
        return results.OrderBy(r => ids.IndexOf(r.ApplicationId)).ToList();
    }
}
