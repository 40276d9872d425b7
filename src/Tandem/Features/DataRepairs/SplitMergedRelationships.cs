using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Matching;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.DataRepairs;

/// <summary>
/// Splits the groups that publishing once formed in one-to-one programs (ADR 13) into one pair per mentee, keeping
/// every meeting and check-in. Run by <see cref="DatabaseSetup.MigrateAsync"/> after the EF migrations on both
/// providers; idempotent (a split group is a pair and is never found again) and one transaction per group.
/// <para>
/// What goes where: the mentee enrolled first keeps the group's row (and so its id and links); every other mentee
/// gets a new pair with the same history. What a mentee wrote (check-ins, fit-check answers, meeting answers) goes
/// to their own pair. A meeting the mentor or a coordinator proposed was everyone's, so every pair gets it; a
/// meeting a mentee proposed goes to the pairs of the mentees who took part (proposed, answered or checked in). The
/// mentor's check-ins follow their meeting (an unscheduled contact goes to every pair). Copies keep their
/// authorship, times and status. Reminders already sent about a meeting or the group count as sent for the copies.
/// </para>
/// </summary>
public sealed class SplitMergedRelationships(TandemDb db, ILogger<SplitMergedRelationships> logger) : IDataRepair
{
    async Task IDataRepair.RunAsync(CancellationToken ct) => await RunAsync(ct);

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var groups = await db.Set<Relationship>().AsNoTracking().Where(r => r.Kind == RelationshipKind.Group)
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new { r.Id, p.Pairing, p.MeetingFormats })
            .ToListAsync(ct);
        var split = 0;
        foreach (var group in groups.Where(g => g.Pairing == PairingModel.MentorMentee && !MentoringFormat.MentorsLeadGroups(g.Pairing, g.MeetingFormats)))
        {
            if (await SplitAsync(group.Id, ct))
            {
                split++;
            }
        }
        if (split > 0)
        {
            logger.LogInformation("Split {Count} mentor groups of one-to-one programs into pairs (ADR 13)", split);
        }
        return split;
    }

    private async Task<bool> SplitAsync(Guid groupId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claimed by turning it into a pair: of two nodes migrating at once, the second finds nothing to claim.
        if (await db.Set<Relationship>().Where(r => r.Id == groupId && r.Kind == RelationshipKind.Group)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Kind, RelationshipKind.Pair), ct) == 0)
        {
            return false;
        }
        var group = await db.Set<Relationship>().Include(r => r.Members).SingleAsync(r => r.Id == groupId, ct);
        var mentors = group.Members.Where(m => m.Role == ProgramRole.Mentor).ToList();
        var mentees = group.Members.Where(m => m.Role == ProgramRole.Mentee).OrderBy(m => m.EnrolmentId).ToList();
        if (mentors.Count != 1 || mentees.Count == 0 || mentors.Count + mentees.Count != group.Members.Count)
        {
            logger.LogWarning("Relationship {Id} is not one mentor with mentees; left as it is", groupId);
            await transaction.RollbackAsync(ct);
            return false;
        }
        var mentor = mentors[0];

        var fitAnswers = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == groupId).ToListAsync(ct);
        var reasons = group.Source == RelationshipSource.PoolMatch
            ? await PublishedReasonsAsync(group.ProgramId, mentor.EnrolmentId, mentees.Select(m => m.EnrolmentId).ToList(), ct)
            : null;
        // A pool-matched group's explanation lists every mentee's reasons, so each pair gets only its own (none
        // when no published proposal is found); a coordinator's explanation for the group is kept.
        (string? Text, int? Score) Reason(RelationshipMember mentee) => reasons is null
            ? (group.MatchExplanation, group.MatchScore)
            : reasons.TryGetValue(mentee.EnrolmentId, out var own) ? own : (null, null);
        // A pair is a poor fit when its mentee, or the mentor (whose answer was about everyone), said no.
        var menteeUsers = mentees.Select(m => m.UserId).ToHashSet();
        DateTime? PoorFit(RelationshipMember mentee) => fitAnswers
            .Where(a => a.Answer == FitAnswer.No && (a.UserId == mentee.UserId || !menteeUsers.Contains(a.UserId)))
            .Min(a => (DateTime?)a.AnsweredAt);

        var pairOf = new Dictionary<Guid, Relationship>();
        foreach (var mentee in mentees)
        {
            var (text, score) = Reason(mentee);
            if (mentee == mentees[0])
            {
                group.NarrowToPair(text, score, PoorFit(mentee));
                pairOf[mentee.UserId] = group;
                continue;
            }
            var pair = group.SplitOffPair(text, score, PoorFit(mentee));
            pair.Members.Add(new RelationshipMember(pair.Id, mentor.UserId, mentor.EnrolmentId, ProgramRole.Mentor));
            pair.Members.Add(new RelationshipMember(pair.Id, mentee.UserId, mentee.EnrolmentId, ProgramRole.Mentee));
            group.Members.Remove(mentee);
            db.Add(pair);
            pairOf[mentee.UserId] = pair;
        }
        var everyPair = mentees.Select(m => pairOf[m.UserId]).ToList();

        await MoveSeatsAsync(group, mentor, mentees, pairOf, ct);
        var placed = await CarryMeetingsAsync(groupId, everyPair, pairOf, ct);
        await CarryCheckInsAsync(groupId, everyPair, pairOf, placed, ct);
        Carry(fitAnswers, a => pairOf.TryGetValue(a.UserId, out var own) ? [own] : everyPair, nameof(FitCheckAnswer.Id),
            (_, pair) => [(nameof(FitCheckAnswer.RelationshipId), pair.Id)]);
        await db.SaveChangesAsync(ct);
        // The check-ins moved: each pair's counts are its own now (ADR 46).
        await PairContacts.RecountAsync(db, everyPair.Select(p => p.Id).ToList(), ct);

        foreach (var mentee in mentees.Skip(1))
        {
            var pair = pairOf[mentee.UserId];
            await db.Set<MentorRequest>().Where(q => q.RelationshipId == groupId && q.MenteeEnrolmentId == mentee.EnrolmentId)
                .ExecuteUpdateAsync(s => s.SetProperty(q => q.RelationshipId, pair.Id), ct);
            await db.Set<Relationship>().Where(r => r.PreviousRelationshipId == groupId && r.Members.Any(m => m.EnrolmentId == mentee.EnrolmentId))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.PreviousRelationshipId, pair.Id), ct);
        }
        var groupMembers = menteeUsers.Append(mentor.UserId).ToHashSet();
        var membersOf = everyPair.ToDictionary(p => p.Id, p => new HashSet<Guid> { mentor.UserId, mentees[everyPair.IndexOf(p)].UserId });
        await CopySentRemindersAsync(groupId, everyPair.Skip(1).Select(p => (p.Id, membersOf[p.Id])).ToList(), groupMembers, ct);
        foreach (var ((meetingId, pairId), copyId) in placed.Where(p => p.Key.MeetingId != p.Value))
        {
            await CopySentRemindersAsync(meetingId, [(copyId, membersOf[pairId])], groupMembers, ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Each mentee's seat and one of the mentor's seats go to the mentee's pair (open groups only hold seats).</summary>
    private async Task MoveSeatsAsync(Relationship group, RelationshipMember mentor, List<RelationshipMember> mentees, Dictionary<Guid, Relationship> pairOf, CancellationToken ct)
    {
        var seats = await db.Set<RelationshipSeat>().Where(s => s.RelationshipId == group.Id).ToListAsync(ct);
        var mentorSeats = seats.Where(s => s.EnrolmentId == mentor.EnrolmentId).OrderBy(s => s.Seat).ToList();
        for (var i = 1; i < mentees.Count; i++)
        {
            var pair = pairOf[mentees[i].UserId];
            foreach (var seat in seats.Where(s => s.EnrolmentId == mentees[i].EnrolmentId).Concat(mentorSeats.Skip(i).Take(1)))
            {
                db.Entry(seat).Property(nameof(RelationshipSeat.RelationshipId)).CurrentValue = pair.Id;
            }
        }
    }

    /// <returns>Where each meeting of the group now is: (original meeting, pair) → the meeting's id in that pair.</returns>
    private async Task<Dictionary<(Guid MeetingId, Guid PairId), Guid>> CarryMeetingsAsync(
        Guid groupId, List<Relationship> everyPair, Dictionary<Guid, Relationship> pairOf, CancellationToken ct)
    {
        var meetings = await db.Set<Meeting>().Where(m => m.RelationshipId == groupId).OrderBy(m => m.StartsAt).ToListAsync(ct);
        var meetingIds = meetings.Select(m => m.Id).ToList();
        var answers = await db.Set<MeetingAnswer>().Where(a => meetingIds.Contains(a.MeetingId)).ToListAsync(ct);
        var checkedIn = await db.Set<CheckIn>().Where(c => c.RelationshipId == groupId && c.MeetingId != null)
            .Select(c => new { MeetingId = c.MeetingId!.Value, c.AuthorUserId }).ToListAsync(ct);
        var series = await db.Set<MeetingSeries>().Where(s => s.RelationshipId == groupId).ToListAsync(ct);

        var targets = meetings.ToDictionary(m => m.Id, m =>
        {
            if (!pairOf.ContainsKey(m.ProposedByUserId))
            {
                return everyPair;
            }
            var tookPart = answers.Where(a => a.MeetingId == m.Id).Select(a => a.UserId)
                .Concat(checkedIn.Where(c => c.MeetingId == m.Id).Select(c => c.AuthorUserId))
                .Append(m.ProposedByUserId).Where(pairOf.ContainsKey).Select(u => pairOf[u]).ToHashSet();
            return everyPair.Where(tookPart.Contains).ToList();
        });
        var seriesIn = new Dictionary<(Guid, Guid), Guid>();
        foreach (var s in series)
        {
            var holders = everyPair.Where(p => meetings.Any(m => m.SeriesId == s.Id && targets[m.Id].Contains(p))).ToList();
            foreach (var (pair, copyId) in Carry([s], _ => holders.Count == 0 ? [everyPair[0]] : holders, nameof(MeetingSeries.Id),
                (_, pair) => [(nameof(MeetingSeries.RelationshipId), pair.Id)]).Select(x => (x.Pair, x.Id)))
            {
                seriesIn[(s.Id, pair.Id)] = copyId;
            }
        }
        var placed = new Dictionary<(Guid MeetingId, Guid PairId), Guid>();
        foreach (var meeting in meetings)
        {
            foreach (var (pair, id) in Carry([meeting], m => targets[m.Id], nameof(Meeting.Id), (m, pair) =>
                [(nameof(Meeting.RelationshipId), pair.Id), (nameof(Meeting.SeriesId), m.SeriesId is { } s ? seriesIn[(s, pair.Id)] : null)]))
            {
                placed[(meeting.Id, pair.Id)] = id;
            }
        }
        Carry(answers, a => pairOf.TryGetValue(a.UserId, out var own) ? [own] : targets[a.MeetingId], nameof(MeetingAnswer.Id),
            (a, pair) => [(nameof(MeetingAnswer.MeetingId), placed.GetValueOrDefault((a.MeetingId, pair.Id), a.MeetingId))]);
        return placed;
    }

    private async Task CarryCheckInsAsync(Guid groupId, List<Relationship> everyPair, Dictionary<Guid, Relationship> pairOf,
        Dictionary<(Guid MeetingId, Guid PairId), Guid> placed, CancellationToken ct)
    {
        var checkIns = await db.Set<CheckIn>().Where(c => c.RelationshipId == groupId).ToListAsync(ct);
        Carry(checkIns,
            c => pairOf.TryGetValue(c.AuthorUserId, out var own) ? [own]
                : c.MeetingId is { } meetingId ? everyPair.Where(p => placed.ContainsKey((meetingId, p.Id))).DefaultIfEmpty(everyPair[0]).ToList()
                : everyPair,
            nameof(CheckIn.Id),
            (c, pair) => [(nameof(CheckIn.RelationshipId), pair.Id), (nameof(CheckIn.MeetingId), c.MeetingId is { } m ? placed.GetValueOrDefault((m, pair.Id), m) : null)]);
    }

    /// <summary>
    /// Puts each row in the pairs it belongs to: the row itself moves to the first, a copy (a new id, every other
    /// value the same, then <paramref name="changes"/>) goes to each of the others. A repair copies rows verbatim,
    /// so it sets stored values through EF rather than replaying the entities' transitions.
    /// </summary>
    private List<(Relationship Pair, Guid Id)> Carry<T>(IEnumerable<T> rows, Func<T, List<Relationship>> pairsOf, string idProperty,
        Func<T, Relationship, (string Property, object? Value)[]> changes) where T : class
    {
        var result = new List<(Relationship, Guid)>();
        foreach (var row in rows.ToList())
        {
            var pairs = pairsOf(row);
            var entry = db.Entry(row);
            var original = entry.CurrentValues.Clone();
            for (var i = 0; i < pairs.Count; i++)
            {
                var values = original.Clone();
                foreach (var (property, value) in changes(row, pairs[i]))
                {
                    values[property] = value;
                }
                if (i == 0)
                {
                    entry.CurrentValues.SetValues(values);
                    result.Add((pairs[i], (Guid)values[idProperty]!));
                    continue;
                }
                var id = Guid.CreateVersion7();
                values[idProperty] = id;
                db.Add(values.ToObject());
                result.Add((pairs[i], id));
            }
        }
        return result;
    }

    /// <summary>The latest published proposal of each mentee with this mentor, as participants read it.</summary>
    private async Task<Dictionary<Guid, (string? Text, int? Score)>> PublishedReasonsAsync(Guid programId, Guid mentorId, List<Guid> menteeIds, CancellationToken ct)
    {
        var proposals = await db.Set<MatchProposal>()
            .Join(db.Set<MatchDraft>(), p => p.DraftId, d => d.Id, (p, d) => new { Proposal = p, d.ProgramId, d.Status, d.PublishedAt })
            .Where(x => x.ProgramId == programId && x.Status == MatchDraftStatus.Published && x.Proposal.FirstEnrolmentId == mentorId && menteeIds.Contains(x.Proposal.SecondEnrolmentId))
            .AsNoTracking().ToListAsync(ct);
        return proposals.GroupBy(x => x.Proposal.SecondEnrolmentId).ToDictionary(g => g.Key, g =>
        {
            var criteria = g.MaxBy(x => x.PublishedAt)!.Proposal.Explanation();
            return ((string?)ParticipantExplanation.For(criteria), (int?)ParticipantExplanation.Percent(criteria));
        });
    }

    /// <summary>
    /// A reminder claimed for the group or one of its meetings (its key names the id) counts for the pair's copy too,
    /// so nobody is reminded twice of the same meeting. Reminders to people outside the group (coordinators) are
    /// copied for every pair.
    /// </summary>
    private async Task CopySentRemindersAsync(Guid originalId, IReadOnlyList<(Guid CopyId, HashSet<Guid> Members)> copies, HashSet<Guid> groupMembers, CancellationToken ct)
    {
        var id = originalId.ToString();
        var dispatches = await db.Set<ReminderDispatch>().Where(d => d.Key.Contains(id)).ToListAsync(ct);
        foreach (var (copyId, members) in copies)
        {
            foreach (var dispatch in dispatches.Where(d => members.Contains(d.UserId) || !groupMembers.Contains(d.UserId)))
            {
                var values = db.Entry(dispatch).CurrentValues.Clone();
                values[nameof(ReminderDispatch.Id)] = Guid.CreateVersion7();
                values[nameof(ReminderDispatch.Key)] = dispatch.Key.Replace(id, copyId.ToString(), StringComparison.Ordinal);
                db.Add(values.ToObject());
            }
        }
    }
}

public static class DataRepairsSetup
{
    /// <summary>Every repair runs after the migrations, in the order registered here (docs/operations.md, "Migrations").</summary>
    public static IServiceCollection AddTandemDataRepairs(this IServiceCollection services) => services
        .AddScoped<SplitMergedRelationships>()
        .AddScoped<IDataRepair>(s => s.GetRequiredService<SplitMergedRelationships>())
        .AddScoped<MoveInformationSessionsToEvents>()
        .AddScoped<IDataRepair>(s => s.GetRequiredService<MoveInformationSessionsToEvents>());
}
