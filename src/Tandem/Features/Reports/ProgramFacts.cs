using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Figures;
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

    /// <summary>
    /// The mean check-in rating (1–5) of meetings held by <paramref name="at"/>, as the reports may show it (ADR 100).
    /// A check-in rating is one person's answer, often a minor's, so a mean is shown only of at least
    /// <see cref="SmallGroups.Minimum"/> ratings, and only when it differs from the figure shown at the end of the
    /// month before it by at least that many ratings (or by none): otherwise the two figures side by side, in the trend
    /// or on two dashboards, would give away the ratings added between them. A value held back is null, with why.
    /// </summary>
    public Measured SessionRating(DateTime at)
    {
        var n = RatedBy(at);
        if (n == 0)
        {
            return new Measured(null, "No check-in has a rating yet.");
        }
        var shown = 0;
        var shownAt = (DateTime?)null;
        foreach (var end in MonthEndsBefore(at))
        {
            var k = RatedBy(end);
            if (Shows(k, shown))
            {
                (shown, shownAt) = (k, end);
            }
        }
        if (n < SmallGroups.Minimum)
        {
            return new Measured(null, $"Shown once at least {SmallGroups.Minimum} check-ins are rated ({n} so far), so that no one's rating can be read off.",
                $"not shown: fewer than {SmallGroups.Minimum} ratings");
        }
        if (!Shows(n, shown))
        {
            return new Measured(null, $"Held back: {Counted.Of(n - shown, "check-in")} rated since {shownAt:d MMMM yyyy}, and the mean is shown again once at least "
                + $"{SmallGroups.Minimum} have been, so that no one's rating can be worked out from the change.",
                $"not shown: fewer than {SmallGroups.Minimum} new ratings");
        }
        return new Measured(ratingSums![n] / n, $"The mean of {n} check-in rating{(n == 1 ? "" : "s")} (1 = badly, 5 = very well).");
    }

    private static bool Shows(int rated, int ratedWhenLastShown) =>
        rated >= SmallGroups.Minimum && (rated == ratedWhenLastShown || rated - ratedWhenLastShown >= SmallGroups.Minimum);

    private DateTime[]? ratingTimes;
    private double[]? ratingSums;

    /// <summary>How many ratings were given by <paramref name="at"/> (ratings are in order of when the meeting happened).</summary>
    private int RatedBy(DateTime at)
    {
        if (ratingTimes is null)
        {
            ratingTimes = Ratings.Select(r => r.At).ToArray();
            ratingSums = new double[Ratings.Count + 1];
            for (var i = 0; i < Ratings.Count; i++)
            {
                ratingSums[i + 1] = ratingSums[i] + Ratings[i].Rating;
            }
        }
        var lo = 0;
        var hi = ratingTimes.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (ratingTimes[mid] <= at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The last moment of each month from the program's first month (as <see cref="TrendMoments"/> counts them) that ends before <paramref name="at"/>.</summary>
    private IEnumerable<DateTime> MonthEndsBefore(DateTime at)
    {
        var from = FirstMonth();
        for (var m = from.AddMonths(1); m.AddTicks(-1) < at; m = m.AddMonths(1))
        {
            yield return m.AddTicks(-1);
        }
    }

    private DateTime FirstMonth()
    {
        var from = Program.StartsOn?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? Program.CreatedAt;
        var first = Relationships.Count == 0 ? from : Relationships.Min(r => r.StartedAt);
        if (first < from)
        {
            from = first;
        }
        // A program dated in the future (as far as 9999-12-31) starts its trend now: a month after the last one does not exist.
        if (from > Now)
        {
            from = Now;
        }
        return new DateTime(from.Year, from.Month, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>The last day of each month from the program's start (or creation) to now, at most <paramref name="months"/>, then now.</summary>
    public IReadOnlyList<DateTime> TrendMoments(int months = 12)
    {
        var moments = new List<DateTime>();
        var monthStart = FirstMonth();
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

/// <summary>
/// A measure's value (null when there is nothing to measure yet, or it is held back) and what it was computed from, in
/// words; <paramref name="HeldBack"/> says briefly why a value is not shown, for a trend's table.
/// </summary>
public sealed record Measured(double? Value, string Basis, string? HeldBack = null);
