using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Relationships;

/// <summary>
/// How many messages in each of the reader's relationships' conversations they have not read, for the "Messages (2
/// unread)" beside each match. Conversations answers this (<c>Conversations/ListMyConversations.cs</c>), and Relationships
/// does not read its tables.
/// </summary>
public interface IUnreadMessages
{
    /// <summary>Per relationship, absent when none.</summary>
    Task<Dictionary<Guid, int>> UnreadAsync(Actor actor, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct = default);
}
