using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;

namespace Tandem.Features.Meetings;

public enum AttendanceAnswer { Coming, NotComing }

/// <summary>
/// One group member's answer to a group meeting: coming or not, with an optional note. It answers the time the
/// meeting had then (<see cref="Sequence"/>): once the meeting is moved, older answers no longer count.
/// </summary>
public sealed class MeetingAnswer
{
    private MeetingAnswer() { }

    public MeetingAnswer(Guid meetingId, Guid userId, AttendanceAnswer answer, string? note, int sequence, DateTime at)
    {
        Id = Guid.CreateVersion7();
        MeetingId = meetingId;
        UserId = userId;
        Change(answer, note, sequence, at);
    }

    public Guid Id { get; private set; }
    public Guid MeetingId { get; private set; }
    public Guid UserId { get; private set; }
    public AttendanceAnswer Answer { get; private set; }
    public string? Note { get; private set; }
    public int Sequence { get; private set; }
    public DateTime AnsweredAt { get; private set; }

    public void Change(AttendanceAnswer answer, string? note, int sequence, DateTime at)
    {
        Answer = answer;
        Note = note;
        Sequence = sequence;
        AnsweredAt = at;
    }
}

public sealed record MeetingAnswerView(Guid UserId, string DisplayName, AttendanceAnswer Answer, string? Note);

internal static class GroupAnswers
{
    /// <summary>
    /// For the meetings of groups among these: each member's answer to the meeting's current time, by name (a
    /// meeting of a group is in the result even with no answers yet; a pair's meeting is not). Two queries.
    /// </summary>
    public static async Task<Dictionary<Guid, List<MeetingAnswerView>>> ForAsync(Data.TandemDb db, IReadOnlyCollection<Meeting> meetings, CancellationToken ct)
    {
        var relationshipIds = meetings.Select(m => m.RelationshipId).Distinct().ToList();
        var groups = await db.Set<Relationships.Relationship>()
            .Where(r => relationshipIds.Contains(r.Id) && r.Kind == Relationships.RelationshipKind.Group).Select(r => r.Id).ToListAsync(ct);
        return await ForGroupsAsync(db, meetings, groups, ct);
    }

    /// <summary>The same when the caller already knows which of the meetings' relationships are groups.</summary>
    public static async Task<Dictionary<Guid, List<MeetingAnswerView>>> ForGroupsAsync(Data.TandemDb db, IReadOnlyCollection<Meeting> meetings,
        IReadOnlyCollection<Guid> groups, CancellationToken ct)
    {
        var groupMeetings = meetings.Where(m => groups.Contains(m.RelationshipId)).ToList();
        if (groupMeetings.Count == 0)
        {
            return [];
        }
        var ids = groupMeetings.Select(m => m.Id).ToList();
        var answers = await db.Set<MeetingAnswer>().Where(a => ids.Contains(a.MeetingId))
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new { a.MeetingId, a.Sequence, View = new MeetingAnswerView(a.UserId, u.DisplayName, a.Answer, a.Note) })
            .ToListAsync(ct);
        return groupMeetings.ToDictionary(m => m.Id, m => answers.Where(a => a.MeetingId == m.Id && a.Sequence == m.Sequence)
            .Select(a => a.View).OrderBy(a => a.DisplayName).ToList());
    }
}

internal sealed class MeetingAnswerConfiguration : IEntityTypeConfiguration<MeetingAnswer>
{
    public void Configure(EntityTypeBuilder<MeetingAnswer> answer)
    {
        answer.ToTable("MeetingAnswers");
        answer.HasKey(a => a.Id);
        answer.Property(a => a.Answer).HasConversion<string>().HasMaxLength(20);
        answer.Property(a => a.Note).HasMaxLength(1000);
        answer.HasOne<Meeting>().WithMany().HasForeignKey(a => a.MeetingId).OnDelete(DeleteBehavior.Cascade);
        answer.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        answer.HasIndex(a => new { a.MeetingId, a.UserId }).IsUnique();
    }
}
