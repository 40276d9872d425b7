using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

/// <summary>A suggested start, with the same instant on each member's own wall clock.</summary>
public sealed record SuggestedTime(DateTime StartsAt, IReadOnlyList<LocalTime> ForEachPerson);

public sealed record LocalTime(Guid UserId, string DisplayName, string TimeZoneId, DateTime LocalStartsAt);

public sealed record TimeSuggestions(IReadOnlyList<SuggestedTime> Times, IReadOnlyList<string> WithoutAvailability);

/// <summary>
/// Suggests starts in the hours every member marked free on their application's weekly availability grid
/// (stored in UTC hour slots, see <see cref="WeeklyGrid"/>), over the next two weeks, at most one a day and none on a day
/// that already has a proposed or accepted meeting of the relationship.
/// Members without a grid are named so the proposer knows why there are no suggestions.
/// </summary>
public sealed class SuggestTimes(TandemDb db, MeetingAccess access, TimeProvider clock)
{
    public const int Days = 14;
    public const int MaxSuggestions = 8;

    public async Task<Outcome<TimeSuggestions>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await access.FindRelationshipAsync(actor, relationshipId, ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.DisplayName, u.TimeZoneId })
            .OrderBy(m => m.DisplayName).ToListAsync(ct);
        var memberIds = members.Select(m => m.Id).ToList();
        var applications = await db.Set<Application>()
            .Where(a => a.ProgramId == relationship.ProgramId && memberIds.Contains(a.UserId) && a.Status != ApplicationStatus.Draft && a.QuestionnaireId != null)
            .Join(db.Set<Questionnaire>(), a => a.QuestionnaireId, q => q.Id, (a, q) => new { a.UserId, a.AnswersJson, q.QuestionsJson, a.UpdatedAt })
            .ToListAsync(ct);
        var grids = new Dictionary<Guid, HashSet<int>>();
        foreach (var application in applications.OrderBy(a => a.UpdatedAt))
        {
            var slots = Slots(application.QuestionsJson, application.AnswersJson);
            if (slots.Count > 0)
            {
                grids[application.UserId] = slots;
            }
        }
        var without = members.Where(m => !grids.ContainsKey(m.Id)).Select(m => m.DisplayName).ToList();
        if (without.Count > 0 || members.Count == 0)
        {
            return new TimeSuggestions([], without);
        }
        var shared = grids.Values.Aggregate((a, b) => a.Intersect(b).ToHashSet());
        var now = clock.GetUtcNow().UtcDateTime;
        var next = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(2);
        var times = new List<SuggestedTime>();
        // Days that already have a planned meeting of this relationship are not suggested again.
        var planned = await db.Set<Meeting>()
            .Where(m => m.RelationshipId == relationshipId && m.StartsAt >= next && m.StartsAt < next.AddDays(Days)
                && (m.Status == MeetingStatus.Proposed || m.Status == MeetingStatus.Accepted))
            .Select(m => m.StartsAt).ToListAsync(ct);
        var days = planned.Select(DateOnly.FromDateTime).ToHashSet();
        for (var at = next; at < next.AddDays(Days) && times.Count < MaxSuggestions; at = at.AddHours(1))
        {
            if (shared.Contains(Slot(at)) && days.Add(DateOnly.FromDateTime(at)))
            {
                times.Add(new SuggestedTime(at, members.Select(m => new LocalTime(m.Id, m.DisplayName, m.TimeZoneId, Zones.ToLocal(at, m.TimeZoneId))).ToList()));
            }
        }
        return new TimeSuggestions(times, []);
    }

    /// <summary>Monday 00:00 UTC = 0 … Sunday 23:00 UTC = 167.</summary>
    public static int Slot(DateTime utc) => ((int)utc.DayOfWeek + 6) % 7 * 24 + utc.Hour;

    private static HashSet<int> Slots(string questionsJson, string answersJson)
    {
        var slots = new HashSet<int>();
        var availability = Questionnaire.Parse(questionsJson).Where(q => q.Type == QuestionType.Availability).Select(q => q.Id).ToList();
        if (availability.Count == 0)
        {
            return slots;
        }
        var answers = AnswerSheet.Parse(answersJson);
        foreach (var id in availability)
        {
            if (answers.TryGetValue(id, out var value) && value.ValueKind == JsonValueKind.Array)
            {
                foreach (var slot in value.EnumerateArray())
                {
                    if (slot.TryGetInt32(out var s) && s is >= 0 and < AnswerSheet.SlotsPerWeek)
                    {
                        slots.Add(s);
                    }
                }
            }
        }
        return slots;
    }
}
