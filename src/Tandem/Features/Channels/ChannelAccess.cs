using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Channels;

/// <summary>Who reads a program's channels: their roles in it and whether they manage it (and so moderate its channels).</summary>
public sealed record ChannelReader(Guid UserId, Guid ProgramId, string ProgramName, IReadOnlyList<ProgramRole> Roles, bool CanModerate)
{
    /// <summary>Coordinators and the program's staff read every channel: no space among the program's young people is unmoderated (ADR 66).</summary>
    public bool ReadsAll => CanModerate || Roles.Any(Enrolment.IsStaffRole);

    public ChannelAudience[] Audiences => ReadsAll
        ? Enum.GetValues<ChannelAudience>()
        : Enum.GetValues<ChannelAudience>().Where(a => DiscussionChannel.RolesOf(a).Any(Roles.Contains)).ToArray();
}

/// <summary>A channel found for its reader, with what they may do in it.</summary>
public sealed record ChannelContext(DiscussionChannel Channel, ChannelReader Reader, bool Joined, DateTime? MutedUntil, RelationshipStatus? GroupStatus)
{
    /// <summary>Interest channels are read by those who joined them (and the staff); every other channel the reader finds, they read.</summary>
    public bool CanRead => Reader.ReadsAll || Channel.Kind != ChannelKind.Interest || Joined;

    public string? WhyNotPost(DateTime now) =>
        !CanRead ? "Join this channel to read and write in it."
        : MutedUntil is { } until && until > now ? $"A moderator muted you in this channel until {until:yyyy-MM-dd HH:mm} UTC: you can read it but not write in it."
        : GroupStatus is { } status && status != RelationshipStatus.Active ? "This study group is not active: its channel is kept to read."
        : null;

    public ChannelView View(DateTime now) => new(Channel.Id, Channel.ProgramId, Channel.Kind, Channel.Name, Channel.Description, Channel.Audience,
        Channel.RelationshipId, Joined || Channel.Kind != ChannelKind.Interest, WhyNotPost(now) is null, WhyNotPost(now),
        MutedUntil is { } m && m > now ? m : null, Reader.CanModerate, Channel.CreatedAt);
}

/// <summary>
/// Which channels a person finds, as query filters. A participant finds the general channel and the interest channels of their
/// programs, the audience channels of their role and the channels of their own study groups, except one a moderator removed
/// them from; the program's coordinators and staff find them all. Anything else is not found (404), whatever its id.
/// </summary>
public sealed class ChannelAccess(TandemDb db, ProgramAccess programs, IProgramRetention retention, TimeProvider clock)
{
    public const string NoChannel = "No channel with this id is visible to you.";
    public const string Retained = "This program's data has been anonymised after it closed: its channels are kept to read and take nothing new.";
    public const string NoProgram = "No program with this id is visible to you.";
    public const string OnlyModerators = "Only the program's coordinators moderate its channels.";

