using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recognition;

/// <summary>
/// A badge a program can give. <paramref name="Rule"/> says whether a coordinator can turn it on as a rule (awarded when
/// the thing happens); every badge can also be awarded by hand. Another feature adds its own badge by registering a
/// definition (<see cref="BadgeCatalogue.AddBadge"/>) and calling <see cref="AwardBadges.ByRuleAsync"/> when its thing
/// happens: Training's "training complete" is meant to be one (ADR 63).
/// </summary>
public sealed record BadgeDefinition(string Code, string Title, string Description, bool Rule = true);

/// <summary>Every badge the installation knows: Recognition's own and those other features registered.</summary>
public sealed class BadgeCatalogue(IEnumerable<BadgeDefinition> definitions)
{
    public const int CodeMax = 64;

    public const string FirstMeeting = "first-meeting";
    public const string TenMeetings = "ten-meetings";
    public const string ProgramComplete = "program-complete";
    public const string Special = "special-recognition";

    private readonly Dictionary<string, BadgeDefinition> byCode = definitions.GroupBy(d => d.Code).ToDictionary(g => g.Key, g => g.First());

    public IReadOnlyList<BadgeDefinition> All => byCode.Values.OrderBy(d => d.Rule ? 0 : 1).ThenBy(d => d.Title, StringComparer.Ordinal).ToList();

    public BadgeDefinition? Find(string? code) => code is not null && byCode.TryGetValue(code, out var found) ? found : null;

    public string Title(string code) => Find(code)?.Title ?? code;

    /// <summary>Registers a badge; for another feature's own rule, e.g. Training's "training-complete".</summary>
    public static IServiceCollection AddBadge(IServiceCollection services, BadgeDefinition badge)
    {
        if (badge.Code.Length is 0 or > CodeMax)
        {
            throw new ArgumentException($"A badge code is 1 to {CodeMax} characters.", nameof(badge));
        }
        return services.AddSingleton(badge);
    }

    internal static IServiceCollection AddOwnBadges(IServiceCollection services)
    {
        AddBadge(services, new BadgeDefinition(FirstMeeting, "First meeting", "The first meeting of a pair or group was held."));
        AddBadge(services, new BadgeDefinition(TenMeetings, "Ten meetings", "Ten meetings held in the program."));
        AddBadge(services, new BadgeDefinition(ProgramComplete, "Program complete", "Saw the program through: the relationship was completed or the program closed."));
        AddBadge(services, new BadgeDefinition(Special, "Special recognition", "Awarded by a coordinator, with a reason.", Rule: false));
        return services.AddSingleton<BadgeCatalogue>();
    }
}

public sealed class BadgeRulesRequest
{
    /// <summary>The codes of the rules to turn on; every other rule is turned off.</summary>
    [Required]
    [MaxLength(50)]
    public List<string>? Enabled { get; set; }
}

public sealed class AwardBadgeRequest
{
    [Required]
    public Guid? UserId { get; set; }

    [Required]
    [StringLength(BadgeCatalogue.CodeMax)]
    public string? Badge { get; set; }

    [Required]
    [StringLength(BadgeAward.ReasonMax)]
    public string? Reason { get; set; }
}

/// <summary>
/// Awards badges: by a rule the program turned on (from a hook, inside the caller's transaction) or by a coordinator's
/// hand with a reason. Either way a person holds a badge of a program at most once: the insert does nothing when the
/// unique index already has the row, so two check-ins at the same moment cannot award it twice and neither fails.
/// The holder gets an in-app notification (no e-mail from inside someone else's transaction), unless the program may not
/// contact them (ADR 48): the badge is still theirs, only the notice is withheld. A rule leaves disabled accounts out.
/// </summary>
public sealed class AwardBadges(TandemDb db, BadgeCatalogue catalogue, ProgramAccess programs, Notify notify, IProgramRetention retention, TimeProvider clock)
{
    /// <summary>A hand award carries the coordinator's reason, which retention would never clear again (ADR 108, ADR 113).</summary>
    public const string Retained = "This program's data has been anonymised after it closed, so no more badges are awarded by hand.";

