using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

/// <summary>A relationship's meetings between two instants (UTC, either open), earliest first, paged.</summary>
/// <remarks>
/// Someone who is not a member (a coordinator, an administrator) reads the members' notes (a decline's reason, a group
/// member's "can't come" note), so the read is logged for each minor member (ADR 90), before the meetings are returned.
/// </remarks>
public sealed class ListMeetings(TandemDb db, MeetingAccess access, Privacy.AuditLog audit)
{
    public const int MaxPageSize = 200;

    public Task<Outcome<Paged<MeetingView>>> RunAsync(Actor actor, Guid relationshipId, DateTime? from, DateTime? to, CancellationToken ct = default) =>
        RunAsync(actor, relationshipId, from, to, 1, MaxPageSize, ct);

    public Task<Outcome<Paged<MeetingView>>> RunAsync(Actor actor, Guid relationshipId, DateTime? from, DateTime? to, int page, int pageSize, CancellationToken ct = default) =>
        RunAsync(actor, relationshipId, from, to, page, pageSize, readLogged: false, ct);

    /// <param name="readLogged">The caller logged this reader's read of the relationship already (the meetings page, through
    /// <c>GetRelationship</c>, whose entry names the same relationship): no second entry for the same page.</param>
    internal async Task<Outcome<Paged<MeetingView>>> RunAsync(Actor actor, Guid relationshipId, DateTime? from, DateTime? to, int page, int pageSize,
        bool readLogged, CancellationToken ct)
    {
        // The access check also reads what the views need of the relationship and the reader: one query.
        var found = await access.FindRelationshipAsync(actor, relationshipId, ct);
        if (found is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize, MaxPageSize);
        DateTime? start = from is { } f ? DateTime.SpecifyKind(f, DateTimeKind.Utc) : null;
        DateTime? end = to is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;
        var rows = await Page(db, relationshipId, start, end, paging.Skip, paging.PageSize).ToListAsync(ct);
        var meetings = rows.Select(r => r.Meeting).ToList();
        var groupAnswers = found.Kind == RelationshipKind.Group
            ? await GroupAnswers.ForGroupsAsync(db, meetings, [relationshipId], ct)
            : [];
        var views = rows.Select(r => MeetingViews.ToView(actor, r.Meeting, found.MyZone ?? "UTC", r.ProposedBy ?? "", found.IsMember, groupAnswers)).ToList();
        if (!found.IsMember && !readLogged)
        {
            await MeetingViews.LogReadAsync(db, audit, actor, relationshipId, found.ProgramId, views, ct);
        }
        return paging.Of(views, paging.KnownTotal(meetings.Count) ?? await Count(db, relationshipId, start, end, ct));
    }

    private sealed record Row(Meeting Meeting, string? ProposedBy);

    /// <summary>
    /// The page and its count, compiled once (issue 17, ADR 67): a pair's meetings are read on every visit to its page.
    /// An open end of the range is compiled away (EF Core makes one SQL text for each combination of null parameters).
    /// </summary>
    private static readonly Func<TandemDb, Guid, DateTime?, DateTime?, int, int, IAsyncEnumerable<Row>> Page =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, DateTime? start, DateTime? end, int skip, int take) =>
            db.Set<Meeting>().Where(m => m.RelationshipId == relationshipId && (start == null || m.StartsAt >= start) && (end == null || m.StartsAt < end))
                .OrderBy(m => m.StartsAt).ThenBy(m => m.Id)
                .Skip(skip).Take(take).AsNoTracking()
                .Select(m => new Row(m, db.Users.Where(u => u.Id == m.ProposedByUserId).Select(u => u.DisplayName).FirstOrDefault())));

    private static readonly Func<TandemDb, Guid, DateTime?, DateTime?, CancellationToken, Task<int>> Count =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, DateTime? start, DateTime? end, CancellationToken ct) =>
            db.Set<Meeting>().Where(m => m.RelationshipId == relationshipId && (start == null || m.StartsAt >= start) && (end == null || m.StartsAt < end)).Count());
}

