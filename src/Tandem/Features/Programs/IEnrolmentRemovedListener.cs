namespace Tandem.Features.Programs;

/// <summary>
/// Told when a coordinator takes someone's enrolment off a program (<see cref="RemoveEnrolment"/>), after it is saved.
/// Events gives up the person's places at the program's events they can no longer see (ADR 97) without Programs knowing of it.
/// </summary>
public interface IEnrolmentRemovedListener
{
    Task EnrolmentRemovedAsync(Guid userId, Guid programId, CancellationToken ct);
}
