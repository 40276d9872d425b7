using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>
/// Tells the members of a relationship when a coordinator changes it: paused, resumed, completed, ended, or a
/// person re-matched (the new partners hear who and why; the old ones that it ended). The coordinator's reason
/// for ending stays with the coordinators: it may be about one member, so members are told to ask instead.
/// </summary>
public sealed class RelationshipNotices(TandemDb db, Notify notify)
{
    public async Task StatusChangedAsync(Guid relationshipId, RelationshipStatus status, CancellationToken ct)
    {
        var (program, members) = await LoadAsync(relationshipId, ct);
        var (title, text) = status switch
        {
            RelationshipStatus.Paused => ("is paused", "Your coordinator paused your relationship with {0}. No meetings are expected while it is paused; you will hear when it starts again."),
            RelationshipStatus.Active => ("is running again", "Your relationship with {0} is running again. Propose your next meeting on your meetings page."),
            RelationshipStatus.Completed => ("is complete", "Your relationship with {0} is marked complete. Thank you for taking part."),
            _ => ("has ended", "Your coordinator ended your relationship with {0}. If you have questions, please contact your coordinator."),
        };
        await notify.RunAsync(members.Select(m => new NotificationMessage(m.UserId, $"Your mentoring in {program} {title}",
            string.Format(text, Others(members, m.UserId)), "/my/relationships")).ToList(), ct);
    }

    public async Task RematchedAsync(Guid oldRelationshipId, Guid newRelationshipId, CancellationToken ct)
    {
        var (program, before) = await LoadAsync(oldRelationshipId, ct);
        var (_, after) = await LoadAsync(newRelationshipId, ct);
        var relationship = await db.Set<Relationship>().Where(r => r.Id == newRelationshipId).Select(r => new { r.StartsOn, r.MatchExplanation }).SingleAsync(ct);
        var messages = before.Where(m => after.All(a => a.UserId != m.UserId))
            .Select(m => new NotificationMessage(m.UserId, $"Your mentoring in {program} has ended",
                $"Your coordinator ended your relationship with {Others(before, m.UserId)} and matched them with someone else. If you have questions, please contact your coordinator.",
                "/my/relationships"))
            .ToList();
        messages.AddRange(Introductions(program, after, relationship.StartsOn, relationship.MatchExplanation, "new "));
        await notify.RunAsync(messages, ct);
    }

    /// <summary>A relationship started outside a published draft (late joiners): each member hears who and why.</summary>
    public async Task StartedAsync(Guid relationshipId, CancellationToken ct)
    {
        var (program, members) = await LoadAsync(relationshipId, ct);
        var relationship = await db.Set<Relationship>().Where(r => r.Id == relationshipId).Select(r => new { r.StartsOn, r.MatchExplanation }).SingleAsync(ct);
        await notify.RunAsync(Introductions(program, members, relationship.StartsOn, relationship.MatchExplanation, "").ToList(), ct);
    }

    private static IEnumerable<NotificationMessage> Introductions(string program, List<Member> members, DateOnly startsOn, string? explanation, string adjective) =>
        members.Select(member =>
        {
            var others = members.Where(m => m.UserId != member.UserId).ToList();
            var title = member.Role == ProgramRole.Mentee && others.Any(o => o.Role == ProgramRole.Mentor) ? $"Your {adjective}mentor"
                : member.Role == ProgramRole.Mentor ? (others.Count > 1 ? $"Your {adjective}mentees" : $"Your {adjective}mentee")
                : $"Your {adjective}partner";
            var why = string.IsNullOrWhiteSpace(explanation) ? "" : $"\nWhy you were matched: {explanation}";
            return new NotificationMessage(member.UserId, $"{title} in {program}",
                $"{program}: from {startsOn:d MMMM yyyy} you are matched with {Others(members, member.UserId)}.{why}", "/my/relationships");
        });

    private sealed record Member(Guid UserId, string Name, ProgramRole Role);

    private async Task<(string Program, List<Member> Members)> LoadAsync(Guid relationshipId, CancellationToken ct)
    {
        var program = await db.Set<Relationship>().Where(r => r.Id == relationshipId)
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => p.Name).SingleAsync(ct);
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new Member(u.Id, u.DisplayName, m.Role))
            .ToListAsync(ct);
        return (program, members.OrderBy(m => m.Name).ToList());
    }

    private static string Others(IEnumerable<Member> members, Guid me) =>
        string.Join(", ", members.Where(m => m.UserId != me).Select(m => m.Name));
}