internal static class MeetingViews
{
    /// <summary>
    /// Logs a read of a relationship's meetings by someone who is not a member, for each minor among its members and
    /// anyone whose answer is shown (a former member's note stays on the meeting), before they are returned. A member's
    /// read is not logged.
    /// </summary>
    public static async Task LogReadAsync(TandemDb db, Privacy.AuditLog audit, Actor actor, Guid relationshipId, Guid programId,
        IReadOnlyCollection<MeetingView> views, CancellationToken ct)
    {
        var members = await db.Set<Relationships.RelationshipMember>().AsNoTracking().Where(m => m.RelationshipId == relationshipId)
            .Select(m => m.UserId).ToListAsync(ct);
        if (members.Contains(actor.UserId))
        {
            return;
        }
        await audit.RecordAsync(actor, members.Concat(views.SelectMany(v => v.Answers.Select(a => a.UserId))).ToList(), Privacy.AuditRecord.Relationship,
            relationshipId, programId, "Reading a relationship's meetings", ct);
    }

    /// <summary>Two small queries for any number of meetings: the reader's zone and membership, and the proposers' names.</summary>
    public static async Task<List<MeetingView>> ToViewsAsync(TandemDb db, Actor actor, IReadOnlyList<Meeting> meetings, CancellationToken ct)
    {
        var zone = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.TimeZoneId).SingleOrDefaultAsync(ct) ?? "UTC";
        var relationshipIds = meetings.Select(m => m.RelationshipId).Distinct().ToList();
        var mine = await db.Set<Relationships.RelationshipMember>()
            .Where(m => relationshipIds.Contains(m.RelationshipId) && m.UserId == actor.UserId)
            .Select(m => m.RelationshipId).ToListAsync(ct);
        var proposerIds = meetings.Select(m => m.ProposedByUserId).Distinct().ToList();
        var names = await db.Users.Where(u => proposerIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var groupAnswers = await GroupAnswers.ForAsync(db, meetings, ct);
        return meetings.Select(m => ToView(actor, m, zone, names.GetValueOrDefault(m.ProposedByUserId, ""), mine.Contains(m.RelationshipId), groupAnswers))
            .ToList();
    }

    /// <summary>One meeting as the reader sees it, with the group's answers when it is a group's meeting.</summary>
    public static MeetingView ToView(Actor actor, Meeting m, string zone, string proposedBy, bool isMember,
        Dictionary<Guid, List<MeetingAnswerView>> groupAnswers)
    {
        var current = groupAnswers.GetValueOrDefault(m.Id);
        return ToView(m, zone, proposedBy, isMember, isProposer: m.ProposedByUserId == actor.UserId, isGroup: current is not null) with
        {
            Answers = current ?? [],
            MyAnswer = current?.FirstOrDefault(a => a.UserId == actor.UserId)?.Answer,
        };
    }

    public static MeetingView ToView(Meeting m, string zone, string proposedBy, bool isMember, bool isProposer, bool isGroup = false) =>
        new(m.Id, m.RelationshipId, m.ProgramId, DateTime.SpecifyKind(m.StartsAt, DateTimeKind.Utc), m.DurationMinutes, m.Mode, m.Place,
            m.VideoLink, m.Status, m.ProposedByUserId, m.SeriesId, DateTime.SpecifyKind(m.CreatedAt, DateTimeKind.Utc))
        {
            IsGroup = isGroup,
            Title = m.Title,
            ProposedBy = proposedBy,
            TimeZoneId = zone,
            LocalStartsAt = Zones.ToLocal(m.StartsAt, zone),
            ResponseNote = m.ResponseNote,
            Sequence = m.Sequence,
            CanRespond = isMember && !isProposer && (m.Status == MeetingStatus.Proposed || (isGroup && m.Status == MeetingStatus.Accepted)),
            CanCancel = m.Status is MeetingStatus.Proposed or MeetingStatus.Accepted,
        };
}