    /// <summary>Awards the badge to these people (disabled accounts left out) when the program has its rule on; returns who got it now.</summary>
    public async Task<IReadOnlyList<Guid>> ByRuleAsync(Guid programId, string badge, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0 || catalogue.Find(badge) is not { Rule: true }
            || !await db.Set<ProgramBadgeRule>().AnyAsync(r => r.ProgramId == programId && r.Badge == badge, ct))
        {
            return [];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var awarded = new List<Guid>();
        // Those who hold it already, and disabled accounts, are left out by one read each (the common case once a rule has
        // fired); the insert below still guards against a concurrent award.
        var holders = await db.Set<BadgeAward>().Where(a => a.ProgramId == programId && a.Badge == badge && userIds.Contains(a.UserId))
            .Select(a => a.UserId).ToListAsync(ct);
        holders.AddRange(await db.Users.Where(u => u.IsDisabled && userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct));
        foreach (var userId in userIds.Distinct().Except(holders))
        {
            var id = Guid.CreateVersion7();
            var rows = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "BadgeAwards" ("Id", "ProgramId", "UserId", "Badge", "AwardedAt")
                VALUES ({id}, {programId}, {userId}, {badge}, {now})
                ON CONFLICT ("ProgramId", "UserId", "Badge") DO NOTHING
                """, ct);
            if (rows > 0)
            {
                awarded.Add(userId);
            }
        }
        await NotifyAsync(programId, badge, awarded, ct);
        return awarded;
    }

    /// <summary>A coordinator awards a badge by hand, with a reason; 409 when the person already holds it.</summary>
    public async Task<Outcome<BadgeAwardView>> ByHandAsync(Actor actor, Guid programId, AwardBadgeRequest request, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators award badges.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (catalogue.Find(request.Badge) is not { } definition)
        {
            return Invalid.Field(nameof(request.Badge), $"No such badge. Badges: {string.Join(", ", catalogue.All.Select(b => b.Code))}.");
        }
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0)
        {
            return Invalid.Field(nameof(request.Reason), "Say why you award this badge.");
        }
        // The page posts here without the API's annotations: the column's limit and the person are checked here too.
        if (reason.Length > BadgeAward.ReasonMax)
        {
            return Invalid.Field(nameof(request.Reason), $"The reason has at most {BadgeAward.ReasonMax} characters.");
        }
        if (request.UserId is not { } userId)
        {
            return Invalid.Field(nameof(request.UserId), "Choose the participant who gets the badge.");
        }
        if (!await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == userId
            && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer), ct))
        {
            return Invalid.Field(nameof(request.UserId), "Badges go to the program's participants.");
        }
        if (await db.Users.AnyAsync(u => u.Id == userId && u.IsDisabled, ct))
        {
            // A disabled account (an erased person's is disabled for good): a rule leaves it out, and so does a hand award.
            return new Conflict("This participant's account is disabled: badges go to open accounts.");
        }
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var badge = definition.Code;
        var rows = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "BadgeAwards" ("Id", "ProgramId", "UserId", "Badge", "AwardedByUserId", "Reason", "AwardedAt")
            VALUES ({id}, {programId}, {userId}, {badge}, {actor.UserId}, {reason}, {now})
            ON CONFLICT ("ProgramId", "UserId", "Badge") DO NOTHING
            """, ct);
        if (rows == 0)
        {
            return new Conflict($"This participant already holds the badge \"{definition.Title}\" in this program; a badge is awarded once.");
        }
        await NotifyAsync(programId, badge, [userId], ct);
        return (await ViewsAsync(db.Set<BadgeAward>().Where(a => a.Id == id), ct)).Single();
    }

    /// <summary>The program's participants by name (the hand-award form's choices; the first 500).</summary>
    public async Task<IReadOnlyList<KudosRecipient>> ParticipantsAsync(Guid programId, CancellationToken ct) =>
        await db.Enrolments.Where(e => e.ProgramId == programId && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer))
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { u.Id, u.DisplayName })
            .OrderBy(x => x.DisplayName).Take(500)
            .Select(x => new KudosRecipient(programId, "", x.Id, x.DisplayName)).ToListAsync(ct);

    private async Task NotifyAsync(Guid programId, string badge, IReadOnlyList<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return;
        }
        var program = await db.Programs.Where(p => p.Id == programId).Select(p => p.Name).SingleAsync(ct);
        var title = catalogue.Title(badge);
        // ADR 48: nobody the program may not contact is notified; the award stands (it is theirs to see once they may take part).
        await notify.StoreToProgramAsync(programId, userIds.Select(u => new NotificationMessage(u, NotificationKind.ProgramUpdates,
            $"You earned a badge: {title}", $"{title} in {program}.", "/my/recognition")).ToList(), ct);
    }

    internal async Task<List<BadgeAwardView>> ViewsAsync(IQueryable<BadgeAward> awards, CancellationToken ct)
    {
        var rows = await awards.Join(db.Programs, a => a.ProgramId, p => p.Id, (a, p) => new { a, ProgramName = p.Name })
            .Join(db.Users, x => x.a.UserId, u => u.Id, (x, u) => new { x.a, x.ProgramName, Holder = u.DisplayName })
            .OrderByDescending(x => x.a.AwardedAt).ThenByDescending(x => x.a.Id)
            .Select(x => new { x.a.Id, x.a.ProgramId, x.ProgramName, x.a.UserId, x.Holder, x.a.Badge, x.a.Reason, ByHand = x.a.AwardedByUserId != null, x.a.AwardedAt })
            .ToListAsync(ct);
        return rows.Select(r => new BadgeAwardView(r.Id, r.ProgramId, r.ProgramName, r.UserId, r.Holder, r.Badge, catalogue.Title(r.Badge),
            catalogue.Find(r.Badge)?.Description ?? "", r.ByHand, r.Reason, r.AwardedAt)).ToList();
    }
}

