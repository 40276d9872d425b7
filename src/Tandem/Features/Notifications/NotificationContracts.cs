namespace Tandem.Features.Notifications;

public sealed record NotificationView(Guid Id, string Title, string Body, string? Link, DateTime CreatedAt, DateTime? ReadAt, bool Emailed);
