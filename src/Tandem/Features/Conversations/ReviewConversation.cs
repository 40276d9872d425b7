using Microsoft.EntityFrameworkCore;
using Tandem.Features.Privacy;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>
/// A safeguarding review: a coordinator of the program (or an administrator) reads a conversation that includes a minor,
/// giving a reason. Each read is written to the audit log first (the minor, their guardian and the organisation's
/// data-protection lead can see who read it and why), so it is never silent. Conversations between adults are private
/// to their members (decision record 47).
/// </summary>
public sealed class ReviewConversation(RelationshipAccess relationships, ConversationAccess access, IMinors minors, AuditLog audit)
{
    public const int ReasonMin = 10;
    public const int ReasonMax = 150;
    public const string PurposePrefix = "Safeguarding review of messages: ";

    public async Task<Outcome<MessagePage>> RunAsync(Actor actor, Guid relationshipId, string? reason, long? before, int limit, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, relationshipId, ct);
        if (found.Failure is { } refused)
        {
            return refused;
        }
        var text = (reason ?? "").Trim();
        if (text.Length is < ReasonMin or > ReasonMax)
        {
            return Invalid.Field("reason", $"Say why you are reviewing this conversation, in {ReasonMin} to {ReasonMax} characters: it is recorded, and the minor, their parent or guardian and the data-protection lead can read it.");
        }
        if (before is < 1)
        {
            return Invalid.Field("before", "Message numbers start at 1.");
        }
        var conversation = found.Value!;
        await audit.RecordAsync(actor, conversation.MemberIds, AuditRecord.Messages, relationshipId, conversation.ProgramId, PurposePrefix + text, ct);
        var page = await access.PageAsync(conversation, before, after: null, limit, ct);
        // The reviewer reads; they cannot write here, whatever the relationship's state.
        return page with { CanSend = false, WhyNotSend = "A safeguarding review reads the conversation; it does not take part in it." };
    }

    /// <summary>Why the actor cannot review this conversation (404, or 403 with the reason), or null when they can; nothing is read or logged.</summary>
    public async Task<Failure?> RefusalAsync(Actor actor, Guid relationshipId, CancellationToken ct = default) =>
        (await FindAsync(actor, relationshipId, ct)).Failure;

    private async Task<Outcome<ConversationContext>> FindAsync(Actor actor, Guid relationshipId, CancellationToken ct)
    {
        var relationship = await relationships.Manageable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.ProgramId, r.Status, Members = r.Members.Select(m => m.UserId).ToList() })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return await relationships.Readable(actor).AnyAsync(r => r.Id == relationshipId, ct)
                ? new Forbidden("Only the program's coordinators can review a conversation, for safeguarding.")
                : new NotFound("No relationship with this id is visible to you.");
        }
        if ((await minors.WhichAsync(relationship.Members, ct)).Count == 0)
        {
            return new Forbidden("This conversation is between adults and private to its members. Coordinators can review only conversations that include a minor, for safeguarding.");
        }
        return new ConversationContext(relationshipId, relationship.ProgramId, relationship.Status, relationship.Members);
    }
}
