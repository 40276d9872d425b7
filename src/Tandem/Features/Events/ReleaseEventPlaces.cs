using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Events;

/// <summary>
/// A removed enrolment gives up the person's places (going or waitlisted) at the program's events that have not started
/// and that they can no longer see (ADR 97): the same "not going" as their own, under each event's lock, so the waitlist
/// moves up and those given a place are told after the commit. A mentor who was also staff keeps the mentors' events.
/// </summary>
public sealed class ReleaseEventPlacesOfRemovedEnrolment(EventPlaces places, TimeProvider clock) : IEnrolmentRemovedListener
{
    public async Task EnrolmentRemovedAsync(Guid userId, Guid programId, CancellationToken ct)
    {
        var promoted = await places.ReleaseAsync(userId, programId, clock.GetUtcNow().UtcDateTime, ct);
        await places.TellPromotedAsync(promoted, ct);
    }
}

/// <summary>
/// A disabled account gives up its places at every event that has not started (ADR 97), inside the disabling's
/// transaction, so a seat is never held by someone who cannot come; those given a place from a waitlist are told once the
/// disabling is committed.
/// </summary>
public sealed class ReleaseEventPlacesOfDisabledAccount(EventPlaces places, TimeProvider clock) : IAccountDisabledListener
{
    private readonly List<EventPromotion> promoted = [];

    public async Task AccountDisabledAsync(Guid userId, CancellationToken ct) =>
        promoted.AddRange(await places.ReleaseAsync(userId, null, clock.GetUtcNow().UtcDateTime, ct));

    public async Task AccountDisabledCommittedAsync(Guid userId, CancellationToken ct)
    {
        var told = promoted.ToList();
        promoted.Clear();
        await places.TellPromotedAsync(told, ct);
    }
}
