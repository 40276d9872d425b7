using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Recognition;

/// <summary>
/// Where recognition follows what happens elsewhere: a meeting held (badges for the first and the tenth meeting, service
/// hours proposed from the meeting's length), a relationship completed and a program closed ("program complete";
/// certificates issued on closing). Each runs in the triggering use case's scope and, for check-ins, its transaction.
/// </summary>
public sealed class RecognitionHooks(TandemDb db, AwardBadges badges, ServiceHours hours, Certificates certificates)
    : IMeetingHeldListener, IRelationshipEndedListener, IProgramClosedListener
{
    public const int ManyMeetings = 10;

    // Compiled (issue 17): every check-in that records a meeting, and every unscheduled contact, runs it.
    private static readonly Func<TandemDb, Guid, IAsyncEnumerable<string>> MeetingRulesOn =
        EF.CompileAsyncQuery((TandemDb db, Guid programId) => db.Set<ProgramBadgeRule>()
            .Where(r => r.ProgramId == programId && (r.Badge == BadgeCatalogue.FirstMeeting || r.Badge == BadgeCatalogue.TenMeetings))
            .Select(r => r.Badge));

    public async Task MeetingHeldAsync(MeetingHeld held, CancellationToken ct)
    {
        // Every check-in that records a meeting asks this (issue 17): which meeting rules the program has on is one read,
        // and a program without them (or an unscheduled contact, which proposes no hours) costs nothing more.
        var rulesOn = await MeetingRulesOn(db, held.ProgramId).ToListAsync(ct);
        if (rulesOn.Count == 0 && held.MeetingId is null)
        {
            return;
        }
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == held.RelationshipId).Select(m => m.UserId).ToListAsync(ct);
        if (members.Count == 0)
        {
            return;
        }
        if (rulesOn.Count > 0)
        {
            // Meetings held per member across their pairs and groups in the program, from the counts each relationship keeps.
            var counts = await db.Set<RelationshipMember>().Where(m => members.Contains(m.UserId))
                .Join(db.Set<Relationship>().Where(r => r.ProgramId == held.ProgramId), m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, r.MeetingsHeld })
                .GroupBy(x => x.UserId).Select(g => new { g.Key, Held = g.Sum(x => x.MeetingsHeld) })
                .ToDictionaryAsync(g => g.Key, g => g.Held, ct);
            if (rulesOn.Contains(BadgeCatalogue.FirstMeeting))
            {
                await badges.ByRuleAsync(held.ProgramId, BadgeCatalogue.FirstMeeting, members.Where(m => counts.GetValueOrDefault(m) >= 1).ToList(), ct);
            }
            if (rulesOn.Contains(BadgeCatalogue.TenMeetings))
            {
                await badges.ByRuleAsync(held.ProgramId, BadgeCatalogue.TenMeetings, members.Where(m => counts.GetValueOrDefault(m) >= ManyMeetings).ToList(), ct);
            }
        }

        // Hours come from a scheduled meeting's length; an unscheduled contact has none to go by, so it proposes nothing.
        if (held.MeetingId is { } meetingId
            && await db.Set<Meeting>().Where(m => m.Id == meetingId).Select(m => new { m.DurationMinutes, m.Title }).SingleOrDefaultAsync(ct) is { } meeting)
        {
            var description = string.IsNullOrWhiteSpace(meeting.Title) ? "Meeting held" : $"Meeting held: {meeting.Title}";
            await hours.ProposeAsync(members.Select(u => new ServiceHourProposal(held.ProgramId, u, ServiceHourSource.Meeting, meetingId,
                held.OccurredAt, meeting.DurationMinutes, description)).ToList(), ct);
        }
    }

    public async Task RelationshipEndedAsync(Guid relationshipId, Guid programId, RelationshipStatus status, CancellationToken ct)
    {
        if (status != RelationshipStatus.Completed)
        {
            return;
        }
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId).Select(m => m.UserId).ToListAsync(ct);
        await badges.ByRuleAsync(programId, BadgeCatalogue.ProgramComplete, members, ct);
    }

    public async Task ProgramClosedAsync(Guid programId, CancellationToken ct)
    {
        await certificates.IssueAsync(programId, ct);
        // Everyone who saw a pair or group through to the close: members of a relationship that did not end early.
        var members = await db.Set<RelationshipMember>()
            .Join(db.Set<Relationship>().Where(r => r.ProgramId == programId && r.Status != RelationshipStatus.EndedEarly),
                m => m.RelationshipId, r => r.Id, (m, r) => m.UserId)
            .Distinct().ToListAsync(ct);
        await badges.ByRuleAsync(programId, BadgeCatalogue.ProgramComplete, members, ct);
    }
}
