namespace Tandem.Features.Programs;

/// <summary>
/// Told when a coordinator closes a program, after it is saved. Recognition issues the participants' certificates and
/// awards "program complete" here (ADR 63) without programs knowing of it.
/// </summary>
public interface IProgramClosedListener
{
    Task ProgramClosedAsync(Guid programId, CancellationToken ct);
}
