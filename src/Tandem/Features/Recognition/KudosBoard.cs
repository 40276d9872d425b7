using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
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
/// Kudos: a member of a pair or group thanks another member of it, or a coordinator thanks one of the program's
/// participants. The recipient is notified. Each person reads what they sent and received; the program's coordinators
/// read the program's kudos; nobody else finds any.
/// </summary>
public sealed class KudosBoard(TandemDb db, ProgramAccess programs, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<KudosView>> SendAsync(Actor actor, SendKudosRequest request, CancellationToken ct)
    {
        var programId = request.ProgramId!.Value;
        var recipient = request.RecipientUserId!.Value;
        var message = request.Message?.Trim() ?? "";
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
        var coordinator = await programs.Visible(actor).Where(p => p.Id == programId).AnyAsync(programs.Manageable(actor), ct);
        var allowed = coordinator
            ? await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == recipient
                && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer), ct)
            : await SharedRelationships(programId, actor.UserId).AnyAsync(r => r.Members.Any(m => m.UserId == recipient), ct);
        if (!allowed)
        {
            // The same answer whether or not the person exists: kudos reveal nobody.
            return Invalid.Field(nameof(request.RecipientUserId), coordinator
                ? "Kudos go to a participant of this program."
                : "You can send kudos to the members of your own pairs and groups in this program.");
        }
        var kudos = new Kudos(programId, actor.UserId, recipient, message, coordinator, clock.GetUtcNow().UtcDateTime);
        db.Add(kudos);
        await db.SaveChangesAsync(ct);
        var from = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        // The notice and its e-mail say who and where, not the words: those stay in one place, where retention and erasure reach them.
        await notify.RunAsync(recipient, NotificationKind.ProgramUpdates, $"Kudos from {from}",
            $"{from} thanked you in {program.Name}. Read it on My recognition.", "/my/recognition", ct);
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

    /// <summary>The program's kudos, newest first (its coordinators).</summary>
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
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>Whom the reader may thank: the other members of their pairs and groups.</summary>
    public async Task<IReadOnlyList<KudosRecipient>> RecipientsAsync(Actor actor, CancellationToken ct) =>
        await db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId)
            .Join(db.Set<RelationshipMember>(), mine => mine.RelationshipId, other => other.RelationshipId, (mine, other) => other)
            .Where(other => other.UserId != actor.UserId)
            .Join(db.Set<Relationship>(), m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, r.ProgramId })
            .Join(db.Programs, x => x.ProgramId, p => p.Id, (x, p) => new { x.UserId, x.ProgramId, ProgramName = p.Name })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new KudosRecipient(x.ProgramId, x.ProgramName, x.UserId, u.DisplayName))
            .Distinct().Take(200).ToListAsync(ct);

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
