using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed record HealthSummary(int AtRisk, int Drifting, int OnTrack);

public sealed record ProgramHealthView(Guid ProgramId, string ProgramName, Cadence Cadence, HealthSummary Summary, Paged<RelationshipHealth> Relationships);

/// <summary>The coordinator's view of a program's open relationships: at risk first, then drifting, then on track.</summary>
public sealed class GetProgramHealth(TandemDb db, ProgramAccess programs, EngagementHealth health)
{
    public async Task<Outcome<ProgramHealthView>> RunAsync(Actor actor, Guid programId, int page, int pageSize, HealthStatus? status, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var paging = PageRequest.Clamp(page, pageSize);
        // Status depends on every relationship's aggregates, so the program is assessed as a whole (grouped
        // queries) and then ordered and paged.
        var all = await health.ForAsync(db.Set<Relationship>().Where(r => r.ProgramId == programId), ct);
        var summary = new HealthSummary(all.Count(h => h.Status == HealthStatus.AtRisk), all.Count(h => h.Status == HealthStatus.Drifting), all.Count(h => h.Status == HealthStatus.OnTrack));
        var filtered = status is { } s ? all.Where(h => h.Status == s).ToList() : all;
        var items = filtered
            .OrderBy(h => h.Status).ThenByDescending(h => h.DaysWithoutContact).ThenBy(h => h.RelationshipId)
            .Page(paging).ToList();
        return new ProgramHealthView(program.Id, program.Name, program.Cadence, summary, paging.Of(items, filtered.Count));
    }
}

/// <summary>One relationship's health, for its members and the program's coordinators.</summary>
public sealed class GetRelationshipHealth(RelationshipAccess relationships, EngagementHealth health)
{
    public async Task<Outcome<RelationshipHealth>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var readable = relationships.Readable(actor).Where(r => r.Id == relationshipId);
        var found = await health.ForAsync(readable, ct);
        if (found.Count == 1)
        {
            return found[0];
        }
        return await readable.AnyAsync(ct)
            ? new Conflict("This relationship has ended; it no longer has a health status.")
            : new NotFound("No relationship with this id is visible to you.");
    }
}

public sealed class MessagePairRequest
{
    [Required, StringLength(200, MinimumLength = 1)]
    public string Title { get; set; } = "";

    [Required, StringLength(Notification.BodyMax, MinimumLength = 1)]
    public string Body { get; set; } = "";
}

public sealed record MessagePairResult(int Notified);

/// <summary>A coordinator writes to every member of a pair or group (in-app, and by e-mail per each person's choice).</summary>
public sealed class MessagePair(TandemDb db, RelationshipAccess relationships, Notify notify)
{
    public async Task<Outcome<MessagePairResult>> RunAsync(Actor actor, Guid relationshipId, MessagePairRequest request, CancellationToken ct = default)
    {
        var found = await relationships.FindManageableAsync(actor, relationshipId, ct, "Only the program's coordinators message a pair from here.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var memberIds = found.Value!.Members.Select(m => m.UserId).ToList();
        var sender = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Your coordinator";
        await notify.RunAsync(memberIds.Select(id => new NotificationMessage(id, request.Title, $"{request.Body.Trim()}\n\n— {sender}", $"/relationships/{relationshipId}/check-ins")).ToList(), ct);
        return new MessagePairResult(memberIds.Count);
    }
}

public sealed record AskToScheduleResult(int Notified, int SuggestedTimes);

/// <summary>
/// A coordinator asks a pair or group to schedule their next meeting (the "schedule" action of engagement health:
/// in a pair only the members propose times). Each member is notified, by their own channel choice, with the next
/// times they are all free on their own clock and a link to their meetings page.
/// </summary>
public sealed class AskToSchedule(TandemDb db, RelationshipAccess relationships, SuggestTimes suggestTimes, Notify notify)
{
    public const int TimesInMessage = 3;

    public async Task<Outcome<AskToScheduleResult>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var found = await relationships.FindManageableAsync(actor, relationshipId, ct, "Only the program's coordinators ask a pair to schedule.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        if (relationship.Status != RelationshipStatus.Active)
        {
            return new Conflict($"The relationship is {relationship.Status.ToString().ToLowerInvariant()}; only an active one schedules meetings.");
        }
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var sender = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Your coordinator";
        var times = (await suggestTimes.RunAsync(actor, relationshipId, ct)).Value?.Times.Take(TimesInMessage).ToList() ?? [];
        var messages = members.Select(member =>
        {
            var others = string.Join(", ", members.Where(m => m.Id != member.Id).Select(m => m.DisplayName));
            var body = new StringBuilder($"{sender} asks you to schedule your next meeting with {others}.");
            if (times.Count > 0)
            {
                body.Append("\nYou are all free at these times (your time zone):");
                foreach (var t in times)
                {
                    var mine = t.ForEachPerson.Single(p => p.UserId == member.Id);
                    body.Append(CultureInfo.InvariantCulture, $"\n- {mine.LocalStartsAt:dddd d MMMM, HH:mm}");
                }
            }
            body.Append("\nPropose one on your meetings page.");
            return new NotificationMessage(member.Id, "Time to schedule your next meeting", body.ToString(), $"/relationships/{relationshipId}/meetings");
        }).ToList();
        await notify.RunAsync(messages, ct);
        return new AskToScheduleResult(messages.Count, times.Count);
    }
}
