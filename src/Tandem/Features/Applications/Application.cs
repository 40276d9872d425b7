using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

public enum ApplicationStatus { Draft, Submitted, Waitlisted, Approved, Declined, Withdrawn }

public enum Decision { Approve, Decline, Waitlist }

/// <summary>
/// A person's application for one role in one program: a draft they can save and resume, then a submitted
/// application that reviewers rate and a coordinator approves, declines or waitlists.
/// </summary>
public sealed class Application
{
    private Application() { }

    public Application(Guid programId, Guid userId, ProgramRole role, Guid? questionnaireId, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        UserId = userId;
        Role = role;
        QuestionnaireId = questionnaireId;
        Status = ApplicationStatus.Draft;
        CreatedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public TandemUser? User { get; private set; }
    public ProgramRole Role { get; private set; }

    /// <summary>The questionnaire version answered; null when the role had no form when the application started.</summary>
    public Guid? QuestionnaireId { get; private set; }
    public Questionnaire? Questionnaire { get; private set; }
    public ApplicationStatus Status { get; private set; }

    /// <summary>Answers keyed by question id, as JSON (System.Text.Json), validated against the question types.</summary>
    public string AnswersJson { get; private set; } = "{}";

    /// <summary>
    /// Answers to sensitive questions the applicant did not consent to use (ADR 49): kept for them alone, so nothing that
    /// reads <see cref="AnswersJson"/> (matching, screening, reports) can use them.
    /// </summary>
    public string WithheldAnswersJson { get; private set; } = "{}";

    /// <summary>The sensitive questions whose answers the applicant consented to use for matching and reports, with when: {"id": time}.</summary>
    public string SensitiveConsentsJson { get; private set; } = "{}";
    public DateTime? CodeOfConductAcceptedAt { get; private set; }
    public int? Age { get; private set; }
    public string? GuardianName { get; private set; }
    public string? GuardianEmail { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? SubmittedAt { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public Guid? DecidedByUserId { get; private set; }
    public string? DecisionMessage { get; private set; }

    /// <summary>How many mentees an approved mentor takes (set at approval; read by matching).</summary>
    public int? MentorCapacity { get; private set; }

    /// <summary>Bumped by every change; a concurrency token, so two coordinators deciding at once cannot both win.</summary>
    public int Revision { get; private set; }

    public bool IsDecidable => Status is ApplicationStatus.Submitted or ApplicationStatus.Waitlisted;

    /// <summary>The applicant may change or withdraw it until a coordinator decides (a waitlisting is a decision too).</summary>
    public bool IsUndecided => Status is ApplicationStatus.Draft or ApplicationStatus.Submitted;

    /// <summary>
    /// A draft or an undecided submitted application changes; a draft moves to a newer form version when the
    /// applicant saves it. A submitted application stays submitted (it keeps its place in the queue).
    /// </summary>
    public void SaveDraft(Guid? questionnaireId, string answersJson, bool acceptsCode, int? age, string? guardianName, string? guardianEmail, DateTime at)
    {
        if (!IsUndecided)
        {
            throw new InvalidOperationException("Only an undecided application can be edited.");
        }
        QuestionnaireId = questionnaireId;
        AnswersJson = answersJson;
        CodeOfConductAcceptedAt = acceptsCode ? CodeOfConductAcceptedAt ?? at : null;
        Age = age;
        GuardianName = guardianName;
        GuardianEmail = guardianEmail;
        UpdatedAt = at;
        Revision++;
    }

    /// <summary>Sets the withheld answers and the consents given (each keeps the time it was first given).</summary>
    public void SetSensitive(string withheldJson, IReadOnlyDictionary<string, DateTime> consents)
    {
        WithheldAnswersJson = withheldJson;
        SensitiveConsentsJson = System.Text.Json.JsonSerializer.Serialize(consents);
    }

    public IReadOnlyDictionary<string, DateTime> SensitiveConsents() =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, DateTime>>(SensitiveConsentsJson) ?? [];

    public void Submit(DateTime at)
    {
        if (Status != ApplicationStatus.Draft)
        {
            throw new InvalidOperationException("Only a draft can be submitted.");
        }
        Status = ApplicationStatus.Submitted;
        SubmittedAt = at;
        UpdatedAt = at;
        Revision++;
    }

    /// <summary>The applicant takes back an application nobody has decided yet; it then leaves the review queue.</summary>
    public void Withdraw(DateTime at)
    {
        if (!IsUndecided)
        {
            throw new InvalidOperationException("Only an undecided application can be withdrawn.");
        }
        Status = ApplicationStatus.Withdrawn;
        UpdatedAt = at;
        Revision++;
    }

    public void Decide(Decision decision, Guid by, DateTime at, string? message, int? capacity)
    {
        if (!IsDecidable)
        {
            throw new InvalidOperationException($"A {Status} application cannot be decided.");
        }
        Status = decision switch
        {
            Decision.Approve => ApplicationStatus.Approved,
            Decision.Decline => ApplicationStatus.Declined,
            _ => ApplicationStatus.Waitlisted,
        };
        DecidedByUserId = by;
        DecidedAt = at;
        DecisionMessage = message;
        MentorCapacity = decision == Decision.Approve ? capacity : null;
        UpdatedAt = at;
        Revision++;
    }
}

/// <summary>One decision in an application's history: who decided what, when, with which message.</summary>
public sealed class ApplicationDecision
{
    private ApplicationDecision() { }

    public ApplicationDecision(Guid applicationId, Decision decision, Guid by, DateTime at, string? message, int? capacity)
    {
        Id = Guid.CreateVersion7();
        ApplicationId = applicationId;
        Decision = decision;
        DecidedByUserId = by;
        DecidedAt = at;
        Message = message;
        MentorCapacity = capacity;
    }

    public Guid Id { get; private set; }
    public Guid ApplicationId { get; private set; }
    public Decision Decision { get; private set; }
    public Guid DecidedByUserId { get; private set; }
    public TandemUser? DecidedBy { get; private set; }
    public DateTime DecidedAt { get; private set; }
    public string? Message { get; private set; }
    public int? MentorCapacity { get; private set; }

    /// <summary>The in-app notification that told the applicant (its e-mail copy is the outbox row about it); null before telling.</summary>
    public Guid? NotificationId { get; private set; }

    public void Told(Guid notificationId) => NotificationId = notificationId;
}

/// <summary>A criterion the coordinator defines for reviewing a program's applications, e.g. "communication".</summary>
public sealed class ReviewCriterion
{
    private ReviewCriterion() { }

    public ReviewCriterion(Guid programId, int position, string name, string? description, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Position = position;
        Name = name;
        Description = description;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public int Position { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>A reviewer's 1–5 score of one application on one criterion; re-rating updates it and its time.</summary>
public sealed class Rating
{
    private Rating() { }

    public Rating(Guid applicationId, Guid criterionId, Guid reviewerId, int score, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ApplicationId = applicationId;
        CriterionId = criterionId;
        ReviewerUserId = reviewerId;
        Score = score;
        RatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ApplicationId { get; private set; }
    public Guid CriterionId { get; private set; }
    public ReviewCriterion? Criterion { get; private set; }
    public Guid ReviewerUserId { get; private set; }
    public TandemUser? Reviewer { get; private set; }
    public int Score { get; private set; }
    public DateTime RatedAt { get; private set; }

    public void Change(int score, DateTime at)
    {
        Score = score;
        RatedAt = at;
    }
}
