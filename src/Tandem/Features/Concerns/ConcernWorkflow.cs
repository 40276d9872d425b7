using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// The one path of every handler's step: find the concern among those the actor handles (404 otherwise), refuse it once
/// retention anonymised the program (409, ADR 116), let the entity guard the transition (409), save it as one write (a
/// concurrent step is a 409 too), tell the reporter the new state, and answer with the handlers' view.
/// </summary>
public sealed class ConcernWorkflow(TandemDb db, ConcernAccess access, ConcernNotices notices, GetConcern get, Programs.IProgramRetention retention, TimeProvider clock)
{
    public async Task<Outcome<ConcernDetails>> TakeAsync(Actor actor, Guid programId, Guid concernId,
        Func<Concern, DateTime, Task<Failure?>> step, CancellationToken ct)
    {
        var found = await access.FindHandledAsync(actor, programId, concernId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var concern = found.Value!;
        // Retention cleared the program's notes once; a note written afterwards would be kept for good (ADR 108).
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(ConcernText.RetainedStep);
        }
        var read = concern.UpdatedAt;
        var refused = await step(concern, clock.GetUtcNow().UtcDateTime);
        if (refused is not null)
        {
            return refused;
        }
        // A step's id is made by the entity, so change tracking would take the new step for an existing row.
        foreach (var taken in concern.Steps.Where(s => db.Entry(s).State != EntityState.Unchanged))
        {
            db.Entry(taken).State = EntityState.Added;
        }
        // The state is a concurrency token, but a step may keep it (a mediation moved again stays MediationScheduled): the
        // step is claimed first by a conditional update of UpdatedAt from the value read (no migration, ADR 98), in the
        // step's transaction, so of two steps at once the second finds it changed and gets 409.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Set<Concern>().Where(c => c.Id == concern.Id && c.UpdatedAt == read)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, concern.UpdatedAt), ct);
        if (claimed == 0)
        {
            return LostUpdate;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            return LostUpdate;
        }
        await transaction.CommitAsync(ct);
        await notices.StepAsync(concern, ct);
        return await get.RunAsync(actor, programId, concernId, ct);
    }

    private static Conflict LostUpdate => new("Someone else took a step on this concern at the same moment; reload it and try again.");

    public static Failure? Refused(string? message) => message is null ? null : new Conflict(message);

    /// <summary>A step's note longer than its column once its line breaks count once, as its box counted them (ADR 116).</summary>
    public static Failure? NoteTooLong(string? note) =>
        note is not null && Concern.Typed(note).Length > Concern.NoteMax ? Invalid.Field("note", $"Keep the note under {Concern.NoteMax} characters.") : null;
}
