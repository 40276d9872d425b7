using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Channels;

/// <summary>
/// A member reports a post to the program's coordinators, with a reason; the coordinators are notified. Once per person and post (409).
/// </summary>
public sealed class ReportPost(TandemDb db, ChannelAccess access, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<ReportReceived>> RunAsync(Actor actor, Guid programId, Guid channelId, Guid postId, ReportPostRequest request, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await access.RetainedAsync(programId, ct) is { } retained)
        {
            return retained;
        }
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > PostReport.ReasonMax)
        {
            return Invalid.Field("reason", $"Say in 1 to {PostReport.ReasonMax} characters what is wrong with the post.");
        }
        if (!await db.Set<ChannelPost>().AnyAsync(p => p.Id == postId && p.ChannelId == channelId, ct))
        {
            return new NotFound(WritePost.NoPost);
        }
        if (await db.Set<PostReport>().AnyAsync(r => r.PostId == postId && r.ReporterUserId == actor.UserId, ct))
        {
            return new Conflict("You have already reported this post; the program's coordinators have your report.");
        }
        db.Add(new PostReport(postId, channelId, programId, actor.UserId, reason, clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("You have already reported this post; the program's coordinators have your report.");
        }
        var coordinators = await db.Enrolments.Where(e => e.ProgramId == programId && e.Role == ProgramRole.Coordinator).Select(e => e.UserId).Distinct().ToListAsync(ct);
        // Never a study group's channel's name (its members' names, ADR 121); the notice is the program's, so retention finds it.
        var channel = found.Value!.Channel;
        var where = channel.Kind == ChannelKind.StudyGroup ? "a study group's channel" : channel.Name;
        await notify.RunAsync(coordinators.Select(id => new NotificationMessage(id, NotificationKind.Discussions, $"A post in {where} was reported",
            "A member reported a post. Read the report and decide whether to hide it.", $"/programs/{programId}/moderation", programId)).ToList(), ct);
        return new ReportReceived(postId, "Thank you. The program's coordinators will read the post and your reason.");
    }
}

/// <summary>
/// What a moderator does, each written to the program's moderation log in the same transaction and, when it concerns a minor, to the
/// audit log: hide a post (or show it again), mute a member for a while, remove a member from a channel (or let them back).
/// </summary>
public sealed class ModerateChannel(TandemDb db, ChannelAccess access, AuditLog audit, TimeProvider clock)
{
    public const int MaxMuteHours = 2160;

