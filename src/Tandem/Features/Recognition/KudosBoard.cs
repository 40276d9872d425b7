using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recognition;

public sealed class SendKudosRequest
{
    [Required]
    public Guid? ProgramId { get; set; }

    [Required]
    public Guid? RecipientUserId { get; set; }

    [Required]
    [StringLength(Kudos.MessageMax)]
    public string? Message { get; set; }
}

/// <summary>
/// Kudos: a member of an active pair or group thanks another member of it, or a coordinator thanks one of the program's
/// participants; never someone whose account is disabled, nor someone the program may not contact (ADR 48). The recipient
/// is notified. Each person reads what they sent and received; the program's coordinators read the program's kudos (a
/// read of minors' words, written to the audit log); nobody else finds any.
/// </summary>
public sealed class KudosBoard(TandemDb db, ProgramAccess programs, Notify notify, IProgramConsent consent, IProgramRetention retention, AuditLog audit,
    TimeProvider clock)
{
    /// <summary>Kudos after retention anonymised the program would be kept for good: retention runs once (ADR 108, ADR 113).</summary>
    public const string Retained = "This program's data has been anonymised after it closed, so it takes no more kudos.";

    /// <summary>
    /// The answer to a participant who thanks a partner the program may not contact now: the same whatever the reason, so
    /// that it tells a peer nothing about their partner's consent.
    /// </summary>
    public const string NotNow = "You cannot send kudos to this person now.";

    public async Task<Outcome<KudosView>> SendAsync(Actor actor, SendKudosRequest request, CancellationToken ct)
    {
        var programId = request.ProgramId!.Value;
        var recipient = request.RecipientUserId!.Value;
        // A text box sends a line break as CRLF and counts it as one character, as its maxlength does (ADR 113).
        var message = request.Message?.Replace("\r\n", "\n").Trim() ?? "";
        if (message.Length == 0)
        {
            return Invalid.Field(nameof(request.Message), "Write a few words of thanks.");
        }
        if (message.Length > Kudos.MessageMax)
        {
            return Invalid.Field(nameof(request.Message), $"Kudos are short: at most {Kudos.MessageMax} characters.");
        }
        if (recipient == actor.UserId)
        {
            return Invalid.Field(nameof(request.RecipientUserId), "Kudos go to someone else.");
        }
        var program = await programs.Visible(actor).Where(p => p.Id == programId).Select(p => new { p.Id, p.Name }).SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var coordinator = await programs.Visible(actor).Where(p => p.Id == programId).AnyAsync(programs.Manageable(actor), ct);
        var enabled = db.Users.Where(u => !u.IsDisabled).Select(u => u.Id);
        var allowed = coordinator
            ? await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == recipient && enabled.Contains(e.UserId)
                && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer), ct)
            : await SharedRelationships(programId, actor.UserId)
                .AnyAsync(r => r.Status == RelationshipStatus.Active && r.Members.Any(m => m.UserId == recipient && enabled.Contains(m.UserId)), ct);
        if (!allowed)
        {
            // The same answer whether or not the person exists: kudos reveal nobody.
            return Invalid.Field(nameof(request.RecipientUserId), coordinator
                ? "Kudos go to a participant of this program whose account is open."
                : "You can send kudos to the members of your own active pairs and groups in this program.");
        }
        if ((await consent.UnconsentedAmongAsync(programId, [recipient], ct)).Count > 0)
        {
            // ADR 48: the program may not contact them (a guardian's consent awaited, refused or withdrawn), so no kudos
            // and no notice. Coordinators see consent on the consent page; a peer learns nothing about it.
            return new Conflict(coordinator
                ? "The program may not contact this participant now: their consent to the program is not given (see the program's consents)."
                : NotNow);
        }
        var kudos = new Kudos(programId, actor.UserId, recipient, message, coordinator, clock.GetUtcNow().UtcDateTime);
        db.Add(kudos);
        await db.SaveChangesAsync(ct);
        var from = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        // The notice and its e-mail say who and where, not the words: those stay in one place, where retention and erasure reach them.
        await notify.ToProgramAsync(programId, [new NotificationMessage(recipient, NotificationKind.ProgramUpdates, $"Kudos from {from}",
            $"{from} thanked you in {program.Name}. Read it on My recognition.", "/my/recognition")], ct);
        return (await ViewsAsync(db.Set<Kudos>().Where(k => k.Id == kudos.Id), ct)).Single();
    }

    /// <summary>What the reader received and sent, newest first.</summary>
    public async Task<Paged<KudosView>> MineAsync(Actor actor, int page, int pageSize, CancellationToken ct)
    {
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<Kudos>().Where(k => k.ToUserId == actor.UserId || k.FromUserId == actor.UserId);
        var items = await ViewsAsync(query.OrderByDescending(k => k.SentAt).ThenByDescending(k => k.Id).Page(request), ct);
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>The program's kudos, newest first (its coordinators; the minors among the page's senders and recipients get an audit entry).</summary>
    public async Task<Outcome<Paged<KudosView>>> ProgramAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators read all of its kudos.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<Kudos>().Where(k => k.ProgramId == programId);
        var items = await ViewsAsync(query.OrderByDescending(k => k.SentAt).ThenByDescending(k => k.Id).Page(request), ct);
        // Minors' words of thanks, sent or received, read by staff: on the audit log before they are shown (ADR 40, 63).
        await audit.RecordAsync(actor, items.SelectMany(k => new[] { k.FromUserId, k.ToUserId }).ToList(), AuditRecord.Recognition, null, programId,
            "Reading the program's kudos", ct);
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>
    /// Whom the reader may thank: the other members of their active pairs and groups, without disabled accounts or people
    /// their program may not contact now.
    /// </summary>
    public async Task<IReadOnlyList<KudosRecipient>> RecipientsAsync(Actor actor, CancellationToken ct)
    {
        var candidates = await db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId)
            .Join(db.Set<RelationshipMember>(), mine => mine.RelationshipId, other => other.RelationshipId, (mine, other) => other)
            .Where(other => other.UserId != actor.UserId)
            .Join(db.Set<Relationship>().Where(r => r.Status == RelationshipStatus.Active), m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, r.ProgramId })
            .Join(db.Programs, x => x.ProgramId, p => p.Id, (x, p) => new { x.UserId, x.ProgramId, ProgramName = p.Name })
            .Join(db.Users.Where(u => !u.IsDisabled), x => x.UserId, u => u.Id, (x, u) => new KudosRecipient(x.ProgramId, x.ProgramName, x.UserId, u.DisplayName))
            .Distinct().Take(200).ToListAsync(ct);
        // One question per program (a person is in one or two): the list offers nobody a send would refuse.
        var recipients = new List<KudosRecipient>();
        foreach (var program in candidates.GroupBy(c => c.ProgramId))
        {
            var unconsented = await consent.UnconsentedAmongAsync(program.Key, program.Select(c => c.UserId).ToList(), ct);
            recipients.AddRange(program.Where(c => !unconsented.Contains(c.UserId)));
        }
        return recipients;
    }

    private IQueryable<Relationship> SharedRelationships(Guid programId, Guid userId) =>
        db.Set<Relationship>().Where(r => r.ProgramId == programId && r.Members.Any(m => m.UserId == userId));

    private async Task<List<KudosView>> ViewsAsync(IQueryable<Kudos> kudos, CancellationToken ct) =>
        await kudos.Join(db.Programs, k => k.ProgramId, p => p.Id, (k, p) => new { k, ProgramName = p.Name })
            .Join(db.Users, x => x.k.FromUserId, u => u.Id, (x, u) => new { x.k, x.ProgramName, FromName = u.DisplayName })
            .Join(db.Users, x => x.k.ToUserId, u => u.Id, (x, u) => new { x.k, x.ProgramName, x.FromName, ToName = u.DisplayName })
            .OrderByDescending(x => x.k.SentAt)
            .Select(x => new KudosView(x.k.Id, x.k.ProgramId, x.ProgramName, x.k.FromUserId, x.FromName, x.k.ToUserId, x.ToName,
                x.k.Message, x.k.FromCoordinator, x.k.SentAt))
            .ToListAsync(ct);
}
