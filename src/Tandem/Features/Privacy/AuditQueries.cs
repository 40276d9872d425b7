using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>One read of the reader's own record: who, when, what and why (the reader's own log).</summary>
public sealed record MyAccessView(DateTime At, string ReadBy, AuditRecord Record, string Purpose, string? ProgramName);

/// <summary>One audit entry, for those who search an organisation's log.</summary>
public sealed record AuditEntryView(long Sequence, DateTime At, Guid ActorUserId, string ActorName, Guid SubjectUserId, string SubjectName,
    Guid? ProgramId, string? ProgramName, AuditRecord Record, Guid? RecordId, string Purpose, string Hash);

/// <summary>
/// Which concerns' audit entries a reader may see (Concerns decides, ADR 23 and 98): a concern's reads are no one's
/// business but its handlers' and, for a concern they reported, the reporter's.
/// </summary>
public interface IConcernAuditScope
{
    /// <summary>The ids of the concerns the actor handles: the only concerns whose entries show in the organisation's log for them.</summary>
    IQueryable<Guid> HandledBy(Actor actor);

    /// <summary>The ids of the concerns the person reported: their own log shows the reads of these and of no other concern.</summary>
    IQueryable<Guid> ReportedBy(Guid userId);
}

/// <summary>
/// Who has read the reader's record (an adult participant, or a minor, can see it: every read of a minor's record by someone
/// else). Never that a concern about them was read (it would tell them it exists, and who handles it); a guardian is not
/// shown the reads of the child's concerns at all (a report may be about home).
/// </summary>
public sealed class ListMyAccessLog(TandemDb db, IConcernAuditScope concerns)
{
    /// <param name="organisationId">Only the reads of one organisation's records (the entries its coordinators see in its audit log).</param>
    /// <param name="forGuardian">The log as the person's guardian is shown it: without any read of a concern.</param>
    /// <param name="reader">
    /// Someone else reading the log for the person (a coordinator exporting it on their request, ADR 83): only the reads of the
    /// concerns the person reported that the reader handles too (ADR 98; amended by ADR 109).
    /// </param>
    public async Task<Paged<MyAccessView>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default, Guid? organisationId = null,
        bool forGuardian = false, Actor? reader = null)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var reported = concerns.ReportedBy(actor.UserId);
        if (reader is not null)
        {
            var handled = concerns.HandledBy(reader);
            reported = reported.Where(id => handled.Contains(id));
        }
        var mine = db.Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == actor.UserId && e.Record != AuditRecord.ConcernSubject
            // Entries written before ConcernSubject existed named the concern's subject as a Concern read: the reporter's only.
            && (e.Record != AuditRecord.Concern || (!forGuardian && reported.Any(id => id == e.RecordId))));
        if (organisationId is { } organisation)
        {
            mine = mine.Where(e => e.OrganisationId == organisation);
        }
        var total = await mine.CountAsync(ct);
        var items = await mine.OrderByDescending(e => e.Sequence).Page(paging)
            .Select(e => new MyAccessView(e.At,
                db.Users.Where(u => u.Id == e.ActorUserId).Select(u => u.DisplayName).FirstOrDefault()
                    ?? (e.Purpose.StartsWith(Guardians.PurposePrefix) ? Guardians.ReaderName
                        : e.Purpose.StartsWith(Operators.PurposePrefix) ? Operators.ReaderName : "(deleted account)"),
                e.Record, e.Purpose,
                db.Programs.Where(p => p.Id == e.ProgramId).Select(p => p.Name).FirstOrDefault()))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

/// <summary>
/// An organisation's audit log, newest first, optionally for one person read or one reader: for the organisation's
/// coordinators (who hold the data-protection lead's duties until that role exists, ADR 40) and administrators. The
/// reads of a concern are shown only to those who handle it (ADR 98).
/// </summary>
public sealed class SearchAuditLog(TandemDb db, IConcernAuditScope concerns)
{
    public async Task<Outcome<Paged<AuditEntryView>>> RunAsync(Actor actor, Guid organisationId, Guid? subjectUserId, Guid? actorUserId, int page, int pageSize,
        CancellationToken ct = default)
    {
        var check = await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        // A concern's reads only for those who handle it (a coordinator who is not a safeguarding lead does not learn who
        // made a safeguarding report, nor the person a concern is about that there is one).
        var handled = concerns.HandledBy(actor);
        var entries = db.Set<AuditEntry>().AsNoTracking().Where(e => e.OrganisationId == organisationId
            && ((e.Record != AuditRecord.Concern && e.Record != AuditRecord.ConcernSubject) || handled.Any(id => id == e.RecordId)));
        if (subjectUserId is { } subject)
        {
            entries = entries.Where(e => e.SubjectUserId == subject);
        }
        if (actorUserId is { } reader)
        {
            entries = entries.Where(e => e.ActorUserId == reader);
        }
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderByDescending(e => e.Sequence).Page(paging)
            .Select(e => new AuditEntryView(e.Sequence, e.At, e.ActorUserId,
                db.Users.Where(u => u.Id == e.ActorUserId).Select(u => u.DisplayName).FirstOrDefault()
                    ?? (e.Purpose.StartsWith(Guardians.PurposePrefix) ? Guardians.ReaderName
                        : e.Purpose.StartsWith(Operators.PurposePrefix) ? Operators.ReaderName : "(deleted account)"),
                e.SubjectUserId,
                db.Users.Where(u => u.Id == e.SubjectUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "(deleted account)",
                e.ProgramId, db.Programs.Where(p => p.Id == e.ProgramId).Select(p => p.Name).FirstOrDefault(),
                e.Record, e.RecordId, e.Purpose, e.Hash))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

/// <summary>The outcome of checking the chain: how many entries, and the first that breaks it.</summary>
public sealed record AuditVerification(long Entries, string LastHash, long? BrokenAt, string? Problem)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>Walks the log in order and recomputes every hash and link: an edited, inserted or deleted entry breaks it.</summary>
public sealed class VerifyAuditLog(TandemDb db)
{
    private const int Batch = 5_000;

    public async Task<AuditVerification> RunAsync(CancellationToken ct = default)
    {
        long expected = 1;
        var previous = AuditEntry.Genesis;
        while (true)
        {
            var from = expected;
            var batch = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence >= from).OrderBy(e => e.Sequence).Take(Batch).ToListAsync(ct);
            foreach (var e in batch)
            {
                if (e.Sequence != expected)
                {
                    return new(expected - 1, previous, expected, $"entry {expected} is missing (the next is {e.Sequence})");
                }
                if (e.PreviousHash != previous)
                {
                    return new(expected - 1, previous, e.Sequence, $"entry {e.Sequence} does not link to entry {e.Sequence - 1}");
                }
                if (e.ComputeHash() != e.Hash)
                {
                    return new(expected - 1, previous, e.Sequence, $"entry {e.Sequence} was changed after it was written (its hash does not match its fields)");
                }
                previous = e.Hash;
                expected++;
            }
            if (batch.Count < Batch)
            {
                return new(expected - 1, previous, null, null);
            }
        }
    }
}
