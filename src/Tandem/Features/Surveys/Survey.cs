using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Features.Programs;

namespace Tandem.Features.Surveys;

/// <summary>
/// The questionnaire types that make sense in a survey (choices and text, the 1–5 scale), plus a Likert agreement
/// scale (1 strongly disagree … 5 strongly agree) and a 0–10 rating. Availability, ranking and consent stay with
/// applications: an answer to them would identify the person or mean nothing in a total.
/// </summary>
public enum SurveyQuestionType { SingleChoice, MultipleChoice, Scale, ShortText, LongText, Likert, Rating }

/// <summary>What a survey is for; a template fills in its questions and trigger.</summary>
public enum SurveyKind { Custom, NeedsAssessment, Pulse, MidPoint, EndOfProgram, Pre, Post }

/// <summary>Draft (editable) → Scheduled (waiting for its date or event) or Open (being answered) → Closed.</summary>
public enum SurveyStatus { Draft, Scheduled, Open, Closed }

/// <summary>When a survey goes out once it is sent: now, on a date, after each meeting held, half-way, or when the program closes.</summary>
public enum SurveyTrigger { Now, OnDate, AfterEachMeeting, ProgramHalfway, ProgramClosed }

/// <summary>One question of a survey; its id is stable so results can be read per question.</summary>
public sealed record SurveyQuestion(string Id, SurveyQuestionType Type, string Prompt, string? Help, IReadOnlyList<string> Options, bool Required);

/// <summary>
/// A survey a coordinator builds and sends to a program's participants by role. An anonymous survey stores its
/// answers with no link to anyone (ADR 24); a named one records who answered.
/// </summary>
public sealed class Survey
{
    public const int TitleMax = 200;
    public const int IntroMax = 2000;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private Survey() { }

    public Survey(Guid organisationId, Guid? programId, SurveyKind kind, Guid createdBy, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        ProgramId = programId;
        Kind = kind;
        Status = SurveyStatus.Draft;
        CreatedByUserId = createdBy;
        CreatedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid? ProgramId { get; private set; }
    public SurveyKind Kind { get; private set; }
    public string Title { get; private set; } = "";
    public string? Intro { get; private set; }
    public bool Anonymous { get; private set; }

    /// <summary>The questions as JSON; read with <see cref="Questions"/>.</summary>
    public string QuestionsJson { get; private set; } = "[]";

    /// <summary>The program roles it goes to, comma-separated (e.g. "Mentor,Mentee").</summary>
    public string AudienceRoles { get; private set; } = "";
    public SurveyTrigger Trigger { get; private set; }
    public DateOnly? SendOn { get; private set; }
    public DateOnly? ClosesOn { get; private set; }

    /// <summary>Days after an invitation that one reminder goes to those who have not answered; null for none.</summary>
    public int? RemindAfterDays { get; private set; }

    /// <summary>The other half of a pre/post pair, whose answers the results compare with.</summary>
    public Guid? PairedSurveyId { get; private set; }
    public SurveyStatus Status { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? SentAt { get; private set; }
    public DateTime? OpenedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }

    /// <summary>A node working on this survey's dispatch holds it until then (so two nodes never invite twice).</summary>
    public DateTime? ClaimedUntil { get; private set; }

    /// <summary>
    /// For a pulse: meetings checked in as held before this moment have been looked at, so the job asks only about newer
    /// ones (someone who consents later is not asked about earlier meetings, ADR 24). Null until the job first looked.
    /// </summary>
    public DateTime? MeetingsSeenUntil { get; private set; }

    public IReadOnlyList<SurveyQuestion> Questions() =>
        JsonSerializer.Deserialize<List<SurveyQuestion>>(QuestionsJson, Json) ?? [];

    public IReadOnlyList<ProgramRole> Audience() =>
        AudienceRoles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<ProgramRole>).ToList();

    public bool IsEditable => Status == SurveyStatus.Draft;

    public void Design(SurveyDesign design, DateTime at)
    {
        Title = design.Title;
        Intro = design.Intro;
        Anonymous = design.Anonymous;
        QuestionsJson = JsonSerializer.Serialize(design.Questions, Json);
        AudienceRoles = string.Join(',', design.Audience.Distinct().Order());
        Trigger = design.Trigger;
        SendOn = design.SendOn;
        ClosesOn = design.ClosesOn;
        RemindAfterDays = design.RemindAfterDays;
        UpdatedAt = at;
    }

    public void PairWith(Guid other) => PairedSurveyId = other;

    /// <summary>Draft → Open (sent now or after each meeting) or Scheduled (waiting for its date or event).</summary>
    public bool Send(DateTime at)
    {
        if (Status != SurveyStatus.Draft)
        {
            return false;
        }
        SentAt = at;
        UpdatedAt = at;
        if (Trigger is SurveyTrigger.Now or SurveyTrigger.AfterEachMeeting)
        {
            Status = SurveyStatus.Open;
            OpenedAt = at;
        }
        else
        {
            Status = SurveyStatus.Scheduled;
        }
        return true;
    }

    /// <summary>Scheduled → Open, when its date or event comes.</summary>
    public bool Open(DateTime at)
    {
        if (Status != SurveyStatus.Scheduled)
        {
            return false;
        }
        Status = SurveyStatus.Open;
        OpenedAt = at;
        UpdatedAt = at;
        return true;
    }

    public bool Close(DateTime at)
    {
        if (Status == SurveyStatus.Closed)
        {
            return false;
        }
        Status = SurveyStatus.Closed;
        ClosedAt = at;
        UpdatedAt = at;
        return true;
    }
}

/// <summary>The designable part of a survey, already validated.</summary>
public sealed record SurveyDesign(
    string Title,
    string? Intro,
    bool Anonymous,
    IReadOnlyList<SurveyQuestion> Questions,
    IReadOnlyList<ProgramRole> Audience,
    SurveyTrigger Trigger,
    DateOnly? SendOn,
    DateOnly? ClosesOn,
    int? RemindAfterDays);
