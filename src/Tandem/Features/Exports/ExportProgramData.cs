using Microsoft.EntityFrameworkCore;
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
/// or another program holds. Times are UTC.
/// </summary>
public sealed class ExportProgramData(TandemDb db, ProgramAccess programs, AuditLog audit)
{
    public async Task<Outcome<ExportTable>> RunAsync(Actor actor, Guid programId, ExportKind kind, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators export its data.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return kind switch
        {
            ExportKind.Participants => await ParticipantsAsync(programId, ct),
            ExportKind.Relationships => await RelationshipsAsync(programId, ct),
            ExportKind.Meetings => await MeetingsAsync(actor, programId, ct),
            _ => await CheckInsAsync(actor, programId, ct),
        };
    }

    private async Task<ExportTable> ParticipantsAsync(Guid programId, CancellationToken ct)
    {
        // Participants only: the program's staff and coordinators are not in it.
        var roles = new[] { ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer };
        var rows = await db.Enrolments.AsNoTracking().Where(e => e.ProgramId == programId && roles.Contains(e.Role))
            .OrderBy(e => e.Role).ThenBy(e => e.User!.DisplayName).ThenBy(e => e.Id)
            .Select(e => new { e.User!.DisplayName, e.User.Email, e.Role, e.EnrolledAt })
            .ToListAsync(ct);
        return new ExportTable("Participants", ["Name", "Email", "Role", "Enrolled (UTC)"],
            rows.Select(r => new object?[] { r.DisplayName, r.Email, r.Role.ToString(), r.EnrolledAt }).ToList());
    }

    private async Task<ExportTable> RelationshipsAsync(Guid programId, CancellationToken ct)
    {
        var relationships = await db.Set<Relationship>().AsNoTracking().Where(r => r.ProgramId == programId)
            .OrderBy(r => r.StartsOn).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.Kind, r.Status, r.StartsOn, r.EndedAt, r.EndReason, r.MatchScore })
            .ToListAsync(ct);
        var members = await MembersAsync(programId, ct);
        var held = await MeetingsHeld.CountAsync(db, relationships.Select(r => r.Id).ToList(), ct);
        return new ExportTable("Relationships",
            ["Relationship", "Kind", "Mentors", "Mentees or peers", "Status", "Starts on", "Ended (UTC)", "End reason", "Match score", "Meetings held"],
            relationships.Select(r => new object?[]
            {
                r.Id.ToString(), r.Kind.ToString(),
                Names(members, r.Id, mentors: true), Names(members, r.Id, mentors: false),
                RelationshipText.Label(r.Status), r.StartsOn.ToDateTime(TimeOnly.MinValue), r.EndedAt, r.EndReason, r.MatchScore,
                held.GetValueOrDefault(r.Id),
            }).ToList());
    }

    /// <summary>Every pair's meetings: when, what about and where they meet, which the pair's page shows staff as a read of the
    /// relationship; so the export is written to the audit log for the minors among the members of the pairs with meetings
    /// (ADR 40), as the check-ins' export is.</summary>
    private async Task<ExportTable> MeetingsAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var meetings = await db.Set<Meeting>().AsNoTracking().Where(m => m.ProgramId == programId)
            .OrderBy(m => m.StartsAt).ThenBy(m => m.Id)
            .Select(m => new { m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place, m.Status })
            .ToListAsync(ct);
        var members = await MembersAsync(programId, ct);
        var withMeetings = db.Set<Meeting>().Where(m => m.ProgramId == programId).Select(m => m.RelationshipId);
        var people = await db.Set<RelationshipMember>().AsNoTracking().Where(m => withMeetings.Contains(m.RelationshipId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        await audit.RecordAsync(actor, people, AuditRecord.Relationship, null, programId, "Exporting the program's meetings", ct);
        return new ExportTable("Meetings", ["Relationship", "People", "Title", "Starts (UTC)", "Minutes", "Mode", "Place", "Status"],
            meetings.Select(m => new object?[]
            {
                m.RelationshipId.ToString(), AllNames(members, m.RelationshipId), m.Title, m.StartsAt, m.DurationMinutes,
                m.Mode.ToString(), m.Place, m.Status.ToString(),
            }).ToList());
    }

    /// <summary>Every pair's check-ins: what its members wrote, so the read is written to the audit log for the minors among the
    /// pairs' members and the authors before the table is made, as opening one pair's check-ins is (ADR 40).</summary>
    private async Task<ExportTable> CheckInsAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var inProgram = db.Set<Relationship>().Where(r => r.ProgramId == programId).Select(r => r.Id);
        var checkIns = await db.Set<CheckIn>().AsNoTracking().Where(c => inProgram.Contains(c.RelationshipId))
            .OrderBy(c => c.OccurredAt).ThenBy(c => c.Id)
            .Join(db.Users, c => c.AuthorUserId, u => u.Id, (c, u) => new
            {
                c.RelationshipId, c.AuthorUserId, Author = u.DisplayName, c.OccurredAt, c.Happened, c.Rating, c.Topics, c.Progress, c.Challenges, c.NextSteps,
            })
            .ToListAsync(ct);
        // A check-in is about every member of its pair, whoever wrote it: the members of the pairs with check-ins, and the authors.
        var withCheckIns = db.Set<CheckIn>().Where(c => inProgram.Contains(c.RelationshipId)).Select(c => c.RelationshipId);
        var members = await db.Set<RelationshipMember>().AsNoTracking().Where(m => withCheckIns.Contains(m.RelationshipId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        await audit.RecordAsync(actor, members.Concat(checkIns.Select(c => c.AuthorUserId)).Distinct().ToList(), AuditRecord.CheckIns, null, programId,
            "Exporting the program's check-ins", ct);
        return new ExportTable("Check-ins",
            ["Relationship", "Author", "Occurred (UTC)", "Happened", "Rating (1-5)", "Topics", "Progress", "Challenges", "Next steps"],
            checkIns.Select(c => new object?[]
            {
                c.RelationshipId.ToString(), c.Author, c.OccurredAt, c.Happened ? "yes" : "no", c.Rating, c.Topics, c.Progress, c.Challenges, c.NextSteps,
            }).ToList());
    }

    private async Task<ILookup<Guid, (string Name, ProgramRole Role)>> MembersAsync(Guid programId, CancellationToken ct) =>
        (await db.Set<RelationshipMember>().AsNoTracking()
            .Where(m => db.Set<Relationship>().Any(r => r.Id == m.RelationshipId && r.ProgramId == programId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, u.DisplayName, m.Role })
            .ToListAsync(ct))
        .OrderBy(m => m.DisplayName, StringComparer.CurrentCulture)
        .ToLookup(m => m.RelationshipId, m => (m.DisplayName, m.Role));

    private static string Names(ILookup<Guid, (string Name, ProgramRole Role)> members, Guid id, bool mentors) =>
        string.Join("; ", members[id].Where(m => (m.Role == ProgramRole.Mentor) == mentors).Select(m => m.Name));

    private static string AllNames(ILookup<Guid, (string Name, ProgramRole Role)> members, Guid id) =>
        string.Join("; ", members[id].Select(m => m.Name));
}
