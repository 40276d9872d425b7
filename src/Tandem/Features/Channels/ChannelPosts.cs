using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Channels;

/// <summary>
/// A channel's threads, newest first, each with its replies (oldest first, the latest <see cref="RepliesShown"/>), or one thread's
/// replies page by page. A hidden post reads "hidden by a moderator" (no body) for everyone but its author and the moderators.
/// </summary>
public sealed class ListPosts(TandemDb db, ChannelAccess access)
{
    public const int RepliesShown = 50;

    public async Task<Outcome<Paged<PostView>>> RunAsync(Actor actor, Guid programId, Guid channelId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var reader = found.Value!.Reader;
        var paging = PageRequest.Clamp(page, pageSize);
        var threads = db.Set<ChannelPost>().Where(p => p.ChannelId == channelId && p.ParentPostId == null);
        var rows = await Rows(threads.OrderByDescending(p => p.PostedAt).ThenByDescending(p => p.Id).Page(paging)).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        // The latest replies of each thread, cut in SQL (a window per thread): a thread's thousandth reply is not read to be dropped.
        var replies = (await db.Set<ChannelPost>().Where(t => ids.Contains(t.Id))
                .Select(t => new
                {
                    t.Id,
                    Latest = db.Set<ChannelPost>().Where(r => r.ParentPostId == t.Id)
                        .OrderByDescending(r => r.PostedAt).ThenByDescending(r => r.Id).Take(RepliesShown)
                        .Select(r => new Row(r.Id, r.ChannelId, r.ParentPostId, r.AuthorUserId,
                            db.Users.Where(u => u.Id == r.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault(), r.Body, r.HiddenAt, r.PostedAt, 0))
                        .ToList(),
                })
                .ToListAsync(ct))
            .ToDictionary(t => t.Id, t => Enumerable.Reverse(t.Latest).Select(r => View(r, reader, [])).ToList()); // oldest first, as read
        var items = rows.Select(r => View(r, reader, replies.GetValueOrDefault(r.Id) ?? [])).ToList();
        return paging.Of(items, await paging.TotalAsync(threads, items.Count, ct));
    }

    /// <summary>One thread's replies, oldest first.</summary>
    public async Task<Outcome<Paged<PostView>>> RepliesAsync(Actor actor, Guid programId, Guid channelId, Guid postId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (!await db.Set<ChannelPost>().AnyAsync(p => p.Id == postId && p.ChannelId == channelId && p.ParentPostId == null, ct))
        {
            return new NotFound(WritePost.NoPost);
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var replies = db.Set<ChannelPost>().Where(p => p.ParentPostId == postId);
        var rows = await Rows(replies.OrderBy(p => p.PostedAt).ThenBy(p => p.Id).Page(paging)).ToListAsync(ct);
        var items = rows.Select(r => View(r, found.Value!.Reader, [])).ToList();
        return paging.Of(items, await paging.TotalAsync(replies, items.Count, ct));
    }

    /// <summary>
    /// One post of the channel as the list shows it (without its replies), or null when the reader cannot read it: the row a
    /// form was sent from after the list moved on (newer threads pushed it to the next page), shown on its own (ADR 121).
    /// </summary>
    public async Task<PostView?> OneAsync(Actor actor, Guid programId, Guid channelId, Guid postId, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, programId, channelId, ct);
        if (found.Value is not { } context)
        {
            return null;
        }
        var row = await Rows(db.Set<ChannelPost>().Where(p => p.Id == postId && p.ChannelId == channelId)).SingleOrDefaultAsync(ct);
        return row is null ? null : View(row, context.Reader, []);
    }

    private sealed record Row(Guid Id, Guid ChannelId, Guid? ParentPostId, Guid AuthorUserId, string? AuthorName, string Body, DateTime? HiddenAt, DateTime PostedAt, int ReplyCount);

    private IQueryable<Row> Rows(IQueryable<ChannelPost> posts) => posts.Select(p => new Row(p.Id, p.ChannelId, p.ParentPostId, p.AuthorUserId,
        db.Users.Where(u => u.Id == p.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault(), p.Body, p.HiddenAt, p.PostedAt,
        p.ParentPostId == null ? db.Set<ChannelPost>().Count(r => r.ParentPostId == p.Id) : 0));

    private static PostView View(Row r, ChannelReader reader, IReadOnlyList<PostView> replies)
    {
        var hidden = r.HiddenAt is not null;
        var shown = !hidden || r.AuthorUserId == reader.UserId || reader.CanModerate;
        return new PostView(r.Id, r.ChannelId, r.ParentPostId, r.AuthorUserId, r.AuthorName ?? "", shown ? r.Body : null, hidden, r.PostedAt, r.ReplyCount, replies);
    }
}

/// <summary>
/// A member writes a thread or a reply (a reply to a reply joins the thread). Muted members, and members of a study group that is no
/// longer active, get 409; those who mention a member (@ and their name) notify them, and a reply notifies the thread's author,
/// unless the program may not contact them (ADR 48's consent gate).
/// </summary>
public sealed class WritePost(TandemDb db, ChannelAccess access, Notify notify, TimeProvider clock)
{
    public const string NoPost = "No post with this id is in this channel.";
    public const int MentionsMax = 10;

    public async Task<Outcome<PostView>> RunAsync(Actor actor, Guid programId, Guid channelId, Guid? parentPostId, WritePostRequest request, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var context = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        if (context.WhyNotPost(now) is { } why)
        {
            return new Conflict(why);
        }
        if (await access.RetainedAsync(programId, ct) is { } retained)
        {
            return retained;
        }
        // A browser posts a textarea's line breaks as CRLF but counts them as one character against maxlength: counted
        // as it counts them (and stored so), a reply the box accepted is not refused.
        var body = request.Body?.Replace("\r\n", "\n").Trim() ?? "";
        if (body.Length is 0 or > ChannelPost.BodyMax)
        {
            return Invalid.Field("body", $"Write the post in 1 to {ChannelPost.BodyMax:N0} characters.");
        }
        Guid? threadAuthor = null;
        if (parentPostId is { } parentId)
        {
            // The post answered and its thread's author (itself when it starts the thread): one query.
            var parent = await db.Set<ChannelPost>().Where(p => p.Id == parentId && p.ChannelId == channelId)
                .Select(p => new
                {
                    p.Id,
                    p.ParentPostId,
                    ThreadAuthor = p.ParentPostId == null
                        ? p.AuthorUserId
                        : db.Set<ChannelPost>().Where(t => t.Id == p.ParentPostId).Select(t => t.AuthorUserId).First(),
                })
                .SingleOrDefaultAsync(ct);
            if (parent is null)
            {
                return new NotFound(NoPost);
            }
            parentPostId = parent.ParentPostId ?? parent.Id;
            threadAuthor = parent.ThreadAuthor;
        }
        var post = new ChannelPost(channelId, programId, actor.UserId, parentPostId, body, now);
        db.Add(post);
        await db.SaveChangesAsync(ct);

        var author = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Someone";
        var channel = context.Channel;
        var link = $"/programs/{programId}/discussions/{channelId}#post-{parentPostId ?? post.Id}";
        // No words of the post in the notice (nor its e-mail): they stay in the channel, where moderation and erasure reach them.
        // A study group's channel is named after its members, which retention and erasure reach in the channel but not in
        // a notice: the notice says whose channel it is instead (ADR 121).
        var where = channel.Kind == ChannelKind.StudyGroup ? "your study group's channel" : channel.Name;
        var excerpt = $"Open {where} to read it.";
        var mentioned = (await access.ReadersAmongAsync(channel, await MentionedAsync(programId, body, ct), ct)).Where(id => id != actor.UserId).ToList();
        var notices = mentioned.Select(id => new NotificationMessage(id, NotificationKind.Discussions, $"{author} mentioned you in {where}", excerpt, link)).ToList();
        if (threadAuthor is { } t && t != actor.UserId && !mentioned.Contains(t)
            && (await access.ReadersAmongAsync(channel, [t], ct)).Count > 0)
        {
            notices.Add(new NotificationMessage(t, NotificationKind.Discussions, $"{author} replied to your post in {where}", excerpt, link));
        }
        // Nobody without consent to the program is notified or e-mailed through it (ADR 48); the post is still there for them to read.
        await notify.ToProgramAsync(programId, notices, ct);
        return new PostView(post.Id, channelId, parentPostId, actor.UserId, author, body, false, now, 0, []);
    }

    /// <summary>
    /// The program's people the text mentions: @ followed by a display name (the longest that fits, case aside), or by a first name
    /// only one of the candidates has. At most <see cref="MentionsMax"/>.
    /// </summary>
    private async Task<IReadOnlyCollection<Guid>> MentionedAsync(Guid programId, string body, CancellationToken ct)
    {
        var starts = Enumerable.Range(0, body.Length)
            .Where(i => body[i] == '@' && (i == 0 || !char.IsLetterOrDigit(body[i - 1])) && i + 1 < body.Length && char.IsLetter(body[i + 1]))
            .ToList();
        var words = starts.Select(i => FirstWord(body, i + 1).ToLowerInvariant()).Distinct().Take(MentionsMax).ToList();
        if (words.Count == 0)
        {
            return [];
        }
        // One query for all the words (at most ten): the program's people whose name starts with one of them.
        var candidates = (await db.Enrolments.Where(e => e.ProgramId == programId)
                .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { u.Id, u.DisplayName })
                .Where(u => words.Any(w => u.DisplayName.ToLower().StartsWith(w))).Distinct().Take(50 * words.Count).ToListAsync(ct))
            .Select(r => (r.Id, Name: r.DisplayName)).ToList();
        var found = new HashSet<Guid>();
        foreach (var start in starts)
        {
            var rest = body[(start + 1)..];
            var full = candidates.Where(c => rest.StartsWith(c.Name, StringComparison.OrdinalIgnoreCase)
                    && (rest.Length == c.Name.Length || !char.IsLetterOrDigit(rest[c.Name.Length])))
                .OrderByDescending(c => c.Name.Length).ToList();
            if (full.Count > 0)
            {
                found.Add(full[0].Id);
            }
            else
            {
                var first = FirstWord(body, start + 1);
                var byFirst = candidates.Where(c => string.Equals(c.Name.Split(' ')[0], first, StringComparison.OrdinalIgnoreCase)).ToList();
                if (byFirst.Count == 1)
                {
                    found.Add(byFirst[0].Id);
                }
            }
            if (found.Count >= MentionsMax)
            {
                break;
            }
        }
        return found;
    }

    private static string FirstWord(string text, int from)
    {
        var end = from;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '-' or '\''))
        {
            end++;
        }
        return text[from..end];
    }
}
