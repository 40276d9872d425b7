using Tandem.Features.Programs;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Recognition;

/// <summary>A kudos as its sender, its recipient and the program's coordinators read it.</summary>
public sealed record KudosView(Guid Id, Guid ProgramId, string ProgramName, Guid FromUserId, string FromName, Guid ToUserId, string ToName,
    string Message, bool FromCoordinator, DateTime SentAt);

/// <summary>Someone the reader may thank: a member of one of their pairs or groups (or, for a coordinator, a participant).</summary>
public sealed record KudosRecipient(Guid ProgramId, string ProgramName, Guid UserId, string DisplayName);

public sealed record BadgeRuleView(string Code, string Title, string Description, bool IsRule, bool Enabled);

public sealed record BadgeAwardView(Guid Id, Guid ProgramId, string ProgramName, Guid UserId, string HolderName, string Badge, string Title,
    string Description, bool ByHand, string? Reason, DateTime AwardedAt);

public sealed record ServiceHourView(Guid Id, Guid ProgramId, string ProgramName, Guid UserId, string PersonName, ServiceHourSource Source,
    Guid SourceId, string Description, DateTime OccurredAt, int Minutes, ServiceHourState State, DateTime? DecidedAt, string? Note);

/// <summary>The reader's own ledger: every line (paged) and the confirmed total.</summary>
public sealed record MyServiceHours(int ConfirmedMinutes, decimal ConfirmedHours, int ProposedMinutes, Paged<ServiceHourView> Entries);

/// <summary>One person's hours in a program, for its coordinators.</summary>
public sealed record PersonServiceHours(Guid UserId, string DisplayName, int ConfirmedMinutes, int ProposedMinutes, int RejectedMinutes);

public sealed class DecideServiceHoursRequest
{
    [System.ComponentModel.DataAnnotations.StringLength(ServiceHourEntry.NoteMax)]
    public string? Note { get; set; }
}

/// <summary>The holder's own certificate, with where to download it, verify it and add it to LinkedIn.</summary>
public sealed record MyCertificateView(Guid Id, Guid ProgramId, string ProgramName, string OrganisationName, string HolderName, ProgramRole Role,
    DateOnly From, DateOnly To, int ConfirmedMinutes, DateTime IssuedAt, string DownloadUrl, string VerifyUrl, string LinkedInUrl,
    IReadOnlyList<string> TrainingCompleted);

/// <summary>A certificate as the program's coordinators list it.</summary>
public sealed record ProgramCertificateView(Guid Id, Guid UserId, string HolderName, ProgramRole Role, DateOnly From, DateOnly To, int ConfirmedMinutes, DateTime IssuedAt);

/// <summary>
/// The public answer to "is this certificate genuine?": for a genuine one, the little it says (a minor's name shortened,
/// ADR 63; the titles of the training completed, ADR 68); otherwise only that it is not genuine.
/// </summary>
public sealed record CertificateVerification(bool Genuine, string Message, string? Name, string? ProgramName, string? OrganisationName,
    string? Role, DateOnly? From, DateOnly? To, decimal? ConfirmedHours, DateOnly? IssuedOn, IReadOnlyList<string>? TrainingCompleted);
