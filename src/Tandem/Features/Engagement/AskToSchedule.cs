using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed record AskToScheduleResult(int Notified, int SuggestedTimes);

/// <summary>
/// A coordinator asks a pair or group to schedule their next meeting (the "schedule" action of engagement health:
/// in a pair only the members propose times). Each member is notified, by their own channel choice, with the next
/// times they are all free on their own clock and a link to their meetings page. A member whose account is disabled (or
/// erased) is neither asked nor named, and nobody the program may not contact (ADR 48) is asked.
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
            .Join(db.Users.Where(u => !u.IsDisabled), m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.DisplayName }).ToListAsync(ct);
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
                    var mine = t.ForEachPerson.First(p => p.UserId == member.Id);
                    body.Append(CultureInfo.InvariantCulture, $"\n- {mine.LocalStartsAt:dddd d MMMM, HH:mm}");
                }
            }
            body.Append("\nPropose one on your meetings page.");
            return new NotificationMessage(member.Id, NotificationKind.Reminders, "Time to schedule your next meeting", body.ToString(), $"/relationships/{relationshipId}/meetings");
        }).ToList();
        var sent = await notify.ToProgramAsync(relationship.ProgramId, messages, ct);
        return new AskToScheduleResult(sent.Count, times.Count);
    }
}