    public async Task<Outcome<PostView>> HideAsync(Actor actor, Guid programId, Guid channelId, Guid postId, HidePostRequest request, CancellationToken ct = default)
    {
        var found = await access.FindModeratedAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await access.RetainedAsync(programId, ct) is { } retained)
        {
            return retained;
        }
        if (Reason(request.Reason) is not { } reason)
        {
            return Invalid.Field("reason", $"Give a reason of 1 to {ModerationEntry.ReasonMax} characters; it is kept in the moderation log.");
        }
        var post = await db.Set<ChannelPost>().SingleOrDefaultAsync(p => p.Id == postId && p.ChannelId == channelId, ct);
        if (post is null)
        {
            return new NotFound(WritePost.NoPost);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var hide = request.Hidden ?? true;
        if (!(hide ? post.Hide(actor.UserId, now) : post.Show()))
        {
            return new Conflict(hide ? "This post is already hidden." : "This post is not hidden.");
        }
        db.Add(new ModerationEntry(programId, channelId, actor.UserId, hide ? ModerationAction.HidPost : ModerationAction.ShowedPost, post.AuthorUserId, postId, reason, null, now));
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            if (hide)
            {
                await db.Set<PostReport>().Where(r => r.PostId == postId && r.State == ReportState.Open).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.State, ReportState.Actioned).SetProperty(r => r.DecidedAt, now).SetProperty(r => r.DecidedByUserId, actor.UserId), ct);
            }
            await transaction.CommitAsync(ct);
        }
        await AuditAsync(actor, post.AuthorUserId, postId, programId, $"Moderation: {(hide ? "hid" : "showed again")} a post in a discussion channel", ct);
        var author = await db.Users.Where(u => u.Id == post.AuthorUserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";
        var replies = await db.Set<ChannelPost>().CountAsync(r => r.ParentPostId == postId, ct);
        return new PostView(post.Id, channelId, post.ParentPostId, post.AuthorUserId, author, post.Body, hide, post.PostedAt, replies, []);
    }

    public async Task<Outcome<ChannelMemberView>> MuteAsync(Actor actor, Guid programId, Guid channelId, MuteMemberRequest request, CancellationToken ct = default)
    {
        if (request.Hours is < 0 or > MaxMuteHours)
        {
            return Invalid.Field("hours", $"Mute for 1 to {MaxMuteHours:N0} hours (90 days), or 0 to lift a mute.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = request.Hours == 0 ? null : now.AddHours(request.Hours);
        return await ChangeMemberAsync(actor, programId, channelId, request.UserId, request.Reason, member =>
        {
            if (until is null && !(member.MutedUntil is { } m && m > now))
            {
                return null; // nothing to lift
            }
            member.MuteUntil(until);
            return until is null ? ModerationAction.Unmuted : ModerationAction.Muted;
        }, until is null ? "lifted the mute of a member in" : $"muted a member until {until:yyyy-MM-dd HH:mm} UTC in", ct);
    }

    public Task<Outcome<ChannelMemberView>> RemoveAsync(Actor actor, Guid programId, Guid channelId, RemoveMemberRequest request, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ChangeMemberAsync(actor, programId, channelId, request.UserId, request.Reason, member =>
        {
            if ((member.RemovedAt is not null) == request.Removed)
            {
                return null;
            }
            if (request.Removed)
            {
                member.Remove(now);
                return ModerationAction.Removed;
            }
            member.Restore();
            return ModerationAction.Restored;
        }, request.Removed ? "removed a member from" : "let a member back into", ct);
    }

    private async Task<Outcome<ChannelMemberView>> ChangeMemberAsync(Actor actor, Guid programId, Guid channelId, Guid? userId, string? reasonText,
        Func<ChannelMember, ModerationAction?> change, string what, CancellationToken ct)
    {
        var found = await access.FindModeratedAsync(actor, programId, channelId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await access.RetainedAsync(programId, ct) is { } retained)
        {
            return retained;
        }
        if (Reason(reasonText) is not { } reason)
        {
            return Invalid.Field("reason", $"Give a reason of 1 to {ModerationEntry.ReasonMax} characters; it is kept in the moderation log.");
        }
        var person = await db.Enrolments.Where(e => e.ProgramId == programId && e.UserId == userId)
            .Select(e => new { e.UserId, e.Role, e.User!.DisplayName }).ToListAsync(ct);
        if (person.Count == 0)
        {
            return new NotFound("No one with this id is in the program.");
        }
        if (person.Any(p => Enrolment.IsStaffRole(p.Role)))
        {
            return new Conflict("The program's coordinators and staff moderate its channels; they are not muted or removed.");
        }
        var member = await db.Set<ChannelMember>().SingleOrDefaultAsync(m => m.ChannelId == channelId && m.UserId == userId, ct);
        if (member is null)
        {
            member = new ChannelMember(channelId, userId!.Value);
            db.Add(member);
        }
        var action = change(member);
        if (action is null)
        {
            return new Conflict("Nothing to change: the member is already so.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new ModerationEntry(programId, channelId, actor.UserId, action.Value, userId, null, reason, member.MutedUntil is { } m && m > now && action == ModerationAction.Muted ? m : null, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("Another moderator changed this member at the same moment; look again and retry.");
        }
        await AuditAsync(actor, userId!.Value, channelId, programId, $"Moderation: {what} a discussion channel", ct);
        return new ChannelMemberView(channelId, userId.Value, person[0].DisplayName, member.MutedUntil is { } mu && mu > now ? mu : null, member.RemovedAt is not null);
    }

    private static string? Reason(string? text)
    {
        var reason = text?.Trim() ?? "";
        return reason.Length is 0 or > ModerationEntry.ReasonMax ? null : reason;
    }

    /// <summary>
    /// A moderator's decision about a minor's words or place is written to the audit log of who did what with a minor's
    /// record. The entry says what was done, not the reason or the channel's name (a study group's name holds first
    /// names): the log is append-only and holds ids, not words (ADR 49), while erasure and retention clear the reason
    /// from the moderation log (ADR 66); a reason of 500 characters did not fit its 200 either.
    /// </summary>
    private Task AuditAsync(Actor actor, Guid subject, Guid recordId, Guid programId, string purpose, CancellationToken ct) =>
        audit.RecordAsync(actor, [subject], AuditRecord.Discussions, recordId, programId, purpose, ct);
}

/// <summary>The program's open reports (oldest first) and its moderation log (newest first), for its coordinators only.</summary>
public sealed class ModerationQueries(TandemDb db, ProgramAccess programs, TimeProvider clock)
{
    public async Task<Outcome<Paged<PostReportView>>> ReportsAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var managed = await programs.FindManagedAsync(actor, programId, ct, ChannelAccess.OnlyModerators, tracked: false);
        if (managed.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var open = db.Set<PostReport>().Where(r => r.ProgramId == programId && r.State == ReportState.Open);
        var items = await (
            from r in open
            join p in db.Set<ChannelPost>() on r.PostId equals p.Id
            join c in db.Set<DiscussionChannel>() on r.ChannelId equals c.Id
            orderby r.ReportedAt, r.Id
            select new PostReportView(r.Id, r.PostId, r.ChannelId, c.Name, p.AuthorUserId,
                db.Users.Where(u => u.Id == p.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", p.Body, p.HiddenAt != null,
                r.ReporterUserId, db.Users.Where(u => u.Id == r.ReporterUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", r.Reason, r.ReportedAt, r.State))
            .Page(paging).ToListAsync(ct);
        return paging.Of(items, await paging.TotalAsync(open, items.Count, ct));
    }

    /// <summary>
    /// One report of the program (open or decided), for its coordinators, or null: the report a decision was sent from after
    /// the list of open reports moved on (another was dismissed, the page shrank), shown on its own (ADR 121).
    /// </summary>
    public async Task<PostReportView?> ReportAsync(Actor actor, Guid programId, Guid reportId, CancellationToken ct = default)
    {
        var managed = await programs.FindManagedAsync(actor, programId, ct, ChannelAccess.OnlyModerators, tracked: false);
        if (managed.Failure is not null)
        {
            return null;
        }
        return await (
            from r in db.Set<PostReport>().Where(r => r.Id == reportId && r.ProgramId == programId)
            join p in db.Set<ChannelPost>() on r.PostId equals p.Id
            join c in db.Set<DiscussionChannel>() on r.ChannelId equals c.Id
            select new PostReportView(r.Id, r.PostId, r.ChannelId, c.Name, p.AuthorUserId,
                db.Users.Where(u => u.Id == p.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", p.Body, p.HiddenAt != null,
                r.ReporterUserId, db.Users.Where(u => u.Id == r.ReporterUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", r.Reason, r.ReportedAt, r.State))
            .SingleOrDefaultAsync(ct);
    }

    public async Task<Outcome<Paged<ModerationEntryView>>> LogAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var managed = await programs.FindManagedAsync(actor, programId, ct, ChannelAccess.OnlyModerators, tracked: false);
        if (managed.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var entries = db.Set<ModerationEntry>().Where(e => e.ProgramId == programId);
        var items = await (
            from e in entries
            join c in db.Set<DiscussionChannel>() on e.ChannelId equals c.Id
            orderby e.At descending, e.Id descending
            select new ModerationEntryView(e.Id, e.ChannelId, c.Name, e.Action,
                db.Users.Where(u => u.Id == e.ModeratorUserId).Select(u => u.DisplayName).FirstOrDefault(),
                e.SubjectUserId, db.Users.Where(u => u.Id == e.SubjectUserId).Select(u => u.DisplayName).FirstOrDefault(), e.PostId, e.Reason, e.Until, e.At))
            .Page(paging).ToListAsync(ct);
        return paging.Of(items, await paging.TotalAsync(entries, items.Count, ct));
    }

    /// <summary>The moderation log's reason for a dismissal: which report, not what it said.</summary>
    public static string Dismissed(Guid reportId) => $"Report dismissed (report {reportId})";

    /// <summary>A coordinator dismisses a report (the post stays as it is); the dismissal is logged.</summary>
    public async Task<Outcome<PostReportView>> DismissAsync(Actor actor, Guid programId, Guid reportId, CancellationToken ct = default)
    {
        var managed = await programs.FindManagedAsync(actor, programId, ct, ChannelAccess.OnlyModerators, tracked: false);
        if (managed.Failure is { } failure)
        {
            return failure;
        }
        var report = await db.Set<PostReport>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == reportId && r.ProgramId == programId, ct);
        if (report is null)
        {
            return new NotFound("No report with this id is in this program.");
        }
        if (report.State != ReportState.Open)
        {
            return new Conflict("This report has already been dealt with.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var view = await (
            from r in db.Set<PostReport>().Where(r => r.Id == reportId)
            join p in db.Set<ChannelPost>() on r.PostId equals p.Id
            join c in db.Set<DiscussionChannel>() on r.ChannelId equals c.Id
            select new PostReportView(r.Id, r.PostId, r.ChannelId, c.Name, p.AuthorUserId,
                db.Users.Where(u => u.Id == p.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", p.Body, p.HiddenAt != null,
                r.ReporterUserId, db.Users.Where(u => u.Id == r.ReporterUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", r.Reason, r.ReportedAt, ReportState.Dismissed))
            .SingleAsync(ct);
        // The log says which report was dismissed, never the reporter's words: the log outlives the report's reason, which
        // erasure and retention overwrite (ADR 108).
        db.Add(new ModerationEntry(programId, report.ChannelId, actor.UserId, ModerationAction.DismissedReports, view.AuthorUserId, report.PostId,
            Dismissed(reportId), null, now));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Set<PostReport>().Where(r => r.Id == reportId && r.State == ReportState.Open).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, ReportState.Dismissed).SetProperty(r => r.DecidedAt, now).SetProperty(r => r.DecidedByUserId, actor.UserId), ct);
        if (changed == 0)
        {
            return new Conflict("This report has already been dealt with.");
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return view;
    }
}
