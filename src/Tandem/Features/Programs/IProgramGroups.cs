namespace Tandem.Features.Programs;

/// <summary>
/// Whether a program has group relationships (implemented by Relationships, which Programs may not read): a design change
/// that would make a mentor-and-mentees program one-to-one is refused while it has any, because the data repair of ADR 13
/// would split them into pairs at the next migration, leaving the group's messages, goals and channel with one mentee.
/// </summary>
public interface IProgramGroups
{
    Task<bool> AnyAsync(Guid programId, CancellationToken ct);
}
