using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Relationships;

/// <summary>
/// Starts a pair or group from enrolments of one program. The caller manages the program (or is trusted code
/// with an administrator actor). A group only where the program forms groups (<see cref="RelationshipShape"/>). Capacity is enforced by seats: a mentor holds one seat per mentee up to the
/// capacity of their approved application (default 1), a mentee or peer holds one; a race for the last seat
/// is decided by the database's unique key, so exactly one wins.
/// </summary>
public sealed class StartRelationship(TandemDb db, ProgramAccess programs, RelationshipAccess access, IStudyGroupSize groupSizes, IWebhookEvents webhooks, ITrainingGate training,
    IProgramRetention retention, TimeProvider clock)
{
    public const string Retained = "This program's data has been anonymised after it closed, so no relationship starts in it.";
    public const string Closed = "The program is closed, so no relationship starts in it. Reopen it first if it closed too soon.";

    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, StartRelationshipRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, request.ProgramId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var started = await SeatTransaction.RunAsync(db, () => StartAsync(request, actor.UserId, null, ct), ct);
        if (started.Failure is { } notStarted)
        {
            return notStarted;
        }
        return (await access.ToViewsAsync(db.Set<Relationship>().Where(r => r.Id == started.Value!.Id), ct)).Single();
    }

    /// <summary>
    /// Adds the relationship, its members and seats and saves, inside the caller's transaction (see
    /// <see cref="SeatTransaction"/>). No access check: callers check first.
    /// </summary>
    internal async Task<Outcome<Relationship>> StartAsync(StartRelationshipRequest request, Guid? createdBy, Guid? previousRelationshipId, CancellationToken ct)
    {
        // Before anything else, for every way of starting (ADR 112): retention anonymises a program once, so a relationship
        // started after it would be kept for good (and retention cleared the ages the consent gate asks); a closed program
        // starts nothing new either.
        if (await retention.AnonymisedAtAsync(request.ProgramId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        if (await db.Programs.AnyAsync(p => p.Id == request.ProgramId && p.Status == ProgramStatus.Closed, ct))
        {
            return new Conflict(Closed);
        }
        // A page's form mapping takes numbers for these; stored, an undefined one failed every read of the relationship.
        if (!Enum.IsDefined(request.Kind))
        {
            return Invalid.Field(nameof(request.Kind), "A relationship is a Pair or a Group.");
        }
        if (!Enum.IsDefined(request.Source))
        {
            return Invalid.Field(nameof(request.Source), "Say how the relationship came about: PoolMatch, SelfMatch, Manual, Rematch or LateJoin.");
        }
        var ids = request.MemberEnrolmentIds.Distinct().ToList();
        if (ids.Count != request.MemberEnrolmentIds.Count)
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds), "A person appears twice.");
        }
        if (ids.Count < 2 || (request.Kind == RelationshipKind.Pair && ids.Count != 2))
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds), request.Kind == RelationshipKind.Pair
                ? "A pair has exactly two members."
                : "A group has at least two members.");
        }
        if (request.MatchScore is < 0 or > 100)
        {
            return Invalid.Field(nameof(request.MatchScore), "A match score is between 0 and 100.");
        }
        // A start at the calendar's end overflowed the fit check's date on every page of its members (500).
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (request.StartsOn.Year < 2000 || request.StartsOn > today.AddYears(Scheduling.YearsAhead))
        {
            return Invalid.Field(nameof(request.StartsOn), $"A relationship starts after 2000 and within {Scheduling.YearsAhead} years.");
        }
        var enrolments = await db.Enrolments
            .Where(e => ids.Contains(e.Id) && e.ProgramId == request.ProgramId)
            .Select(e => new { e.Id, e.UserId, e.Role, e.User!.DisplayName, e.User.IsDisabled })
            .ToListAsync(ct);
        if (enrolments.Count != ids.Count)
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds), "Every member must be enrolled in this program.");
        }
        if (enrolments.Select(e => e.UserId).Distinct().Count() != enrolments.Count)
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds), "A person cannot be matched with themselves.");
        }
        var mentors = enrolments.Where(e => e.Role == ProgramRole.Mentor).ToList();
        var mentees = enrolments.Where(e => e.Role == ProgramRole.Mentee).ToList();
        var peers = enrolments.Where(e => e.Role == ProgramRole.Peer).ToList();
        var shapeIsValid = (mentors.Count == 1 && mentees.Count == enrolments.Count - 1) || peers.Count == enrolments.Count;
        if (!shapeIsValid)
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds),
                "A relationship is one mentor with their mentee(s), or peers only; coordinators and staff are not matched.");
        }

        // Nor with a disabled (or erased) account: they can neither sign in nor be told (ADR 91).
        if (enrolments.Where(e => e.IsDisabled).Select(e => e.DisplayName).ToList() is { Count: > 0 } disabled)
        {
            return new Conflict($"{string.Join(", ", disabled)} cannot be matched: their account is disabled.");
        }

        // Every way of starting a relationship passes here, so the consent rule holds for all of them (ADR 48). Read under the
        // program's lock (ADR 126), which a consent's withdrawal takes before it pauses the person's relationships: a
        // withdrawal committed after this read waits for this start's commit and then finds the new relationship to pause.
        // Every caller runs this in its transaction (SeatTransaction, a publish's, the demo's), which holds the lock to its end.
        await ProgramLock.TakeAsync(db, request.ProgramId, ct);
        var unconsented = await ConsentGate.UnconsentedAsync(db, request.ProgramId, ct);
        var userIds = enrolments.Select(e => e.UserId).ToList();
        var missing = await unconsented.Where(u => userIds.Contains(u)).ToListAsync(ct);
        if (missing.Count > 0)
        {
            var names = string.Join(", ", enrolments.Where(e => missing.Contains(e.UserId)).Select(e => e.DisplayName));
            return new Conflict($"{names} cannot be matched yet: their consent (or their parent's or guardian's) is not given.");
        }

        // And the training rule (ADR 61): nobody starts before completing the modules their program requires.
        var untrained = await training.MissingAsync(request.ProgramId, TrainingGateStage.Start, ids, ct);
        if (untrained.Count > 0)
        {
            var who = string.Join("; ", enrolments.Where(e => untrained.ContainsKey(e.Id)).Select(e => $"{e.DisplayName} has not completed {string.Join(", ", untrained[e.Id])}"));
            return new Conflict($"Training required first: {who}. The program requires its training modules to be completed before a relationship starts.");
        }

        if ((await RelationshipShape.LoadAsync(db, groupSizes, request.ProgramId, ct)).Refuses(request.Kind, ids.Count) is { } refused)
        {
            return Invalid.Field(nameof(request.MemberEnrolmentIds), refused);
        }

        var taken = await db.Set<RelationshipSeat>().Where(s => ids.Contains(s.EnrolmentId))
            .Select(s => new { s.EnrolmentId, s.Seat }).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var relationship = new Relationship(request.ProgramId, request.Kind, request.StartsOn, request.Source,
            request.MatchExplanation?.Trim() is { Length: > 0 } why ? why : null, request.MatchScore, createdBy, now, previousRelationshipId);
        var seats = new List<RelationshipSeat>();
        foreach (var single in mentees.Concat(peers))
        {
            if (taken.Any(t => t.EnrolmentId == single.Id))
            {
                return new Conflict($"{single.DisplayName} is already in an active or paused relationship in this program.");
            }
            seats.Add(new RelationshipSeat(relationship.Id, single.Id, 0));
        }
        if (mentors.SingleOrDefault() is { } mentor)
        {
            var capacity = await MentorCapacityAsync(db, request.ProgramId, mentor.UserId, ct);
            var free = Enumerable.Range(0, capacity).Except(taken.Where(t => t.EnrolmentId == mentor.Id).Select(t => t.Seat)).ToList();
            if (free.Count < mentees.Count)
            {
                return new Conflict($"{mentor.DisplayName} has no capacity left (capacity {capacity}, {capacity - free.Count} taken).");
            }
            seats.AddRange(free.Take(mentees.Count).Select(seat => new RelationshipSeat(relationship.Id, mentor.Id, seat)));
        }
        relationship.Members.AddRange(enrolments.Select(e => new RelationshipMember(relationship.Id, e.UserId, e.Id, e.Role)));
        db.Add(relationship);
        db.AddRange(seats);
        // Every way of starting passes here too: the organisation's webhooks hear of it in the same commit (ADR 58).
        await webhooks.AddAsync(WebhookEvent.ForRelationshipStarted(relationship.Id, request.ProgramId, request.Kind.ToString(), request.Source.ToString(),
            request.StartsOn, previousRelationshipId, now), ct);
        await db.SaveChangesAsync(ct);
        return relationship;
    }

    /// <summary>
    /// Whether a relationship may start with this mentee at all (account not disabled, consent given, not in an open
    /// relationship of the program already, the training the program requires passed): for a caller that must refuse
    /// without telling another participant why, where <see cref="StartAsync"/> would name them and the reason.
    /// </summary>
    internal async Task<bool> MenteeMayStartAsync(Guid programId, Guid userId, Guid enrolmentId, CancellationToken ct) =>
        !await db.Users.AnyAsync(u => u.Id == userId && u.IsDisabled, ct)
        && !await ConsentGate.HoldsBackAsync(db, programId, userId, ct)
        && !await db.Set<RelationshipSeat>().AnyAsync(s => s.EnrolmentId == enrolmentId, ct)
        && (await training.MissingAsync(programId, TrainingGateStage.Start, [enrolmentId], ct)).Count == 0;

    /// <summary>The capacity of the mentor's approved application in the program; 1 when none says otherwise.</summary>
    internal static async Task<int> MentorCapacityAsync(TandemDb db, Guid programId, Guid userId, CancellationToken ct) =>
        await db.Set<Application>()
            .Where(a => a.ProgramId == programId && a.UserId == userId && a.Role == ProgramRole.Mentor && a.Status == ApplicationStatus.Approved)
            .OrderByDescending(a => a.DecidedAt)
            .Select(a => a.MentorCapacity)
            .FirstOrDefaultAsync(ct) ?? 1;
}

/// <summary>
/// Runs a write that takes seats in one transaction: committed when the write succeeds, rolled back when it returns
/// a failure. When another transaction took the same seat at the same moment, the database's unique key refuses
/// this one and the caller gets a 409; nothing is retried (the person tries again and sees the seats as they are).
/// </summary>
internal static class SeatTransaction
{
    public static async Task<Outcome<T>> RunAsync<T>(TandemDb db, Func<Task<Outcome<T>>> write, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var outcome = await write();
            if (outcome.Failure is null)
            {
                await transaction.CommitAsync(ct);
            }
            else
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
            return outcome;
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new Conflict("Someone else took the same place at the same moment. Please try again.");
        }
    }
}
