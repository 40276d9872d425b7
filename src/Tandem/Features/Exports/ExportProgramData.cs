using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>
/// A program's participants, relationships, meetings or check-ins as a table, for its coordinators only: the same
/// fields the coordinators' pages show them (docs/user-guide.md, "Exports"), nothing a participant's private answer
/// or another program holds. Times are UTC. Every refusal (403, 404, an XLSX over its row limit: 413) and every audit
/// entry is made here, before the table is handed over; its rows are read in keyset batches while the file is written
/// (ADR 123), each batch with its own lookups (names, meetings held) for its relationships only.
/// </summary>
public sealed class ExportProgramData(TandemDb db, ProgramAccess programs, AuditLog audit, IOptions<ExportOptions> options)
{
    private static readonly ProgramRole[] ParticipantRoles = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];

    public async Task<Outcome<ExportTable>> RunAsync(Actor actor, Guid programId, ExportKind kind, ExportFormat format, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators export its data.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (format == ExportFormat.Xlsx)
        {
            var rows = kind switch
            {
                ExportKind.Participants => await Participants(programId).CountAsync(ct),
                ExportKind.Relationships => await Relationships(programId).CountAsync(ct),
                ExportKind.Meetings => await Meetings(programId).CountAsync(ct),
                _ => await CheckIns(programId).CountAsync(ct),
            };
            if (rows > options.Value.XlsxMaxRows)
            {
                return ExportCells.TooManyRowsForXlsx(rows, options.Value.XlsxMaxRows);
            }
        }
        return kind switch
        {
            ExportKind.Participants => ParticipantsTable(programId),
            ExportKind.Relationships => await RelationshipsTableAsync(actor, programId, ct),
            ExportKind.Meetings => await MeetingsTableAsync(actor, programId, ct),
            _ => await CheckInsTableAsync(actor, programId, ct),
        };
    }

    /// <summary>Participants only: the program's staff and coordinators are not in it.</summary>
    private IQueryable<Enrolment> Participants(Guid programId) =>
        db.Enrolments.AsNoTracking().Where(e => e.ProgramId == programId && ParticipantRoles.Contains(e.Role));

    private IQueryable<Relationship> Relationships(Guid programId) => db.Set<Relationship>().AsNoTracking().Where(r => r.ProgramId == programId);

    private IQueryable<Meeting> Meetings(Guid programId) => db.Set<Meeting>().AsNoTracking().Where(m => m.ProgramId == programId);

    private IQueryable<CheckIn> CheckIns(Guid programId)
    {
        var inProgram = db.Set<Relationship>().Where(r => r.ProgramId == programId).Select(r => r.Id);
        return db.Set<CheckIn>().AsNoTracking().Where(c => inProgram.Contains(c.RelationshipId));
    }

    private sealed record ParticipantRow(Guid Id, string DisplayName, string? Email, ProgramRole Role, DateTime EnrolledAt);

    /// <summary>By role, then name, then id (the keyset: the role compared as stored, as it is ordered).</summary>
    private ExportTable ParticipantsTable(Guid programId)
    {
        var participants = Participants(programId);
        async IAsyncEnumerable<object?[]> Rows([EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var batch in ExportCells.PagesAsync<ParticipantRow>((after, ct) => (after is null ? participants : participants.Where(e =>
                    e.Role > after.Role
                    || e.Role == after.Role && (string.Compare(e.User!.DisplayName, after.DisplayName) > 0
                        || e.User!.DisplayName == after.DisplayName && e.Id.CompareTo(after.Id) > 0)))
                .OrderBy(e => e.Role).ThenBy(e => e.User!.DisplayName).ThenBy(e => e.Id)
                .Select(e => new ParticipantRow(e.Id, e.User!.DisplayName, e.User.Email, e.Role, e.EnrolledAt))
                .Take(ExportCells.BatchSize).ToListAsync(ct), ct))
            {
                foreach (var r in batch)
                {
                    yield return [r.DisplayName, r.Email, r.Role.ToString(), r.EnrolledAt];
                }
            }
        }
        return new ExportTable("Participants", ["Name", "Email", "Role", "Enrolled (UTC)"], Rows());
    }

    private sealed record RelationshipRow(Guid Id, RelationshipKind Kind, RelationshipStatus Status, DateOnly StartsOn, DateTime? EndedAt, string? EndReason, int? MatchScore);

    /// <summary>Every pair and group with its end reason and match score: what was written about its members, so a read of the
    /// minors among them (ADR 124's list-or-record rule), written to the audit log before the table is made.</summary>
    private async Task<ExportTable> RelationshipsTableAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var relationships = Relationships(programId);
        var inProgram = relationships.Select(r => r.Id);
        var people = await db.Set<RelationshipMember>().AsNoTracking().Where(m => inProgram.Contains(m.RelationshipId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        await audit.RecordAsync(actor, people, AuditRecord.Relationship, null, programId, "Exporting the program's relationships", ct);
        async IAsyncEnumerable<object?[]> Rows([EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var batch in ExportCells.PagesAsync<RelationshipRow>((after, ct) => (after is null ? relationships : relationships.Where(r =>
                    r.StartsOn > after.StartsOn || r.StartsOn == after.StartsOn && r.Id.CompareTo(after.Id) > 0))
                .OrderBy(r => r.StartsOn).ThenBy(r => r.Id)
                .Select(r => new RelationshipRow(r.Id, r.Kind, r.Status, r.StartsOn, r.EndedAt, r.EndReason, r.MatchScore))
                .Take(ExportCells.BatchSize).ToListAsync(ct), ct))
            {
                var ids = batch.Select(r => r.Id).ToList();
                var members = await MembersAsync(ids, ct);
                var held = await MeetingsHeld.CountAsync(db, ids, ct);
                foreach (var r in batch)
                {
                    yield return
                    [
                        r.Id.ToString(), r.Kind.ToString(),
                        Names(members, r.Id, mentors: true), Names(members, r.Id, mentors: false),
                        RelationshipText.Label(r.Status), r.StartsOn.ToDateTime(TimeOnly.MinValue), r.EndedAt, r.EndReason, r.MatchScore,
                        held.GetValueOrDefault(r.Id),
                    ];
                }
            }
        }
        return new ExportTable("Relationships",
            ["Relationship", "Kind", "Mentors", "Mentees or peers", "Status", "Starts on", "Ended (UTC)", "End reason", "Match score", "Meetings held"], Rows());
    }

    private sealed record MeetingRow(Guid Id, Guid RelationshipId, string? Title, DateTime StartsAt, int DurationMinutes, MeetingMode Mode, string? Place, MeetingStatus Status);

    /// <summary>Every pair's meetings: when, what about and where they meet, which the pair's page shows staff as a read of the
    /// relationship; so the export is written to the audit log for the minors among the members of the pairs with meetings
    /// (ADR 40), as the check-ins' export is, before the table is made.</summary>
    private async Task<ExportTable> MeetingsTableAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var meetings = Meetings(programId);
        var withMeetings = meetings.Select(m => m.RelationshipId);
        var people = await db.Set<RelationshipMember>().AsNoTracking().Where(m => withMeetings.Contains(m.RelationshipId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        await audit.RecordAsync(actor, people, AuditRecord.Relationship, null, programId, "Exporting the program's meetings", ct);
        async IAsyncEnumerable<object?[]> Rows([EnumeratorCancellation] CancellationToken ct = default)
        {
            // The first condition repeats what the second says so that the database reads IX_Meetings_ProgramId_StartsAt from the
            // last row written (ADR 133): PostgreSQL does not make a range of the OR alone.
            await foreach (var batch in ExportCells.PagesAsync<MeetingRow>((after, ct) => (after is null ? meetings : meetings.Where(m => m.StartsAt >= after.StartsAt
                    && (m.StartsAt > after.StartsAt || m.StartsAt == after.StartsAt && m.Id.CompareTo(after.Id) > 0)))
                .OrderBy(m => m.StartsAt).ThenBy(m => m.Id)
                .Select(m => new MeetingRow(m.Id, m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place, m.Status))
                .Take(ExportCells.BatchSize).ToListAsync(ct), ct))
            {
                var members = await MembersAsync(batch.Select(m => m.RelationshipId).Distinct().ToList(), ct);
                foreach (var m in batch)
                {
                    yield return
                    [
                        m.RelationshipId.ToString(), AllNames(members, m.RelationshipId), m.Title, m.StartsAt, m.DurationMinutes,
                        m.Mode.ToString(), m.Place, m.Status.ToString(),
                    ];
                }
            }
        }
        return new ExportTable("Meetings", ["Relationship", "People", "Title", "Starts (UTC)", "Minutes", "Mode", "Place", "Status"], Rows());
    }

    private sealed record CheckInRow(Guid Id, Guid RelationshipId, string Author, DateTime OccurredAt, bool Happened, int? Rating, string Topics,
        string? Progress, string? Challenges, string? NextSteps);

    /// <summary>Every pair's check-ins: what its members wrote, so the read is written to the audit log for the minors among the
    /// pairs' members and the authors before the table is made, as opening one pair's check-ins is (ADR 40).</summary>
    private async Task<ExportTable> CheckInsTableAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var checkIns = CheckIns(programId);
        // The batches walk IX_CheckIns_OccurredAt_Id from the last row written and keep the program's rows (ADR 133): the program
        // is asked of each check-in (EXISTS), where an IN list of the program's pairs makes SQLite read every pair's check-ins
        // through IX_CheckIns_RelationshipId_OccurredAt and sort them, in every batch.
        var inTimeOrder = db.Set<CheckIn>().AsNoTracking()
            .Where(c => db.Set<Relationship>().Any(r => r.Id == c.RelationshipId && r.ProgramId == programId));
        // A check-in is about every member of its pair, whoever wrote it: the members of the pairs with check-ins, and the authors
        // (one of whom may since have left the pair).
        var withCheckIns = checkIns.Select(c => c.RelationshipId);
        var members = await db.Set<RelationshipMember>().AsNoTracking().Where(m => withCheckIns.Contains(m.RelationshipId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        var authors = await checkIns.Select(c => c.AuthorUserId).Distinct().ToListAsync(ct);
        await audit.RecordAsync(actor, members.Concat(authors).Distinct().ToList(), AuditRecord.CheckIns, null, programId, "Exporting the program's check-ins", ct);
        async IAsyncEnumerable<object?[]> Rows([EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var batch in ExportCells.PagesAsync<CheckInRow>((after, ct) => (after is null ? inTimeOrder : inTimeOrder.Where(c =>
                    c.OccurredAt >= after.OccurredAt
                    && (c.OccurredAt > after.OccurredAt || c.OccurredAt == after.OccurredAt && c.Id.CompareTo(after.Id) > 0)))
                .OrderBy(c => c.OccurredAt).ThenBy(c => c.Id)
                .Join(db.Users, c => c.AuthorUserId, u => u.Id, (c, u) => new CheckInRow(
                    c.Id, c.RelationshipId, u.DisplayName, c.OccurredAt, c.Happened, c.Rating, c.Topics, c.Progress, c.Challenges, c.NextSteps))
                .Take(ExportCells.BatchSize).ToListAsync(ct), ct))
            {
                foreach (var c in batch)
                {
                    yield return
                    [
                        c.RelationshipId.ToString(), c.Author, c.OccurredAt, c.Happened ? "yes" : "no", c.Rating, c.Topics, c.Progress, c.Challenges, c.NextSteps,
                    ];
                }
            }
        }
        return new ExportTable("Check-ins",
            ["Relationship", "Author", "Occurred (UTC)", "Happened", "Rating (1-5)", "Topics", "Progress", "Challenges", "Next steps"], Rows());
    }

    /// <summary>The members of a batch's relationships, by name.</summary>
    private async Task<ILookup<Guid, (string Name, ProgramRole Role)>> MembersAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct) =>
        (await db.Set<RelationshipMember>().AsNoTracking()
            .Where(m => relationshipIds.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, u.DisplayName, m.Role })
            .ToListAsync(ct))
        .OrderBy(m => m.DisplayName, StringComparer.CurrentCulture)
        .ToLookup(m => m.RelationshipId, m => (m.DisplayName, m.Role));

    private static string Names(ILookup<Guid, (string Name, ProgramRole Role)> members, Guid id, bool mentors) =>
        string.Join("; ", members[id].Where(m => (m.Role == ProgramRole.Mentor) == mentors).Select(m => m.Name));

    private static string AllNames(ILookup<Guid, (string Name, ProgramRole Role)> members, Guid id) =>
        string.Join("; ", members[id].Select(m => m.Name));
}
