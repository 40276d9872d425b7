using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Conversations;

/// <summary>
/// The live connection (/hubs/conversations): a signed-in member follows a conversation and is sent each new message
/// ("message", a <see cref="MessageView"/>) and each change of read state ("read", a <see cref="ReadEvent"/>) as it
/// happens, on whichever node it was written (the Redis backplane carries it between nodes). Sending stays an HTTP
/// request, so a message is stored once whatever happens to the connection; after a reconnect the page asks for the
/// messages after the last number it has. A connection lives only as long as the sign-in session it was opened with:
/// Follow checks the session first, and <see cref="LiveSessionWorker"/> closes connections whose session has ended
/// (a WebSocket is one HTTP request, checked once when it opened).
/// </summary>
[Authorize]
public sealed class ConversationHub(ConversationAccess access, LiveConnections connections, TandemDb db, IOptions<IdentityOptions> identity) : Hub
{
    public const string Path = "/hubs/conversations";

    public override async Task OnConnectedAsync()
    {
        if (SessionValidation.KeyOf(Context.User, identity.Value) is not { } session)
        {
            Context.Abort();
            return;
        }
        connections.Add(Context, session);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task Follow(Guid relationshipId)
    {
        if (SessionValidation.KeyOf(Context.User, identity.Value) is not { } session || !await SessionValidation.IsOpenAsync(db, session, Context.ConnectionAborted))
        {
            connections.Remove(Context.ConnectionId);
            Context.Abort();
            throw new HubException("Your sign-in session has ended: sign in again to follow this conversation.");
        }
        var userId = Actor.From(Context.User ?? new ClaimsPrincipal()).UserId;
        if (!await access.IsMemberAsync(userId, relationshipId, Context.ConnectionAborted))
        {
            throw new HubException("No conversation with this id is visible to you.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(relationshipId), Context.ConnectionAborted);
    }

    public Task Unfollow(Guid relationshipId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(relationshipId));

    internal static string Group(Guid relationshipId) => $"conversation:{relationshipId:N}";
}

/// <summary>A member's read state moved forward.</summary>
public sealed record ReadEvent(Guid RelationshipId, Guid UserId, long LastReadNumber);

/// <summary>Tells the followers of a conversation what changed; a failure to tell them never fails the write (they catch up).</summary>
public sealed class ConversationBroadcast(IHubContext<ConversationHub> hub, ILogger<ConversationBroadcast> logger)
{
    public Task MessageAsync(MessageView message) => SendAsync(message.RelationshipId, "message", message);

    public Task ReadAsync(ReadEvent read) => SendAsync(read.RelationshipId, "read", read);

    private async Task SendAsync(Guid relationshipId, string method, object payload)
    {
        try
        {
            await hub.Clients.Group(ConversationHub.Group(relationshipId)).SendAsync(method, payload);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not send {Method} to the followers of conversation {RelationshipId}; they catch up when they reconnect", method, relationshipId);
        }
    }
}
