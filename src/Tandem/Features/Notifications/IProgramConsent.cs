namespace Tandem.Features.Notifications;

/// <summary>
/// Whom a program may not contact (ADR 48's consent gate: waiting for a guardian, refused, withdrawn, asked again, or under
/// the consent age without a guardian's or the school's consent). Implemented by Applications, which knows applicants'
/// ages, so that features Applications itself uses (Events, Notifications) can ask without a cycle.
/// </summary>
public interface IProgramConsent
{
    /// <summary>Of <paramref name="userIds"/>, those the program may not notify, e-mail or message.</summary>
    Task<IReadOnlySet<Guid>> UnconsentedAmongAsync(Guid programId, IReadOnlyCollection<Guid> userIds, CancellationToken ct);
}
