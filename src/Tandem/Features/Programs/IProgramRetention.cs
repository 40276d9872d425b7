namespace Tandem.Features.Programs;

/// <summary>
/// Whether a closed program's personal data has been anonymised by the retention job (ADR 49). From then on the program
/// takes in nothing new that would be kept past it: no survey answers, no suggestions (ADR 99). Exports implements it.
/// </summary>
public interface IProgramRetention
{
    Task<bool> IsAnonymisedAsync(Guid programId, CancellationToken ct);
}
