using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>
/// Tells the members of a relationship when a coordinator changes it: paused, resumed, completed, ended, or a
/// person re-matched (the new partners hear who and why; the old ones that it ended). The coordinator's reason
/// for ending stays with the coordinators: it may be about one member, so members are told to ask instead.
/// Every notice goes through the program's consent gate (ADR 48, <see cref="Notify.ToProgramAsync"/>): a member the
/// program may not contact (a withdrawn consent, a guardian not yet asked or answered) is told nothing.
/// </summary>
public sealed class RelationshipNotices(TandemDb db, Notify notify)
{
    public async Task StatusChangedAsync(Guid relationshipId, RelationshipStatus status, CancellationToken ct) =>
        await StatusChangedAsync(relationshipId, status, consentPause: false, ct);

    /// <summary>
    /// A relationship paused because a member's consent was withdrawn (ADR 48; ADR 91). The withdrawn member is not told
    /// (the gate holds them back); the others are told the truth, that it waits for a consent, without whose or why.
    /// </summary>
    public async Task PausedForConsentAsync(Guid relationshipId, CancellationToken ct) =>
        await StatusChangedAsync(relationshipId, RelationshipStatus.Paused, consentPause: true, ct);

    private async Task StatusChangedAsync(Guid relationshipId, RelationshipStatus status, bool consentPause, CancellationToken ct)
    {
        var told = (await LoadAsync([relationshipId], ct))[relationshipId];
        var (title, text) = status switch
        {
            RelationshipStatus.Paused when consentPause => ("is paused", "Your relationship with {0} is paused while a consent the program needs is not given. No meetings are expected while it is paused; you will hear when it starts again."),
            RelationshipStatus.Paused => ("is paused", "Your coordinator paused your relationship with {0}. No meetings are expected while it is paused; you will hear when it starts again."),
            RelationshipStatus.Active => ("is running again", "Your relationship with {0} is running again. Propose your next meeting on your meetings page."),
            RelationshipStatus.Completed => ("is complete", "Your relationship with {0} is marked complete. Thank you for taking part."),
            _ => ("has ended", "Your coordinator ended your relationship with {0}. If you have questions, please contact your coordinator."),
        };
        await notify.ToProgramAsync(told.ProgramId, told.Members.Select(m => new NotificationMessage(m.UserId, NotificationKind.Matches, $"Your mentoring in {told.Program} {title}",
            string.Format(text, Others(told.Members, m.UserId)), "/my/relationships")).ToList(), ct);
    }

    public async Task RematchedAsync(Guid oldRelationshipId, Guid newRelationshipId, CancellationToken ct)
    {
        var loaded = await LoadAsync([oldRelationshipId, newRelationshipId], ct);
        var (before, after) = (loaded[oldRelationshipId], loaded[newRelationshipId]);
        var messages = before.Members.Where(m => after.Members.All(a => a.UserId != m.UserId))
            .Select(m => new NotificationMessage(m.UserId, NotificationKind.Matches, $"Your mentoring in {before.Program} has ended",
                $"Your coordinator ended your relationship with {Others(before.Members, m.UserId)} and matched them with someone else. If you have questions, please contact your coordinator.",
                "/my/relationships"))
            .ToList();
        messages.AddRange(Introductions(after, "new "));
        await notify.ToProgramAsync(after.ProgramId, messages, ct);
    }

    /// <summary>Relationships started outside a published draft (late joiners): each member hears who and why, all in one go.</summary>
    public async Task StartedAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct)
    {
        if (relationshipIds.Count == 0)
        {
            return;
        }
        var loaded = await LoadAsync(relationshipIds, ct);
        foreach (var program in loaded.Values.GroupBy(r => r.ProgramId))
        {
            await notify.ToProgramAsync(program.Key, program.SelectMany(r => Introductions(r, "")).ToList(), ct);
        }
    }

    private static IEnumerable<NotificationMessage> Introductions(Started relationship, string adjective) =>
        relationship.Members.Select(member =>
        {
            var others = relationship.Members.Where(m => m.UserId != member.UserId).ToList();
            var title = member.Role == ProgramRole.Mentee && others.Any(o => o.Role == ProgramRole.Mentor) ? $"Your {adjective}mentor"
                : member.Role == ProgramRole.Mentor ? (others.Count > 1 ? $"Your {adjective}mentees" : $"Your {adjective}mentee")
                : $"Your {adjective}partner";
            var why = string.IsNullOrWhiteSpace(relationship.Explanation) ? "" : $"\nWhy you were matched: {relationship.Explanation}";
            return new NotificationMessage(member.UserId, NotificationKind.Matches, $"{title} in {relationship.Program}",
                $"{relationship.Program}: from {relationship.StartsOn:d MMMM yyyy} you are matched with {Others(relationship.Members, member.UserId)}.{why}",
                "/my/relationships");
        });

    private sealed record Member(Guid UserId, string Name, ProgramRole Role);

    private sealed record Started(Guid ProgramId, string Program, DateOnly StartsOn, string? Explanation, List<Member> Members);

    /// <summary>Each relationship with its program's name and members: two queries for any number.</summary>
    private async Task<Dictionary<Guid, Started>> LoadAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct)
    {
        var relationships = await db.Set<Relationship>().Where(r => relationshipIds.Contains(r.Id))
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new { r.Id, r.ProgramId, Program = p.Name, r.StartsOn, r.MatchExplanation })
            .ToListAsync(ct);
        var members = await db.Set<RelationshipMember>().Where(m => relationshipIds.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, Member = new Member(u.Id, u.DisplayName, m.Role) })
            .ToListAsync(ct);
        return relationships.ToDictionary(r => r.Id, r => new Started(r.ProgramId, r.Program, r.StartsOn, r.MatchExplanation,
            members.Where(m => m.RelationshipId == r.Id).Select(m => m.Member).OrderBy(m => m.Name).ToList()));
    }

    private static string Others(IEnumerable<Member> members, Guid me) =>
        string.Join(", ", members.Where(m => m.UserId != me).Select(m => m.Name));
}
