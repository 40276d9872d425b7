namespace Tandem.Features.Recruitment;

/// <summary>
/// Who a program may not invite to apply because it already knows them as applicants (ADR 106): anyone with an application
/// in the program, whatever its state, and anyone its consent gate holds back (ADR 48), such as a
/// child whose guardian refused or has not answered. Applications implements it (Recruitment may not reference Applications).
/// </summary>
public interface IProgramApplicants
{
    /// <summary>The accounts among <paramref name="normalizedEmails"/> that applied to the program or that its consent gate holds back.</summary>
    Task<IReadOnlyList<(string NormalizedEmail, Guid UserId)>> AmongAsync(Guid programId, IReadOnlyCollection<string> normalizedEmails, CancellationToken ct);
}
