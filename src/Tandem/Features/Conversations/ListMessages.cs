using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>A stretch of a conversation for one of its members (see <see cref="MessagePage"/>).</summary>
public sealed class ListMessages(ConversationAccess access)
{
    public async Task<Outcome<MessagePage>> RunAsync(Actor actor, Guid relationshipId, long? before, long? after, int limit, CancellationToken ct = default)
    {
        if (before is < 1 || after is < 0)
        {
            return Invalid.Field(before is < 1 ? "before" : "after", "Message numbers start at 1.");
        }
        if (before is not null && after is not null)
        {
            return Invalid.Field("after", "Ask for messages before a number or after one, not both.");
        }
        var found = await access.ForMemberAsync(actor, relationshipId, ct);
        return found.Failure is { } failure ? failure : await access.PageAsync(found.Value!, before, after, limit, ct);
    }
}
