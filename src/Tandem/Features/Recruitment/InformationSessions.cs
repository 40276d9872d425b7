using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class ScheduleSessionRequest
{
    [Required, StringLength(200, MinimumLength = 3)]
    public string Title { get; set; } = "";

    /// <summary>The start as an instant (UTC, or with an offset).</summary>
    [Required]
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>The IANA zone the session is held in, used to show its time (e.g. Europe/London).</summary>
    [Required, StringLength(64)]
    public string TimeZoneId { get; set; } = "UTC";

    [Range(5, 600)]
    public int DurationMinutes { get; set; } = 60;

    [StringLength(300)]
    public string? Place { get; set; }

    [Url, StringLength(500)]
    public string? OnlineLink { get; set; }

    [Range(1, 10000)]
    public int Capacity { get; set; } = 30;
}

public sealed record InformationSessionView(
    Guid Id, Guid ProgramId, string Title, DateTime StartsAt, string TimeZoneId, DateTime StartsAtLocal, int DurationMinutes,
    string? Place, string? OnlineLink, int Capacity, int SignedUp, int PlacesLeft, bool IsSignedUp);

public sealed record SessionSignUpView(Guid UserId, string DisplayName, string Email, DateTime SignedUpAt);

internal static class SessionTimes
{
    public static DateTime Local(DateTime utc, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), tz) : utc;

    /// <summary>A wall-clock time in a zone as UTC (for forms that ask for local date and time).</summary>
    public static DateTime? ToUtc(DateTime local, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) && !tz.IsInvalidTime(local)
            ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), tz)
            : null;
}

/// <summary>A coordinator schedules an information session (place or online link, capacity).</summary>
public sealed class ScheduleInformationSession(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid programId, ScheduleSessionRequest request, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (RecruitmentRules.ClosedProblem(found.Value!) is { } closed)
        {
            return closed;
        }
        var zone = request.TimeZoneId.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Invalid.Field(nameof(request.TimeZoneId), $"'{zone}' is not a known IANA time zone.");
        }
        var place = string.IsNullOrWhiteSpace(request.Place) ? null : request.Place.Trim();
        var link = string.IsNullOrWhiteSpace(request.OnlineLink) ? null : request.OnlineLink.Trim();
        if (place is null && link is null)
        {
            return Invalid.Field(nameof(request.Place), "Give a place, an online link, or both.");
        }
        if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            return Invalid.Field(nameof(request.OnlineLink), "The online link must be an http(s) address.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var startsAt = request.StartsAt!.Value.UtcDateTime;
        if (startsAt <= now)
        {
            return Invalid.Field(nameof(request.StartsAt), "The session must start in the future.");
        }
        var session = new InformationSession(programId,
            new InformationSessionDetails(request.Title.Trim(), startsAt, zone, request.DurationMinutes, place, link, request.Capacity), actor.UserId, now);
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return new InformationSessionView(session.Id, programId, session.Title, session.StartsAt, zone, SessionTimes.Local(startsAt, zone),
            session.DurationMinutes, place, link, session.Capacity, 0, session.Capacity, false);
    }
}

/// <summary>
/// A program's information sessions, soonest first. Anyone signed in sees those of a recruiting
/// program (they are how people hear about it); otherwise the program must be visible to the caller.
/// </summary>
public sealed class ListInformationSessions(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<InformationSessionView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, bool includePast, CancellationToken ct = default)
    {
        if (!await db.Programs.AnyAsync(p => p.Id == programId && p.Status == ProgramStatus.Recruiting, ct)
            && !await access.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = db.Set<InformationSession>().Where(s => s.ProgramId == programId);
        if (!includePast)
        {
            sessions = sessions.Where(s => s.StartsAt > now);
        }
        var total = await sessions.CountAsync(ct);
        var rows = await sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id).Page(paging)
            .Select(s => new { Session = s, Mine = db.Set<InformationSessionSignUp>().Any(u => u.SessionId == s.Id && u.UserId == actor.UserId) })
            .AsNoTracking().ToListAsync(ct);
        var items = rows.Select(r => View(r.Session, r.Mine)).ToList();
        return paging.Of(items, total);
    }

    internal static InformationSessionView View(InformationSession s, bool mine) => new(
        s.Id, s.ProgramId, s.Title, s.StartsAt, s.TimeZoneId, SessionTimes.Local(s.StartsAt, s.TimeZoneId), s.DurationMinutes,
        s.Place, s.OnlineLink, s.Capacity, s.SignedUpCount, Math.Max(0, s.Capacity - s.SignedUpCount), mine);
}

