using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Concerns;

/// <summary>A step of the reporter's own concern: its name and date, never the handler's note or name.</summary>
public sealed record MyConcernStep(ConcernState Step, DateTime At);

/// <summary>What the reporter reads about their own concern: the state and the timeline, not the notes, not who it is about.</summary>
public sealed record MyConcernView(Guid Id, Guid ProgramId, string ProgramName, ConcernCategory Category, ConcernState State,
    DateTime ReportedAt, IReadOnlyList<MyConcernStep> Steps);

public sealed record PersonOption(Guid UserId, string DisplayName);

/// <summary>A line of the handlers' list.</summary>
public sealed record ConcernSummary(Guid Id, ConcernCategory Category, ConcernState State, string ReporterName, string? SubjectName,
    DateTime ReportedAt, DateTime AcknowledgeBy, bool Overdue, DateTime? MediationAt);

public sealed record ProgramConcernsView(Guid ProgramId, string ProgramName, Paged<ConcernSummary> Concerns);

/// <summary>One step of the timeline as handlers read it, with who took it and their note.</summary>
public sealed record ConcernStepView(ConcernState Step, DateTime At, string By, string? Note);

/// <summary>The handlers' view of one concern.</summary>
public sealed record ConcernDetails(Guid Id, Guid ProgramId, string ProgramName, ConcernCategory Category, ConcernState State,
    string Description, PersonOption Reporter, PersonOption? Subject, Guid? RelationshipId, DateTime ReportedAt, DateTime AcknowledgeBy,
    bool Overdue, PersonOption? Mediator, DateTime? MediationAt, IReadOnlyList<ConcernStepView> Timeline,
    IReadOnlyList<ConcernState> NextSteps, IReadOnlyList<PersonOption> PossibleMediators);

public sealed class ReportConcernRequest
{
    [Required]
    public ConcernCategory? Category { get; set; }

    /// <summary>Optional: the person the concern is about (someone in the program); they never see it.</summary>
    public Guid? SubjectUserId { get; set; }

    /// <summary>Optional: the reporter's relationship the concern is about.</summary>
    public Guid? RelationshipId { get; set; }

    [Required, StringLength(Concern.DescriptionMax, MinimumLength = 10)]
    public string Description { get; set; } = "";
}

/// <summary>A step with an optional note (acknowledging).</summary>
public sealed class ConcernStepRequest
{
    [StringLength(Concern.NoteMax)]
    public string? Note { get; set; }
}

/// <summary>A step whose note is the record (the mediation's outcome, the resolution, where it was escalated and why).</summary>
public sealed class ConcernNoteRequest
{
    [Required, StringLength(Concern.NoteMax, MinimumLength = 1)]
    public string Note { get; set; } = "";
}

public sealed class ScheduleMediationRequest
{
    [Required]
    public Guid? MediatorUserId { get; set; }

    [Required]
    public DateTime? StartsAt { get; set; }

    [StringLength(Concern.NoteMax)]
    public string? Note { get; set; }
}
