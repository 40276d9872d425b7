using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Reports;

/// <summary>A relationship as the reports need it: when it ran, and how it ended.</summary>
public sealed record RelationshipFact(Guid Id, DateOnly StartsOn, RelationshipStatus Status, DateTime? EndedAt, DateTime? PoorFitAt)
{
    public DateTime StartedAt => StartsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>Running at <paramref name="at"/>: started, not ended, and not paused now (a pause's history is not kept).</summary>
    public bool RunningAt(DateTime at) => StartedAt <= at && (EndedAt is null || EndedAt > at) && Status != RelationshipStatus.Paused;
}

/// <summary>
/// What a program's reports are computed from, read once per request with a few projected queries: its
/// relationships, the meetings each held (a check-in saying it happened, counted once per meeting, the rule of
/// <see cref="MeetingsHeld"/>) and the check-in ratings. Every figure is then computed "as of" a moment, so the
/// same code gives today's value and each month's value for the trend (ADR 27).
/// </summary>
public sealed class ProgramFacts
{
    public required MentorshipProgram Program { get; init; }
    public required IReadOnlyList<RelationshipFact> Relationships { get; init; }

    /// <summary>Per relationship, when each meeting held happened, in order.</summary>
    public required IReadOnlyDictionary<Guid, List<DateTime>> Held { get; init; }

    /// <summary>Check-in ratings (1–5) with when the meeting happened, in order.</summary>
    public required IReadOnlyList<(DateTime At, int Rating)> Ratings { get; init; }
    public required DateTime Now { get; init; }

    public int CadenceDays => EngagementOptions.CadenceDays(Program.Cadence);

    public static async Task<ProgramFacts> LoadAsync(TandemDb db, MentorshipProgram program, DateTime now, CancellationToken ct)
    {
        var relationships = await db.Set<Relationship>().Where(r => r.ProgramId == program.Id)
            .Select(r => new RelationshipFact(r.Id, r.StartsOn, r.Status, r.EndedAt, r.PoorFitFlaggedAt))
            .ToListAsync(ct);
        var checkIns = await db.Set<CheckIn>()
            .Join(db.Set<Relationship>().Where(r => r.ProgramId == program.Id), c => c.RelationshipId, r => r.Id, (c, r) => c)
            .Where(c => c.Happened)
            .Select(c => new { c.RelationshipId, Meeting = c.MeetingId ?? c.Id, c.OccurredAt, c.Rating })
            .ToListAsync(ct);
        var held = checkIns.GroupBy(c => c.RelationshipId).ToDictionary(
            g => g.Key,
            g => g.GroupBy(c => c.Meeting).Select(m => m.Min(c => c.OccurredAt)).Order().ToList());
        var ratings = checkIns.Where(c => c.Rating is not null).Select(c => (c.OccurredAt, c.Rating!.Value)).OrderBy(r => r.OccurredAt).ToList();
        return new ProgramFacts { Program = program, Relationships = relationships, Held = held, Ratings = ratings, Now = now };
    }

    public int HeldBy(Guid relationshipId, DateTime at) =>
        Held.TryGetValue(relationshipId, out var dates) ? CountUpTo(dates, at) : 0;

    public DateTime? LastContactBy(Guid relationshipId, DateTime at)
    {
        if (!Held.TryGetValue(relationshipId, out var dates))
        {
            return null;
        }
        var n = CountUpTo(dates, at);
        return n == 0 ? null : dates[n - 1];
    }

    /// <summary>The meetings the cadence expects of a relationship by <paramref name="at"/> (whole cadence periods since it started).</summary>
    public int ExpectedBy(RelationshipFact r, DateTime at)
    {
        var end = r.EndedAt is { } ended && ended < at ? ended : at;
        var days = (end - r.StartedAt).TotalDays;
        return days <= 0 ? 0 : (int)Math.Floor(days / CadenceDays);
    }

    /// <summary>Pairs meeting at the cadence: of the relationships running at <paramref name="at"/> that the cadence expected at least one meeting of, the share that held as many as it expects.</summary>
    public Measured MeetingRate(DateTime at)
    {
        var counted = 0;
        var meeting = 0;
        foreach (var r in Relationships)
        {
            if (!r.RunningAt(at))
            {
                continue;
            }
            var expected = ExpectedBy(r, at);
            if (expected < 1)
            {
                continue;
            }
            counted++;
            if (HeldBy(r.Id, at) >= expected)
            {
                meeting++;
            }
        }
        var cadence = Program.Cadence.ToString().ToLowerInvariant();
        return counted == 0
            ? new Measured(null, $"No relationship has run a full {cadence} period yet.")
            : new Measured(100.0 * meeting / counted, $"{meeting} of {counted} running relationships have held every meeting their {cadence} cadence expects so far.");
    }

    /// <summary>Retention: of the relationships started by <paramref name="at"/>, the share that had not ended early by then.</summary>
    public Measured Retention(DateTime at)
    {
        var started = Relationships.Where(r => r.StartedAt <= at).ToList();
        if (started.Count == 0)
        {
            return new Measured(null, "No relationship has started yet.");
        }
        var lost = started.Count(r => r.Status == RelationshipStatus.EndedEarly && r.EndedAt <= at);
        return new Measured(100.0 * (started.Count - lost) / started.Count,
            $"{started.Count - lost} of {Counted.Of(started.Count, "relationship")} that started {(started.Count - lost == 1 ? "has" : "have")} not ended early ({lost} ended early).");
    }

    /// <summary>The mean check-in rating (1–5) of meetings held by <paramref name="at"/>.</summary>
    public Measured SessionRating(DateTime at)
    {
        var n = 0;
        var sum = 0.0;
        foreach (var (when, rating) in Ratings)
        {
            if (when > at)
            {
                break;
            }
            n++;
            sum += rating;
        }
        return n == 0
            ? new Measured(null, "No check-in has a rating yet.")
            : new Measured(sum / n, $"The mean of {n} check-in rating{(n == 1 ? "" : "s")} (1 = badly, 5 = very well).");
    }

    /// <summary>The last day of each month from the program's start (or creation) to now, at most <paramref name="months"/>, then now.</summary>
    public IReadOnlyList<DateTime> TrendMoments(int months = 12)
    {
        var from = Program.StartsOn?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? Program.CreatedAt;
        var first = Relationships.Count == 0 ? from : Relationships.Min(r => r.StartedAt);
        if (first < from)
        {
            from = first;
        }
        var moments = new List<DateTime>();
        var monthStart = new DateTime(from.Year, from.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var m = monthStart.AddMonths(1); m <= Now; m = m.AddMonths(1))
        {
            moments.Add(m.AddTicks(-1));
        }
        moments.Add(Now);
        return moments.Count > months + 1 ? moments.Skip(moments.Count - months - 1).ToList() : moments;
    }

    private static int CountUpTo(List<DateTime> sorted, DateTime at)
    {
        var lo = 0;
        var hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>A measure's value (null when there is nothing to measure yet) and what it was computed from, in words.</summary>
public sealed record Measured(double? Value, string Basis);
