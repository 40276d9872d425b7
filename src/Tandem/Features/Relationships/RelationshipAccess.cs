using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>
/// Who may read a relationship: its members, the program's coordinators (also organisation coordinators) and
/// administrators. Expressed as query filters so that everyone else simply does not find it (404).
/// </summary>
public sealed class RelationshipAccess(TandemDb db, ProgramAccess programs, TimeProvider clock)
{
    public IQueryable<Guid> ManagedProgramIds(Actor actor) =>
        programs.Visible(actor).Where(programs.Manageable(actor)).Select(p => p.Id);

    public IQueryable<Relationship> Readable(Actor actor)
    {
        if (actor.IsAdministrator)
        {
            return db.Set<Relationship>();
        }
        var managed = ManagedProgramIds(actor);
        var memberOf = MemberOf(db, actor);
        return db.Set<Relationship>().Where(r => memberOf.Contains(r.Id) || managed.Contains(r.ProgramId));
    }

    /// <summary>
    /// The relationships the actor is a member of, as a subquery found through the members' user index. Written as
    /// <c>r.Members.Any(…)</c> it is a correlated subquery that SQLite runs once for every relationship of the installation.
    /// </summary>
    internal static IQueryable<Guid> MemberOf(TandemDb db, Actor actor) =>
        db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId).Select(m => m.RelationshipId);

    /// <summary>
    /// The relationship when the actor may read it (<see cref="Readable"/>), with what the pages and writes of one pair ask
    /// of it first: the reader's role in it (none for a coordinator), name and zone, and its program's meeting rules.
    /// </summary>
    /// <remarks>
    /// Compiled once (issue 17, ADR 82): a pair's meetings and check-ins, read and written, begin here, and building and
    /// looking up the access filter's expression tree on every request cost more CPU than SQLite's running the query.
    /// The filter is <see cref="Readable"/>'s, written out for the compiled query (which cannot call it): a member of the
    /// relationship, or a coordinator of its program (enrolled as one, or a coordinator of its organisation).
    /// <c>AccessFilterTests</c> holds the two to the same answers.
    /// </remarks>
    public Task<ReadableRelationship?> FindReadableAsync(Actor actor, Guid relationshipId, CancellationToken ct) =>
        ReadableBy(db, relationshipId, actor.UserId, actor.IsAdministrator, ct);

    /// <remarks>An administrator reads every relationship (the composed filter has no condition for them either).</remarks>
    private static readonly Func<TandemDb, Guid, Guid, bool, CancellationToken, Task<ReadableRelationship?>> ReadableBy =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, Guid userId, bool isAdministrator, CancellationToken ct) => db.Set<Relationship>()
            .Where(r => r.Id == relationshipId
                && (isAdministrator
                    || db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId).Contains(r.Id)
                    || db.Enrolments.Any(e => e.ProgramId == r.ProgramId && e.UserId == userId && e.Role == ProgramRole.Coordinator)
                    || db.Programs.Any(p => p.Id == r.ProgramId && db.OrganisationMemberships.Any(o =>
                        o.UserId == userId && o.OrganisationId == p.OrganisationId && o.Role == OrganisationRole.Coordinator))))
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new ReadableRelationship(
                r.Id, r.ProgramId, r.Kind, r.Status, r.StartsOn,
                db.Set<RelationshipMember>().Where(m => m.RelationshipId == r.Id && m.UserId == userId).Select(m => (ProgramRole?)m.Role).FirstOrDefault(),
                db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).FirstOrDefault(),
                p.OrganisationId, p.Cadence, p.MeetingFormats, p.EndsOn))
            .FirstOrDefault());

    public IQueryable<Relationship> Manageable(Actor actor)
    {
        if (actor.IsAdministrator)
        {
            return db.Set<Relationship>();
        }
        var managed = ManagedProgramIds(actor);
        return db.Set<Relationship>().Where(r => managed.Contains(r.ProgramId));
    }

    /// <summary>
    /// The relationship, with its members, when the actor manages its program: 404 when they cannot read it, 403 when
    /// they can (as a member) but do not manage it (<paramref name="forbidden"/> says what only coordinators do).
    /// </summary>
    public async Task<Outcome<Relationship>> FindManageableAsync(Actor actor, Guid relationshipId, CancellationToken ct,
        string forbidden = "Only the program's coordinators can change this relationship.")
    {
        var relationship = await Manageable(actor).Where(r => r.Id == relationshipId).Include(r => r.Members).SingleOrDefaultAsync(ct);
        if (relationship is not null)
        {
            return relationship;
        }
        return await Readable(actor).AnyAsync(r => r.Id == relationshipId, ct)
            ? new Forbidden(forbidden)
            : new NotFound("No relationship with this id is visible to you.");
    }

    /// <summary>
    /// A page of the actor's own relationships (one of them when <paramref name="onlyId"/> is given; only those in
    /// <paramref name="status"/> when it is given), open ones first, then history, newest first, as a member reads them,
    /// with the fit check's state (meetings held as kept on the relationship) and their own answer: two compiled queries
    /// (the rows with their program's name, fit-check delay and the reader's answer; then the members), no N+1.
    /// </summary>
    public async Task<List<MyRelationshipView>> MyViewsAsync(Actor actor, Guid? onlyId, RelationshipStatus? status, PageRequest page, CancellationToken ct)
    {
        var rows = await MyRows(db, actor.UserId, onlyId, status, page.Skip, page.PageSize).ToListAsync(ct);
        var members = await MembersAsync(rows.Select(r => r.Id).ToList(), ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return rows.Select(r =>
        {
            var opensOn = r.StartsOn.AddDays(r.FitCheckAfterDays ?? ProgramSelfMatchSettings.DefaultFitCheckAfterDays);
            return new MyRelationshipView(
                r.Id, r.ProgramId, r.ProgramName, r.Kind, r.Status, r.StartsOn, r.EndedAt,
                members[r.Id].Select(m => new PartnerView(m.UserId, m.DisplayName, m.Role)).ToList(),
                r.MatchExplanation, opensOn,
                FitCheckOpening.IsOpen(opensOn, today, r.MeetingsHeld),
                r.MyAnswer);
        }).ToList();
    }

    private sealed record MyRow(Guid Id, Guid ProgramId, RelationshipKind Kind, RelationshipStatus Status, DateOnly StartsOn, DateTime? EndedAt,
        string? MatchExplanation, int MeetingsHeld, string ProgramName, int? FitCheckAfterDays, FitAnswer? MyAnswer);

    /// <summary>
    /// Compiled once (issue 17, ADR 67): every participant's home and relationship list runs it, and building, hashing and
    /// looking up its expression tree each time cost about as much CPU as SQLite's running it. The two optional filters
    /// are compiled away: EF Core makes one SQL text for each combination of null and non-null parameters. Membership is
    /// found through the members' user index (<see cref="MemberOf"/>).
    /// </summary>
    private static readonly Func<TandemDb, Guid, Guid?, RelationshipStatus?, int, int, IAsyncEnumerable<MyRow>> MyRows =
        EF.CompileAsyncQuery((TandemDb db, Guid userId, Guid? onlyId, RelationshipStatus? status, int skip, int take) =>
            db.Set<Relationship>()
                .Where(r => db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId).Contains(r.Id))
                .Where(r => (onlyId == null || r.Id == onlyId) && (status == null || r.Status == status))
                .OrderBy(r => r.Status == RelationshipStatus.Active ? 0 : r.Status == RelationshipStatus.Paused ? 1 : 2)
                .ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
                .Skip(skip).Take(take)
                .Select(r => new MyRow(r.Id, r.ProgramId, r.Kind, r.Status, r.StartsOn, r.EndedAt, r.MatchExplanation, r.MeetingsHeld,
                    db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
                    db.Set<ProgramSelfMatchSettings>().Where(s => s.ProgramId == r.ProgramId).Select(s => (int?)s.FitCheckAfterDays).FirstOrDefault(),
                    db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == r.Id && a.UserId == userId).Select(a => (FitAnswer?)a.Answer).FirstOrDefault())));

    /// <summary>
    /// Projects a page of relationships (already filtered, ordered and paged) to coordinators' views: two queries (the rows
    /// with their program's name and the name of who last changed their status; then the members), no N+1.
    /// </summary>
    public async Task<List<RelationshipView>> ToViewsAsync(IQueryable<Relationship> page, CancellationToken ct)
    {
        var rows = await page.Select(r => new
        {
            r.Id, r.ProgramId, r.Kind, r.Status, r.StartsOn, r.Source, r.CreatedAt, r.EndedAt, r.EndReason,
            r.StatusChangedAt, r.StatusChangedByUserId, r.MatchExplanation, r.MatchScore, r.PreviousRelationshipId, r.PoorFitFlaggedAt,
            r.MeetingsHeld, r.LastContactAt,
            ProgramName = db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
            StatusChangedBy = db.Users.Where(u => u.Id == r.StatusChangedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
        }).ToListAsync(ct);
        var members = await MembersAsync(rows.Select(r => r.Id).ToList(), ct);
        return rows.Select(r => new RelationshipView(
            r.Id, r.ProgramId, r.Kind, r.Status, r.StartsOn,
            members[r.Id].Select(m => new RelationshipMemberView(m.UserId, m.DisplayName, m.Role) { EnrolmentId = m.EnrolmentId }).ToList())
        {
            ProgramName = r.ProgramName,
            Source = r.Source,
            CreatedAt = r.CreatedAt,
            EndedAt = r.EndedAt,
            EndReason = r.EndReason,
            StatusChangedAt = r.StatusChangedAt,
            StatusChangedBy = r.StatusChangedBy,
            MatchExplanation = r.MatchExplanation,
            MatchScore = r.MatchScore,
            PreviousRelationshipId = r.PreviousRelationshipId,
            PoorFit = r.PoorFitFlaggedAt is not null,
            AllowedTransitions = Relationship.AllowedNext(r.Status),
            MeetingsHeld = r.MeetingsHeld,
            LastContactAt = r.LastContactAt,
        }).ToList();
    }

    private sealed record MemberRow(Guid RelationshipId, Guid UserId, Guid EnrolmentId, ProgramRole Role, string DisplayName);

    /// <summary>The members of these relationships with their names, mentors first then by name: one query for both views.</summary>
    private async Task<ILookup<Guid, MemberRow>> MembersAsync(List<Guid> relationshipIds, CancellationToken ct)
    {
        if (relationshipIds.Count == 0)
        {
            // No relationships (a coordinator's own list on their home): nothing to ask the database.
            return Array.Empty<MemberRow>().ToLookup(m => m.RelationshipId);
        }
        // One relationship (a participant's own pair, the commonest case) by equality: PostgreSQL plans "= ANY($1)" again on
        // every execution (its generic plan guesses ten ids, so the custom plan always looks cheaper), but keeps one plan
        // for "= $1" (ADR 73).
        var rows = relationshipIds.Count == 1
            ? await MembersOfOne(db, relationshipIds[0]).ToListAsync(ct)
            : await Members(db, relationshipIds).ToListAsync(ct);
        return rows.OrderBy(m => m.Role == ProgramRole.Mentor ? 0 : 1).ThenBy(m => m.DisplayName).ToLookup(m => m.RelationshipId);
    }

    /// <summary>Compiled once, as <see cref="MyRows"/>: the ids travel as one parameter (ADR 38).</summary>
    private static readonly Func<TandemDb, List<Guid>, IAsyncEnumerable<MemberRow>> Members =
        EF.CompileAsyncQuery((TandemDb db, List<Guid> relationshipIds) => db.Set<RelationshipMember>()
            .Where(m => relationshipIds.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberRow(m.RelationshipId, m.UserId, m.EnrolmentId, m.Role, u.DisplayName)));

    private static readonly Func<TandemDb, Guid, IAsyncEnumerable<MemberRow>> MembersOfOne =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId) => db.Set<RelationshipMember>()
            .Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberRow(m.RelationshipId, m.UserId, m.EnrolmentId, m.Role, u.DisplayName)));
}

/// <summary>A relationship the reader may read (<see cref="RelationshipAccess.FindReadableAsync"/>), with their place in it and its program's meeting rules.</summary>
/// <param name="MyRole">The reader's role in it; null when they read it as a coordinator or administrator.</param>
public sealed record ReadableRelationship(
    Guid Id, Guid ProgramId, RelationshipKind Kind, RelationshipStatus Status, DateOnly StartsOn,
    ProgramRole? MyRole, string? MyName, string? MyZone,
    Guid OrganisationId, Cadence Cadence, MeetingFormats MeetingFormats, DateOnly? EndsOn)
{
    public bool IsMember => MyRole is not null;
}
