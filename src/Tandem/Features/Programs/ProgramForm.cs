using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Programs;

/// <summary>The program editor's form: checkboxes and fixed objective rows, mapped to <see cref="ProgramInput"/>.</summary>
public sealed class ProgramForm : IValidatableObject
{
    /// <summary>The empty rows the editor offers at least (a program with more objectives shows them all, and one row more up to the limit).</summary>
    public const int ObjectiveRows = 5;

    public Guid? OrganisationId { get; set; }

    [Required(ErrorMessage = "Give the program a name."), StringLength(120, MinimumLength = 3, ErrorMessage = "The name needs 3 to 120 characters.")]
    public string Name { get; set; } = "";

    [StringLength(4000)]
    public string? Description { get; set; }

    [StringLength(500)]
    public string? TargetAudience { get; set; }

    public PairingModel Pairing { get; set; } = PairingModel.MentorMentee;

    [StringLength(10000)]
    public string? Guidelines { get; set; }

    public bool OneToOne { get; set; } = true;
    public bool Group { get; set; }
    public bool Online { get; set; }
    public bool InPerson { get; set; } = true;

    public Cadence Cadence { get; set; } = Cadence.Fortnightly;
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }

    /// <summary>A post without objective rows (no browser sends one; a script may) binds null here: it means no objectives.</summary>
    public List<ObjectiveRow> Objectives { get; set => field = value ?? NewRows([]); } = NewRows([]);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Blazor reads an enum from its number as well as its name: a posted Cadence=9 was stored, and every recurring
        // meeting proposal of the program then failed.
        if (!Enum.IsDefined(Pairing))
        {
            yield return new ValidationResult("Choose how people are paired: mentors and mentees, or peer to peer.", [nameof(Pairing)]);
        }
        if (!Enum.IsDefined(Cadence))
        {
            yield return new ValidationResult($"Choose a cadence: {string.Join(", ", Enum.GetNames<Cadence>())}.", [nameof(Cadence)]);
        }
        var objectives = Objectives.Count(o => !string.IsNullOrWhiteSpace(o.Description));
        if (objectives > ProgramInput.MaxObjectives)
        {
            yield return new ValidationResult($"A program has at most {ProgramInput.MaxObjectives} objectives; this form has {objectives}.", [nameof(Objectives)]);
        }
        if (!(OneToOne || Group || Online || InPerson))
        {
            yield return new ValidationResult("Choose at least one meeting format.", [nameof(OneToOne)]);
        }
        if (StartsOn is { } start && EndsOn is { } end && end < start)
        {
            yield return new ValidationResult("The end date must be on or after the start date.", [nameof(EndsOn)]);
        }
        for (var i = 0; i < Objectives.Count; i++)
        {
            var row = Objectives[i];
            var hasDescription = !string.IsNullOrWhiteSpace(row.Description);
            var hasTarget = !string.IsNullOrWhiteSpace(row.Target);
            if (hasDescription != hasTarget)
            {
                yield return new ValidationResult($"Objective {i + 1} needs both a description and a measurable target.", [nameof(Objectives)]);
            }
            else if (hasDescription && (row.Description.Trim().Length > 300 || row.Target.Trim().Length > 300))
            {
                yield return new ValidationResult($"Objective {i + 1} is longer than 300 characters.", [nameof(Objectives)]);
            }
            else if (hasDescription)
            {
                foreach (var problem in row.Problems(i + 1))
                {
                    yield return new ValidationResult(problem, [nameof(Objectives)]);
                }
            }
        }
    }

    public CreateProgramRequest ToRequest()
    {
        var request = new CreateProgramRequest
        {
            OrganisationId = OrganisationId,
            Name = Name,
            Description = Description,
            TargetAudience = TargetAudience,
            Pairing = Pairing,
            Guidelines = Guidelines,
            Cadence = Cadence,
            StartsOn = StartsOn,
            EndsOn = EndsOn,
            Objectives = Objectives.Where(o => !string.IsNullOrWhiteSpace(o.Description)).Select(o => o.ToInput()).ToList(),
        };
        if (OneToOne) request.MeetingFormats.Add(MeetingFormat.OneToOne);
        if (Group) request.MeetingFormats.Add(MeetingFormat.Group);
        if (Online) request.MeetingFormats.Add(MeetingFormat.Online);
        if (InPerson) request.MeetingFormats.Add(MeetingFormat.InPerson);
        return request;
    }

    public static ProgramForm From(ProgramDetails program) => new()
    {
        OrganisationId = program.OrganisationId,
        Name = program.Name,
        Description = program.Description,
        TargetAudience = program.TargetAudience,
        Pairing = program.Pairing,
        Guidelines = program.Guidelines,
        OneToOne = program.MeetingFormats.Contains(MeetingFormat.OneToOne),
        Group = program.MeetingFormats.Contains(MeetingFormat.Group),
        Online = program.MeetingFormats.Contains(MeetingFormat.Online),
        InPerson = program.MeetingFormats.Contains(MeetingFormat.InPerson),
        Cadence = program.Cadence,
        StartsOn = program.StartsOn,
        EndsOn = program.EndsOn,
        Objectives = NewRows(program.Objectives.Select(o => new ObjectiveRow
        {
            Description = o.Description, Target = o.Target, Measure = o.Measure, Threshold = o.Threshold, AtMost = o.AtMost,
            SurveyId = o.SurveyId?.ToString(), QuestionId = o.QuestionId, OutcomeMeasure = o.OutcomeMeasure,
        })),
    };

    /// <summary>
    /// Every objective the program has, then empty rows: at least <see cref="ObjectiveRows"/> in all, and one empty row
    /// after the last objective while the program is under the limit. The editor saves the rows it posts, so a row it did
    /// not show would be an objective deleted by saving (the editor showed five while the API takes ten).
    /// </summary>
    private static List<ObjectiveRow> NewRows(IEnumerable<ObjectiveRow> existing)
    {
        var rows = existing.Take(ProgramInput.MaxObjectives).ToList();
        var shown = Math.Min(ProgramInput.MaxObjectives, Math.Max(ObjectiveRows, rows.Count + 1));
        while (rows.Count < shown)
        {
            rows.Add(new ObjectiveRow());
        }
        return rows;
    }
}

/// <summary>
/// One objective row of the editor. The survey id is text, as a browser sends it (empty when not filled in): bound as a
/// Guid, an empty field failed to map and Blazor dropped every row of the form (ADR 81). It is read when the form is checked.
/// </summary>
public sealed class ObjectiveRow
{
    public string Description { get; set; } = "";
    public string Target { get; set; } = "";
    public ObjectiveMeasure? Measure { get; set; }
    public double? Threshold { get; set; }
    public bool AtMost { get; set; }
    public string? SurveyId { get; set; }
    public string? QuestionId { get; set; }
    public string? OutcomeMeasure { get; set; }

    private bool SurveyIdUnreadable => !string.IsNullOrWhiteSpace(SurveyId) && !Guid.TryParse(SurveyId.Trim(), out _);

    public IEnumerable<string> Problems(int number) => SurveyIdUnreadable
        ? [$"Objective {number}: “{Quoted.Of(SurveyId!.Trim())}” is not a survey id; copy it from the survey's results page."]
        : ToInput().Problems(number);

    public ObjectiveInput ToInput() => new()
    {
        Description = Description.Trim(), Target = Target.Trim(), Measure = Measure, Threshold = Threshold, AtMost = AtMost,
        SurveyId = Guid.TryParse(SurveyId?.Trim(), out var survey) ? survey : null, QuestionId = QuestionId, OutcomeMeasure = OutcomeMeasure,
    };
}
