namespace Tandem.Features.CheckIns;

public sealed record CheckInView(
    Guid Id, Guid RelationshipId, Guid? MeetingId, Guid AuthorUserId, string AuthorName, bool Happened,
    string Topics, string? Progress, string? Challenges, string? NextSteps, int? Rating, DateTime OccurredAt, DateTime CreatedAt, DateTime? UpdatedAt);

public static class CheckInMapping
{
    public static CheckInView ToView(this CheckIn c, string authorName) => new(
        c.Id, c.RelationshipId, c.MeetingId, c.AuthorUserId, authorName, c.Happened, c.Topics, c.Progress,
        c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt);
}