/// <summary>The program's badge rules, each on or off, and the badges only a coordinator awards.</summary>
public sealed class ProgramBadgeRules(TandemDb db, BadgeCatalogue catalogue, ProgramAccess programs, AwardBadges awards, AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome<IReadOnlyList<BadgeRuleView>>> GetAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators set its badge rules.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var on = await db.Set<ProgramBadgeRule>().Where(r => r.ProgramId == programId).Select(r => r.Badge).ToListAsync(ct);
        return catalogue.All.Select(b => new BadgeRuleView(b.Code, b.Title, b.Description, b.Rule, b.Rule && on.Contains(b.Code))).ToList();
    }

    public async Task<Outcome<IReadOnlyList<BadgeRuleView>>> ChangeAsync(Actor actor, Guid programId, BadgeRulesRequest request, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators set its badge rules.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var wanted = (request.Enabled ?? []).Distinct().ToList();
        if (wanted.FirstOrDefault(c => catalogue.Find(c) is not { Rule: true }) is { } unknown)
        {
            return Invalid.Field(nameof(request.Enabled), $"\"{unknown}\" is not a badge rule. Rules: {string.Join(", ", catalogue.All.Where(b => b.Rule).Select(b => b.Code))}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<ProgramBadgeRule>().Where(r => r.ProgramId == programId && !wanted.Contains(r.Badge)).ExecuteDeleteAsync(ct);
        var kept = await db.Set<ProgramBadgeRule>().Where(r => r.ProgramId == programId).Select(r => r.Badge).ToListAsync(ct);
        foreach (var badge in wanted.Except(kept))
        {
            // Two saves at once (a double click, two coordinators) both find the rule off: the second insert does nothing
            // rather than meet the primary key (which would be a 500, and abort PostgreSQL's transaction), and both answer
            // with the rules as they now stand.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "ProgramBadgeRules" ("ProgramId", "Badge", "TurnedOnByUserId", "TurnedOnAt")
                VALUES ({programId}, {badge}, {actor.UserId}, {now})
                ON CONFLICT ("ProgramId", "Badge") DO NOTHING
                """, ct);
        }
        await transaction.CommitAsync(ct);
        return await GetAsync(actor, programId, ct);
    }

    /// <summary>The program's awards with their reasons, newest first (coordinators; the minors among the page's holders get an audit entry).</summary>
    public async Task<Outcome<Paged<BadgeAwardView>>> ListAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators list its badges.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<BadgeAward>().Where(a => a.ProgramId == programId);
        // Then by id: a program's close awards everyone at one timestamp, and pages of ties alone were not stable (ADR 129).
        var items = await awards.ViewsAsync(query.OrderByDescending(a => a.AwardedAt).ThenByDescending(a => a.Id).Page(request), ct);
        await audit.RecordAsync(actor, items.Select(a => a.UserId).ToList(), AuditRecord.Recognition, null, programId, "Reading the program's badges and their reasons", ct);
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>The reader's own badges in every program.</summary>
    public async Task<IReadOnlyList<BadgeAwardView>> MineAsync(Actor actor, CancellationToken ct) =>
        await awards.ViewsAsync(db.Set<BadgeAward>().Where(a => a.UserId == actor.UserId).OrderByDescending(a => a.AwardedAt).ThenByDescending(a => a.Id).Take(200), ct);
}
