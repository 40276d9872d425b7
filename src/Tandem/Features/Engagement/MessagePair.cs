using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed class MessagePairRequest
{
    [Required, StringLength(200, MinimumLength = 1)]
    public string Title { get; set; } = "";

    [Required, StringLength(MessagePair.BodyMax, MinimumLength = 1)]
    public string Body { get; set; } = "";
}

public sealed record MessagePairResult(int Notified);

/// <summary>
/// A coordinator writes to every member of an active pair or group (in-app, and by e-mail per each person's choice); a
/// paused or ended one is not contacted through the program, and nobody the program may not contact (ADR 48) is written to.
/// </summary>
public sealed class MessagePair(TandemDb db, RelationshipAccess relationships, Notify notify)
{
    /// <summary>The signature's room: "\n\n— " and the longest display name (the column's 120).</summary>
    private const int SignatureMax = 4 + 120;

    /// <summary>
    /// The longest body: the notice holds it and the signature whole (ADR 126). At the notice's own limit, the signature
    /// appended after it was cut off with the end of the message, silently.
    /// </summary>
    public const int BodyMax = Notification.BodyMax - SignatureMax;

    public async Task<Outcome<MessagePairResult>> RunAsync(Actor actor, Guid relationshipId, MessagePairRequest request, CancellationToken ct = default)
    {
        // The page posts here without the request's annotations.
        if (request.Body.Trim().Length > BodyMax)
        {
            return Invalid.Field(nameof(request.Body), $"A message is at most {BodyMax:N0} characters; this one has {request.Body.Trim().Length:N0}.");
        }
        var found = await relationships.FindManageableAsync(actor, relationshipId, ct, "Only the program's coordinators message a pair from here.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        if (relationship.Status != RelationshipStatus.Active)
        {
            return new Conflict($"The relationship is {relationship.Status.ToString().ToLowerInvariant()}; only an active one's members are messaged from here.");
        }
        var memberIds = relationship.Members.Select(m => m.UserId).ToList();
        var sender = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Your coordinator";
        var sent = await notify.ToProgramAsync(relationship.ProgramId, memberIds.Select(id => new NotificationMessage(id, NotificationKind.Messages, request.Title,
            $"{request.Body.Trim()}\n\n— {sender}", $"/relationships/{relationshipId}/check-ins")).ToList(), ct);
        return new MessagePairResult(sent.Count);
    }
}
