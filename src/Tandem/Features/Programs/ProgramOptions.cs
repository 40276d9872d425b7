using System.ComponentModel.DataAnnotations;

namespace Tandem.Features.Programs;

/// <summary>Settings of programs' lifecycle ("Programs" section), checked at start.</summary>
public sealed class ProgramOptions
{
    /// <summary>Days after closing during which a coordinator may reopen a program ("Programs:ReopenGraceDays", ADR 29).</summary>
    [Range(1, 365)]
    public int ReopenGraceDays { get; set; } = 30;

    public TimeSpan ReopenGrace => TimeSpan.FromDays(ReopenGraceDays);
}

/// <summary>
/// What a program still lacks before it may open recruitment, beyond its own fields: the application forms live in
/// Applications, which implements this (a lower feature asks, a higher one answers). Each item is a phrase such as
/// "an application form for mentors".
/// </summary>
public interface IRecruitmentReadiness
{
    Task<IReadOnlyList<string>> MissingAsync(MentorshipProgram program, CancellationToken ct);
}
