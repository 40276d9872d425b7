using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Concerns;
using Tandem.Features.Engagement;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Reports;

public sealed record ChannelRow(string Channel, long Views, long Starts, long Submissions);

public sealed record RoleRow(ProgramRole Role, int Enrolled, int Matched, int Waiting);

public sealed record MonthMeetings(string Month, int Held, int Expected);

public sealed record TrendRow(DateOnly AsOf, double? MeetingRate, double? Retention, double? SessionRating);

public sealed record HealthRow(DateOnly AsOf, int OnTrack, int Drifting, int AtRisk);

public sealed record SurveyRow(Guid SurveyId, string Title, SurveyStatus Status, bool Anonymous, int Responses);

public sealed record ConcernRow(ConcernState State, int Count);

/// <summary>
/// Everything a program's dashboard shows, as figures (the page and the PDF draw the same ones). <see cref="RatingCounts"/>
/// (check-ins rated 1 to 5) is empty and <see cref="MeanRating"/> null while the ratings are too few to show
/// (ADR 100); <see cref="RatingsNote"/> then says why.
/// </summary>
public sealed record ProgramDashboard(
    Guid ProgramId,
    string ProgramName,
    string OrganisationName,
    ProgramStatus Status,
    Cadence Cadence,
    DateTime MeasuredAt,
    IReadOnlyList<ChannelRow> Channels,
    IReadOnlyDictionary<ApplicationStatus, int> Applications,
    IReadOnlyList<RoleRow> Matching,
    IReadOnlyList<MonthMeetings> Meetings,
    IReadOnlyList<TrendRow> Trend,
    IReadOnlyList<int> RatingCounts,
    double? MeanRating,
    string? RatingsNote,
    IReadOnlyList<HealthRow> Health,
    IReadOnlyList<SurveyRow> Surveys,
    IReadOnlyList<ConcernRow> OpenConcerns,
    int ConcernsOverdue,
    IReadOnlyList<ObjectiveProgress> Objectives,
    GoalFigures Goals);

