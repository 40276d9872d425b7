using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Journal;

/// <summary>
/// A participant's own journal: write, read, edit, delete, share one entry with a relationship, download. Every query
/// starts from the signed-in author's id, so no role (coordinator, administrator) reaches another person's entries
/// here; an entry that is not the reader's own is "not found" (ADR 56).
/// </summary>
public sealed class MyJournal(TandemDb db, JournalPrompts prompts, IProgramRetention retention, TimeProvider clock)
{
    private const string Missing = "No journal entry with this id is yours.";
    public const string SharedWithInactive = "This entry is shared with a mentoring relationship that is paused or has ended: make it private first, then edit it.";
    public const string NotActive = "You can share an entry only with a mentoring relationship that is active now, not one that is paused or has ended.";

    public async Task<Paged<JournalEntryView>> ListAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<JournalEntry>().AsNoTracking().Where(e => e.AuthorUserId == actor.UserId);
        var total = await mine.CountAsync(ct);
        var items = await Views(mine.OrderByDescending(e => e.WrittenAt).ThenByDescending(e => e.Id).Page(paging)).ToListAsync(ct);
        return paging.Of(items, total);
    }

    public async Task<Outcome<JournalEntryView>> GetAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        await Views(db.Set<JournalEntry>().AsNoTracking().Where(e => e.Id == id && e.AuthorUserId == actor.UserId)).SingleOrDefaultAsync(ct) is { } view
            ? view
            : new NotFound(Missing);

    public async Task<Outcome<JournalEntryView>> WriteAsync(Actor actor, WriteJournalEntryRequest request, CancellationToken ct = default)
    {
        if (Validate(request.Body) is { } invalid)
        {
            return invalid;
        }
        JournalPrompt? prompt = null;
        if (request.PromptId is { } promptId)
        {
            var found = await prompts.FindOfferedAsync(actor, promptId, ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            prompt = found.Value;
        }
        var entry = new JournalEntry(actor.UserId, Body(request.Body), prompt, clock.GetUtcNow().UtcDateTime);
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        return View(entry);
    }

    public async Task<Outcome<JournalEntryView>> EditAsync(Actor actor, Guid id, WriteJournalEntryRequest request, CancellationToken ct = default)
    {
        if (Validate(request.Body) is { } invalid)
        {
            return invalid;
        }
        var entry = await db.Set<JournalEntry>().SingleOrDefaultAsync(e => e.Id == id && e.AuthorUserId == actor.UserId, ct);
        if (entry is null)
        {
            return new NotFound(Missing);
        }
        // What a pair that is no longer active reads stays what was shared while it was (ADR 122): new words do not reach it.
        if (entry.SharedWithRelationshipId is { } sharedWith
            && !await db.Set<Relationship>().AnyAsync(r => r.Id == sharedWith && r.Status == RelationshipStatus.Active, ct))
        {
            return new Conflict(SharedWithInactive);
        }
        entry.Edit(Body(request.Body), clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            return new NotFound(Missing); // deleted meanwhile (ADR 94)
        }
        return View(entry);
    }

    public async Task<Failure?> DeleteAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        await db.Set<JournalEntry>().Where(e => e.Id == id && e.AuthorUserId == actor.UserId).ExecuteDeleteAsync(ct) == 0 ? new NotFound(Missing) : null;

    /// <summary>Shares the entry with one relationship the author belongs to (replacing an earlier share), or takes it back.</summary>
    public async Task<Outcome<JournalEntryView>> ShareAsync(Actor actor, Guid id, Guid? relationshipId, CancellationToken ct = default)
    {
        var entry = await db.Set<JournalEntry>().SingleOrDefaultAsync(e => e.Id == id && e.AuthorUserId == actor.UserId, ct);
        if (entry is null)
        {
            return new NotFound(Missing);
        }
        if (relationshipId is not { } target)
        {
            entry.Unshare();
        }
        else
        {
            var relationship = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == target && m.UserId == actor.UserId)
                .Join(db.Set<Relationship>(), m => m.RelationshipId, r => r.Id, (m, r) => new { r.ProgramId, r.Status }).FirstOrDefaultAsync(ct);
            if (relationship is null)
            {
                return Invalid.Field("relationshipId", "You can share an entry only with a mentoring relationship you are in.");
            }
            // A paused or ended pair is no channel (ADR 122): a mentor held back by consent, or after a concern, reads nothing new.
            if (relationship.Status != RelationshipStatus.Active)
            {
                return new Conflict(NotActive);
            }
            var program = relationship.ProgramId;
            // Retention deleted the entries shared with the program's pairs once; one shared afterwards would stay (ADR 108).
            if (await retention.AnonymisedAtAsync(program, ct) is not null)
            {
                return new Conflict("That relationship's program has been anonymised after it closed, so entries are no longer shared with it.");
            }
            entry.ShareWith(target, clock.GetUtcNow().UtcDateTime);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            return new NotFound(Missing); // deleted meanwhile (ADR 94)
        }
        return View(entry);
    }

    /// <summary>Entries other members shared with the reader's relationships, newest first.</summary>
    public async Task<Paged<SharedJournalEntryView>> SharedWithMeAsync(Actor actor, Guid? relationshipId, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId).Select(m => m.RelationshipId);
        var shared = db.Set<JournalEntry>().AsNoTracking()
            .Where(e => e.SharedWithRelationshipId != null && e.AuthorUserId != actor.UserId && mine.Contains(e.SharedWithRelationshipId.Value));
        if (relationshipId is { } only)
        {
            shared = shared.Where(e => e.SharedWithRelationshipId == only);
        }
        var total = await shared.CountAsync(ct);
        var items = await shared.OrderByDescending(e => e.SharedAt).ThenByDescending(e => e.Id).Page(paging)
            .Join(db.Users, e => e.AuthorUserId, u => u.Id, (e, u) => new SharedJournalEntryView(
                e.Id, e.SharedWithRelationshipId!.Value, e.AuthorUserId, u.DisplayName, e.Body, e.PromptText, e.WrittenAt, e.EditedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }

    /// <summary>
    /// The relationships the reader may share an entry with: their own that are active now, in programs not anonymised (ADR 122),
    /// named by the other members.
    /// </summary>
    public async Task<IReadOnlyList<JournalShareTarget>> ShareTargetsAsync(Actor actor, CancellationToken ct = default)
    {
        var active = await db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId)
            .Join(db.Set<Relationship>().Where(r => r.Status == RelationshipStatus.Active), m => m.RelationshipId, r => r.Id, (m, r) => new { r.Id, r.ProgramId, r.CreatedAt })
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new { r.Id, r.ProgramId, r.CreatedAt, Program = p.Name })
            .ToListAsync(ct);
        var anonymised = await retention.AnonymisedAmongAsync(active.Select(r => r.ProgramId).Distinct().ToList(), ct);
        var mine = active.Where(r => !anonymised.Contains(r.ProgramId)).ToList();
        var ids = mine.Select(r => r.Id).ToList();
        var others = (await db.Set<RelationshipMember>().Where(m => ids.Contains(m.RelationshipId) && m.UserId != actor.UserId)
                .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, u.DisplayName })
                .ToListAsync(ct))
            .ToLookup(m => m.RelationshipId, m => m.DisplayName);
        return mine.OrderByDescending(r => r.CreatedAt)
            .Select(r => new JournalShareTarget(r.Id, $"{string.Join(", ", others[r.Id].Order())} ({r.Program})"))
            .ToList();
    }

    /// <summary>Everything in the author's journal, for their own download (the only export that holds it).</summary>
    public async Task<JournalExport> ExportAsync(Actor actor, CancellationToken ct = default) =>
        new(clock.GetUtcNow().UtcDateTime, await Views(db.Set<JournalEntry>().AsNoTracking().Where(e => e.AuthorUserId == actor.UserId)
            .OrderBy(e => e.WrittenAt).ThenBy(e => e.Id)).ToListAsync(ct));

    /// <summary>
    /// The entry as stored and counted: a browser posts a textarea's line breaks as CRLF but counts each as one character
    /// against maxlength, so an entry the box accepted is not refused (as a channel post, WritePost).
    /// </summary>
    private static string Body(string? body) => body?.Replace("\r\n", "\n").Trim() ?? "";

    private static Invalid? Validate(string? body) =>
        Body(body) is not { Length: > 0 } text ? Invalid.Field("body", "Write something in the entry.")
        : text.Length > JournalEntry.BodyMax ? Invalid.Field("body", $"An entry can be at most {JournalEntry.BodyMax:N0} characters.")
        : null;

    private static IQueryable<JournalEntryView> Views(IQueryable<JournalEntry> entries) =>
        entries.Select(e => new JournalEntryView(e.Id, e.Body, e.PromptId, e.PromptText, e.ProgramId, e.WrittenAt, e.EditedAt, e.SharedWithRelationshipId, e.SharedAt));

    private static JournalEntryView View(JournalEntry e) =>
        new(e.Id, e.Body, e.PromptId, e.PromptText, e.ProgramId, e.WrittenAt, e.EditedAt, e.SharedWithRelationshipId, e.SharedAt);
}