/// <summary>
/// Signs the caller up for a session of a recruiting program. The place is taken with one
/// conditional UPDATE (count below capacity), so two people cannot take the last place.
/// </summary>
public sealed class SignUpForInformationSession(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, status) = found.Value;
        if (status != ProgramStatus.Recruiting)
        {
            return new Conflict("The program is not recruiting; its information sessions are closed for sign-up.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (session.StartsAt <= now)
        {
            return new Conflict("This session has already started.");
        }
        if (await db.Set<InformationSessionSignUp>().AnyAsync(u => u.SessionId == sessionId && u.UserId == actor.UserId, ct))
        {
            return new Conflict("You are already signed up for this session.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<InformationSession>()
            .Where(s => s.Id == sessionId && s.SignedUpCount < s.Capacity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SignedUpCount, x => x.SignedUpCount + 1), ct);
        if (taken == 0)
        {
            return new Conflict($"This session is full ({session.Capacity} places).");
        }
        db.Add(new InformationSessionSignUp(sessionId, actor.UserId, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same person twice at once: the unique index refuses the second; the count rolls back with it.
            return new Conflict("You are already signed up for this session.");
        }
        await transaction.CommitAsync(ct);
        await db.Entry(session).ReloadAsync(ct);
        return ListInformationSessions.View(session, mine: true);
    }
}

/// <summary>Gives the caller's place back.</summary>
public sealed class CancelInformationSessionSignUp(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, _) = found.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.Set<InformationSessionSignUp>().Where(u => u.SessionId == sessionId && u.UserId == actor.UserId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return new Conflict("You are not signed up for this session.");
        }
        await db.Set<InformationSession>().Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SignedUpCount, x => x.SignedUpCount - removed), ct);
        await transaction.CommitAsync(ct);
        await db.Entry(session).ReloadAsync(ct);
        return ListInformationSessions.View(session, mine: false);
    }
}

/// <summary>Who signed up for a session, for the program's coordinators.</summary>
public sealed class ListSessionSignUps(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<SessionSignUpView>>> RunAsync(Actor actor, Guid sessionId, int page, int pageSize, CancellationToken ct = default)
    {
        var programId = await db.Set<InformationSession>().Where(s => s.Id == sessionId).Select(s => (Guid?)s.ProgramId).SingleOrDefaultAsync(ct);
        if (programId is null)
        {
            return new NotFound("No information session with this id.");
        }
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId.Value, ct);
        if (found.Failure is { } failure)
        {
            return failure is NotFound ? new NotFound("No information session with this id.") : failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var signUps = db.Set<InformationSessionSignUp>().Where(u => u.SessionId == sessionId);
        var total = await signUps.CountAsync(ct);
        var items = await signUps.OrderBy(u => u.SignedUpAt).ThenBy(u => u.Id).Page(paging)
            .Join(db.Users, u => u.UserId, x => x.Id, (u, x) => new SessionSignUpView(x.Id, x.DisplayName, x.Email ?? "", u.SignedUpAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

internal static class SessionLookup
{
    /// <summary>A session of a recruiting program (anyone signed in) or of a program the actor sees.</summary>
    public static async Task<Outcome<(InformationSession, ProgramStatus)>> FindAsync(TandemDb db, ProgramAccess access, Actor actor, Guid sessionId, CancellationToken ct)
    {
        var found = await db.Set<InformationSession>().Where(s => s.Id == sessionId)
            .Join(db.Programs, s => s.ProgramId, p => p.Id, (s, p) => new { Session = s, p.Status })
            .SingleOrDefaultAsync(ct);
        if (found is null
            || (found.Status != ProgramStatus.Recruiting && !await access.Visible(actor).AnyAsync(p => p.Id == found.Session.ProgramId, ct)))
        {
            return new NotFound("No information session with this id.");
        }
        return (found.Session, found.Status);
    }
}

public sealed record InformationSessionDetailsView(InformationSessionView Session, string ProgramName, ProgramStatus ProgramStatus, bool CanManage);

/// <summary>One session, for its page: anyone signed in for a recruiting program, else those who see the program.</summary>
public sealed class GetInformationSession(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<InformationSessionDetailsView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, status) = found.Value;
        var mine = await db.Set<InformationSessionSignUp>().AnyAsync(u => u.SessionId == sessionId && u.UserId == actor.UserId, ct);
        var name = await db.Programs.Where(p => p.Id == session.ProgramId).Select(p => p.Name).SingleAsync(ct);
        var canManage = await access.Visible(actor).Where(p => p.Id == session.ProgramId).Where(access.Manageable(actor)).AnyAsync(ct);
        return new InformationSessionDetailsView(ListInformationSessions.View(session, mine), name, status, canManage);
    }
}