    /// <summary>Null when the program is not visible to the actor.</summary>
    public async Task<ChannelReader?> ReaderAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.Visible(actor).Where(p => p.Id == programId)
            .Select(p => new { p.Name, Roles = p.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToList() })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return null;
        }
        var canModerate = await programs.Visible(actor).Where(p => p.Id == programId).Where(programs.Manageable(actor)).AnyAsync(ct);
        return new ChannelReader(actor.UserId, programId, program.Name, program.Roles, canModerate);
    }

    /// <summary>The program's channels this reader finds.</summary>
    public IQueryable<DiscussionChannel> Visible(ChannelReader reader)
    {
        var channels = db.Set<DiscussionChannel>().Where(c => c.ProgramId == reader.ProgramId);
        if (reader.ReadsAll)
        {
            return channels;
        }
        if (reader.Roles.Count == 0)
        {
            return channels.Where(c => false);
        }
        var userId = reader.UserId;
        var audiences = reader.Audiences;
        var removed = db.Set<ChannelMember>().Where(m => m.UserId == userId && m.RemovedAt != null).Select(m => m.ChannelId);
        var groups = db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId);
        return channels.Where(c => !removed.Contains(c.Id) && (c.Kind == ChannelKind.General || c.Kind == ChannelKind.Interest
            || (c.Kind == ChannelKind.Audience && audiences.Contains(c.Audience))
            || (c.Kind == ChannelKind.StudyGroup && groups.Contains(c.RelationshipId!.Value))));
    }

    /// <summary>The channel with what the reader may do in it, or 404 when its program or the channel is not theirs to find.</summary>
    public async Task<Outcome<ChannelContext>> FindAsync(Actor actor, Guid programId, Guid channelId, CancellationToken ct = default)
    {
        var reader = await ReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound(NoChannel);
        }
        var channel = await Visible(reader).AsNoTracking().SingleOrDefaultAsync(c => c.Id == channelId, ct);
        if (channel is null)
        {
            return new NotFound(NoChannel);
        }
        var member = await db.Set<ChannelMember>().AsNoTracking().Where(m => m.ChannelId == channelId && m.UserId == actor.UserId)
            .Select(m => new { m.JoinedAt, m.MutedUntil }).SingleOrDefaultAsync(ct);
        RelationshipStatus? status = channel.RelationshipId is { } group
            ? await db.Set<Relationship>().Where(r => r.Id == group).Select(r => (RelationshipStatus?)r.Status).SingleOrDefaultAsync(ct)
            : null;
        return new ChannelContext(channel, reader, member?.JoinedAt is not null, member?.MutedUntil, status);
    }

    /// <summary>
    /// 409 once retention anonymised the program (ADR 108): it anonymises a program once, so a post, a report, a moderator's
    /// reason or a channel's name taken in afterwards would be kept for good.
    /// </summary>
    public async Task<Conflict?> RetainedAsync(Guid programId, CancellationToken ct) =>
        await retention.AnonymisedAtAsync(programId, ct) is not null ? new Conflict(Retained) : null;

    /// <summary>The channel when the reader may read its posts: 404 as <see cref="FindAsync"/>, 403 for an interest channel not joined.</summary>
    public async Task<Outcome<ChannelContext>> FindReadableAsync(Actor actor, Guid programId, Guid channelId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, channelId, ct);
        if (found.Value is { CanRead: false })
        {
            return new Forbidden("Join this channel to read and write in it.");
        }
        return found;
    }

    /// <summary>The channel when the actor moderates it: 404 when they do not find it, 403 when they find it but do not moderate.</summary>
    public async Task<Outcome<ChannelContext>> FindModeratedAsync(Actor actor, Guid programId, Guid channelId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, channelId, ct);
        if (found.Value is { Reader.CanModerate: false })
        {
            return new Forbidden(OnlyModerators);
        }
        return found;
    }

    /// <summary>
    /// Of these people, those who read the channel: enrolled in its program in a role it reaches (staff in every channel),
    /// members of its study group, joined to it when it is an interest channel, and not removed from it.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ReadersAmongAsync(DiscussionChannel channel, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return [];
        }
        var roles = (await db.Enrolments.Where(e => e.ProgramId == channel.ProgramId && userIds.Contains(e.UserId)).Select(e => new { e.UserId, e.Role }).ToListAsync(ct))
            .GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Select(e => e.Role).ToList());
        var members = await db.Set<ChannelMember>().Where(m => m.ChannelId == channel.Id && userIds.Contains(m.UserId))
            .ToDictionaryAsync(m => m.UserId, ct);
        var inGroup = channel.RelationshipId is { } group
            ? await db.Set<RelationshipMember>().Where(m => m.RelationshipId == group && userIds.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct)
            : [];
        return userIds.Where(id => roles.TryGetValue(id, out var r) && (r.Any(Enrolment.IsStaffRole) || (
            members.GetValueOrDefault(id)?.RemovedAt is null && channel.Kind switch
            {
                ChannelKind.General => true,
                ChannelKind.Audience => DiscussionChannel.RolesOf(channel.Audience).Any(r.Contains),
                ChannelKind.Interest => members.GetValueOrDefault(id)?.JoinedAt is not null,
                _ => inGroup.Contains(id),
            }))).ToList();
    }

    /// <summary>
    /// Makes the channels Tandem makes when first needed: the program's general channel, and a channel for each study group the reader
    /// finds (their own groups; every group for the staff). Two readers at once make each once (unique key; the loser reads the winner's).
    /// </summary>
    public async Task EnsureMadeAsync(ChannelReader reader, CancellationToken ct = default)
    {
        var programId = reader.ProgramId;
        var now = clock.GetUtcNow().UtcDateTime;
        var made = new List<DiscussionChannel>();
        if (!await db.Set<DiscussionChannel>().AnyAsync(c => c.ProgramId == programId && c.Key == DiscussionChannel.GeneralKey, ct))
        {
            made.Add(new DiscussionChannel(programId, ChannelKind.General, "General", "Everyone in the program.", ChannelAudience.Everyone, null, null, now));
        }
        // Only the groups still without a channel, and only their members' names: every list reads this, the staff's too.
        var groups = db.Set<Relationship>().Where(r => r.ProgramId == programId && r.Kind == RelationshipKind.Group
            && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused)
            && !db.Set<DiscussionChannel>().Any(c => c.RelationshipId == r.Id));
        if (!reader.ReadsAll)
        {
            var userId = reader.UserId;
            groups = groups.Where(r => r.Members.Any(m => m.UserId == userId));
        }
        var missing = await groups.Select(r => r.Id).ToListAsync(ct);
        if (missing.Count > 0)
        {
            var names = (await db.Set<RelationshipMember>().Where(m => missing.Contains(m.RelationshipId))
                    .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, u.DisplayName }).ToListAsync(ct))
                .ToLookup(m => m.RelationshipId, m => m.DisplayName);
            foreach (var group in missing)
            {
                made.Add(new DiscussionChannel(programId, ChannelKind.StudyGroup, DiscussionChannel.StudyGroupName(names[group]),
                    "The group's members and the program's staff.", ChannelAudience.Everyone, group, null, now));
            }
        }
        foreach (var channel in made)
        {
            db.Add(channel);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                db.Entry(channel).State = EntityState.Detached;
            }
        }
    }
}
