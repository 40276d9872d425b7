using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Channels;

/// <summary>
/// The program's channels the reader finds: the general channel first, then the others by kind and name. The general channel and
/// the reader's study groups' channels are made here when they do not exist yet.
/// </summary>
public sealed class ListChannels(TandemDb db, ChannelAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<ChannelView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var reader = await access.ReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound(ChannelAccess.NoProgram);
        }
        await access.EnsureMadeAsync(reader, ct);
        var paging = PageRequest.Clamp(page, pageSize);
        var channels = access.Visible(reader);
        var rows = await channels.AsNoTracking()
            .OrderBy(c => c.Kind == ChannelKind.General ? 0 : c.Kind == ChannelKind.Audience ? 1 : c.Kind == ChannelKind.Interest ? 2 : 3)
            .ThenBy(c => c.Name).ThenBy(c => c.Id).Page(paging).ToListAsync(ct);
        var ids = rows.Select(c => c.Id).ToList();
        var userId = actor.UserId;
        var mine = await db.Set<ChannelMember>().AsNoTracking().Where(m => m.UserId == userId && ids.Contains(m.ChannelId))
            .ToDictionaryAsync(m => m.ChannelId, ct);
        var groupIds = rows.Where(c => c.RelationshipId != null).Select(c => c.RelationshipId!.Value).ToList();
        var statuses = await db.Set<Relationships.Relationship>().Where(r => groupIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Status, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var items = rows.Select(c => new ChannelContext(c, reader, mine.GetValueOrDefault(c.Id)?.JoinedAt is not null, mine.GetValueOrDefault(c.Id)?.MutedUntil,
            c.RelationshipId is { } g && statuses.TryGetValue(g, out var s) ? s : null).View(now)).ToList();
        return paging.Of(items, await paging.TotalAsync(channels, items.Count, ct));
    }
}

/// <summary>One channel as its reader sees it (404 when they do not find it).</summary>
public sealed class GetChannel(ChannelAccess access, TimeProvider clock)
{
    public async Task<Outcome<ChannelView>> RunAsync(Actor actor, Guid programId, Guid channelId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, channelId, ct);
        return found.Failure is { } failure ? failure : found.Value!.View(clock.GetUtcNow().UtcDateTime);
    }
}

/// <summary>A coordinator opens a channel for an audience (everyone, mentors or mentees) or an interest people join.</summary>
public sealed class CreateChannel(TandemDb db, ChannelAccess access, TimeProvider clock)
{
    public async Task<Outcome<ChannelView>> RunAsync(Actor actor, Guid programId, CreateChannelRequest request, CancellationToken ct = default)
    {
        var reader = await access.ReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound(ChannelAccess.NoProgram);
        }
        if (!reader.CanModerate)
        {
            return new Forbidden("Only the program's coordinators open channels.");
        }
        if (await access.RetainedAsync(programId, ct) is { } retained)
        {
            return retained;
        }
        var name = request.Name?.Trim() ?? "";
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > DiscussionChannel.NameMax)
        {
            errors["name"] = [$"Give the channel a name of 1 to {DiscussionChannel.NameMax} characters."];
        }
        if (description is { Length: > DiscussionChannel.DescriptionMax })
        {
            errors["description"] = [$"Describe the channel in at most {DiscussionChannel.DescriptionMax} characters."];
        }
        if (request.Kind is not (ChannelKind.Audience or ChannelKind.Interest))
        {
            errors["kind"] = ["A coordinator opens an Audience or an Interest channel; the general and study group channels are made by Tandem."];
        }
        if (!Enum.IsDefined(request.Audience) || (request.Kind == ChannelKind.Interest && request.Audience != ChannelAudience.Everyone))
        {
            errors["audience"] = ["The audience is Everyone, Mentors or Mentees, and an interest channel is open to everyone who joins."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var channel = new DiscussionChannel(programId, request.Kind, name, description, request.Audience, null, actor.UserId, now);
        db.Add(channel);
        await db.SaveChangesAsync(ct);
        return new ChannelContext(channel, reader, false, null, null).View(now);
    }
}

/// <summary>A participant joins or leaves an interest channel (other channels are everyone's of their audience: 409).</summary>
public sealed class JoinChannel(TandemDb db, ChannelAccess access, TimeProvider clock)
{
    public async Task<Outcome<ChannelView>> RunAsync(Actor actor, Guid programId, Guid channelId, bool join, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var context = found.Value!;
        if (context.Channel.Kind != ChannelKind.Interest)
        {
            return new Conflict("Only interest channels are joined and left; this channel is everyone's in its audience.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var member = await db.Set<ChannelMember>().SingleOrDefaultAsync(m => m.ChannelId == channelId && m.UserId == actor.UserId, ct);
        if (member is null)
        {
            member = new ChannelMember(channelId, actor.UserId);
            db.Add(member);
        }
        if (join)
        {
            member.Join(now);
        }
        else
        {
            member.Leave();
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("Your membership changed at the same moment; try again.");
        }
        return (context with { Joined = join }).View(now);
    }
}
