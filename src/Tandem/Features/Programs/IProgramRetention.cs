namespace Tandem.Features.Programs;

/// <summary>
/// When the retention job anonymised a closed program's personal data (ADR 49), or null while it has not. From then on the
/// program takes in nothing new that would be kept past it, since retention anonymises a program once: no survey answers,
/// no suggestions (ADR 99), no outcome imports (ADR 100), no channel posts, reports or moderators' reasons, no journal
/// entries to its prompts or shared with its pairs, no check-ins (ADR 108); no meeting answers, notes, moves, cancellations
/// or proposals (ADR 110); no matching, mentor requests or new relationships (ADRs 111, 112); no kudos, hand awards, ledger
/// notes, quiz answers or reflections (ADR 113); no events or answers to them (ADR 114); no answers to suggestions (ADR 115);
/// no concerns or handlers' steps (ADR 116); no enrolments, invitations resent or enrol invitations accepted (ADR 119); no
/// announcements (ADR 121); no consent answers, and no journal shares with a pair that is not active (ADR 122). Implemented
/// by Exports, which keeps the record of each pass.
/// </summary>
public interface IProgramRetention
{
    Task<DateTime?> AnonymisedAtAsync(Guid programId, CancellationToken ct);

    /// <summary>Of these programs, those retention anonymised: one query for a person's programs (their journal's prompts).</summary>
    Task<IReadOnlyList<Guid>> AnonymisedAmongAsync(IReadOnlyCollection<Guid> programIds, CancellationToken ct);
}
