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

/// <param name="Notified">How many members were told.</param>
/// <param name="Asked">The names of the members told, for the coordinator's page.</param>
/// <param name="NotAsked">In a group, the names of members the program may not contact until a consent it needs is given.</param>
public sealed record AskToScheduleResult(int Notified, int SuggestedTimes, IReadOnlyList<string> Asked, IReadOnlyList<string> NotAsked);

/// <summary>
/// A coordinator asks a pair or group to schedule their next meeting (the "schedule" action of engagement health:
/// in a pair only the members propose times). Each member is notified, by their own channel choice, with the next
/// times they are all free on their own clock and a link to their meetings page. A member whose account is disabled (or
/// erased) is neither asked nor named, and nobody the program may not contact (ADR 48) is asked. As for the reminders
/// (ADR 96, ADR 112), members are asked only while at least two of them can hear of what they propose: a pair whose
/// partner is held back or disabled is not asked at all (409 saying who cannot be contacted); in a group the others are.
/// </summary>
public sealed class AskToSchedule(TandemDb db, RelationshipAccess relationships, SuggestTimes suggestTimes, Notify notify, IProgramConsent consent)
{
    public const int TimesInMessage = 3;

    public const string TooFew = "Fewer than two members can be reached (an account is disabled), so nobody was asked.";

    public static string HeldBack(IReadOnlyList<string> names, bool othersAsked) =>
        $"{string.Join(" and ", names)} cannot be contacted by the program until a consent it needs is given, so "
        + (othersAsked ? $"{(names.Count == 1 ? "was" : "were")} not asked." : "nobody was asked.");

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
        var enabled = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users.Where(u => !u.IsDisabled), m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var held = await consent.UnconsentedAmongAsync(relationship.ProgramId, enabled.Select(m => m.Id).ToList(), ct);
        var heldNames = enabled.Where(m => held.Contains(m.Id)).Select(m => m.DisplayName).ToList();
        var members = enabled.Where(m => !held.Contains(m.Id)).ToList();
        // Asking one side to propose a time to someone who hears nothing of it (or is gone) invites a meeting never answered.
        if (members.Count < 2)
        {
            return new Conflict(heldNames.Count > 0 ? HeldBack(heldNames, othersAsked: false) : TooFew);
        }
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
        var sent = (await notify.ToProgramAsync(relationship.ProgramId, messages, ct)).Select(n => n.UserId).ToHashSet();
        return new AskToScheduleResult(sent.Count, times.Count, members.Where(m => sent.Contains(m.Id)).Select(m => m.DisplayName).ToList(), heldNames);
    }
}