/// <summary>
/// A program's dashboard for its coordinators: applicants by recruitment channel, matched and waiting, meetings
/// held against the cadence month by month, retention, session ratings, survey responses, open concerns and
/// relationship health over time, and the pairs' goals and action items (ADR 59). Safeguarding concerns are not counted here: only the organisation's
/// designated leads see them (ADR 23), on the concerns page.
/// </summary>
public sealed class GetProgramDashboard(TandemDb db, ProgramAccess access, ConcernAccess concernAccess, MeasureObjectives objectives, EngagementHealth health,
    IProgramGoalFigures goals, TimeProvider clock)
{
    public async Task<Outcome<ProgramDashboard>> RunAsync(Actor actor, Guid programId, bool charts = false, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, withObjectives: true, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var facts = await ProgramFacts.LoadAsync(db, program, clock.GetUtcNow().UtcDateTime, ct);
        return await BuildAsync(facts, actor, charts, ct);
    }

    /// <param name="reader">
    /// Who reads it: only the concerns they handle are counted (ADR 98), so never one about them, named or about their pair
    /// (ADR 23: a concern is never shown to the person it is about).
    /// </param>
    public async Task<ProgramDashboard> BuildAsync(ProgramFacts facts, Actor reader, bool charts, CancellationToken ct)
    {
        var program = facts.Program;
        var programId = program.Id;
        var organisation = await db.Organisations.Where(o => o.Id == program.OrganisationId).Select(o => o.Name).SingleAsync(ct);

        var channels = await db.Set<RecruitmentChannel>().Where(c => c.ProgramId == programId).OrderBy(c => c.Name)
            .Select(c => new ChannelRow(c.Name, c.Views, c.Starts, c.Submissions)).ToListAsync(ct);
        var applications = (await db.Set<Application>().Where(a => a.ProgramId == programId)
            .GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => g.Key, g => g.Count);
        var submitted = applications.Where(a => a.Key != ApplicationStatus.Draft).Sum(a => a.Value);
        var direct = submitted - channels.Sum(c => c.Submissions);
        if (direct > 0)
        {
            channels.Add(new ChannelRow("Direct (no channel link)", 0, 0, direct));
        }

        var enrolled = await db.Enrolments.Where(e => e.ProgramId == programId && e.Role != ProgramRole.Coordinator && e.Role != ProgramRole.Staff)
            .GroupBy(e => e.Role).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var matched = await db.Set<RelationshipMember>()
            .Join(db.Set<Relationship>().Where(r => r.ProgramId == programId && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused)),
                m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, m.Role })
            .Distinct().GroupBy(m => m.Role).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var matching = enrolled.OrderBy(e => e.Key).Select(e =>
        {
            var m = matched.FirstOrDefault(x => x.Key == e.Key)?.Count ?? 0;
            return new RoleRow(e.Key, e.Count, m, Math.Max(0, e.Count - m));
        }).ToList();

        var moments = facts.TrendMoments();
        var trend = moments.Select(m => new TrendRow(DateOnly.FromDateTime(m), facts.MeetingRate(m).Value, facts.Retention(m).Value, facts.SessionRating(m).Value)).ToList();
        var meetings = Months(facts, moments);

        // The histogram and the mean follow the session-rating rule (ADR 100): both shown, of the ratings up to now, only
        // when the trend's "now" point is; otherwise neither, and the reason instead.
        var rating = facts.SessionRating(facts.Now);
        var ratingCounts = rating.Value is null ? [] : Enumerable.Range(1, 5).Select(n => facts.Ratings.Count(r => r.Rating == n && r.At <= facts.Now)).ToList();
        var ratingsNote = rating.Value is null && facts.Ratings.Any(r => r.At <= facts.Now) ? rating.Basis : null;

        var healthRows = moments.Select(m => Health(facts, m)).ToList();

        var surveys = await db.Set<Survey>().Where(s => s.ProgramId == programId).OrderByDescending(s => s.CreatedAt)
            .Select(s => new SurveyRow(s.Id, s.Title, s.Status, s.Anonymous, db.Set<SurveyResponse>().Count(r => r.SurveyId == s.Id)))
            .Take(20).ToListAsync(ct);

        var open = concernAccess.Handled(reader).Where(c => c.ProgramId == programId && c.Category != ConcernCategory.Safeguarding
            && c.State != ConcernState.Resolved && c.State != ConcernState.Escalated);
        var concerns = (await open.GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .OrderBy(c => c.Key).Select(c => new ConcernRow(c.Key, c.Count)).ToList();
        var overdue = await open.CountAsync(c => c.State == ConcernState.Received && c.AcknowledgeBy < facts.Now, ct);

        var measured = await objectives.MeasureAsync(facts, charts, ct);
        var goalFigures = await goals.CountAsync(programId, ct);
        return new ProgramDashboard(programId, program.Name, organisation, program.Status, program.Cadence, facts.Now,
            channels, applications, matching, meetings, trend, ratingCounts, rating.Value, ratingsNote, healthRows, surveys, concerns, overdue, measured, goalFigures);
    }

    /// <summary>Per month: meetings held, and the meetings the cadence expected of the relationships running in it (pro rata).</summary>
    private static List<MonthMeetings> Months(ProgramFacts facts, IReadOnlyList<DateTime> moments)
    {
        var rows = new List<MonthMeetings>();
        foreach (var end in moments)
        {
            var start = new DateTime(end.Year, end.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var held = 0;
            var expected = 0.0;
            foreach (var r in facts.Relationships)
            {
                held += facts.HeldBy(r.Id, end) - facts.HeldBy(r.Id, start.AddTicks(-1));
                if (r.Status == RelationshipStatus.Paused)
                {
                    continue;
                }
                var from = r.StartedAt > start ? r.StartedAt : start;
                var to = r.EndedAt is { } ended && ended < end ? ended : end;
                if (to > from)
                {
                    expected += (to - from).TotalDays / facts.CadenceDays;
                }
            }
            rows.Add(new MonthMeetings(end == facts.Now ? $"{end:MMM yy} so far" : end.ToString("MMM yy"), held, (int)Math.Round(expected)));
        }
        return rows;
    }

    /// <summary>How many running relationships were on track, drifting and at risk then, by the engagement rule.</summary>
    private HealthRow Health(ProgramFacts facts, DateTime at)
    {
        int onTrack = 0, drifting = 0, atRisk = 0;
        foreach (var r in facts.Relationships.Where(r => r.RunningAt(at)))
        {
            var poorFit = r.PoorFitAt is { } flagged && flagged <= at ? flagged : (DateTime?)null;
            var verdict = health.Assess(r.Id, facts.Program.Id, RelationshipStatus.Active, r.StartsOn, poorFit, facts.Program.Cadence, [],
                facts.HeldBy(r.Id, at), 0, facts.LastContactBy(r.Id, at), null, at);
            switch (verdict.Status)
            {
                case HealthStatus.OnTrack: onTrack++; break;
                case HealthStatus.Drifting: drifting++; break;
                default: atRisk++; break;
            }
        }
        return new HealthRow(DateOnly.FromDateTime(at), onTrack, drifting, atRisk);
    }
}
