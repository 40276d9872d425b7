using Microsoft.EntityFrameworkCore.Query;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Concerns;
using Tandem.Features.Conversations;
using Tandem.Features.Goals;
using Tandem.Features.Meetings;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;

namespace Tandem.Features.Exports;

/// <summary>
/// What anonymising a row means, table by table: the same overwrite for a person's erasure (<see cref="ErasePerson"/>,
/// filtered by the person) and for a closed program's retention (<see cref="ApplyRetention"/>, filtered by the program).
/// The row stays, so counts still add up; the words go.
/// </summary>
internal static class Anonymise
{
    public const string Name = "Erased person";
    public const string Text = "(erased)";

    public static void Application(UpdateSettersBuilder<Application> s) => s
        .SetProperty(a => a.AnswersJson, "{}").SetProperty(a => a.Age, (int?)null).SetProperty(a => a.GuardianName, (string?)null)
        .SetProperty(a => a.GuardianEmail, (string?)null).SetProperty(a => a.DecisionMessage, (string?)null)
        .SetProperty(a => a.WithheldAnswersJson, "{}").SetProperty(a => a.SensitiveConsentsJson, "{}");

    /// <summary>
    /// A closed program's application under retention: as an erasure's, except that an age under 18 stays. The age is the
    /// only record that its applicant is a child (<c>IMinors</c>, the consent gate's "young" half), and the child may be in
    /// another program still, or be invited back from this one: clearing it would make them an adult everywhere (ADR 122).
    /// </summary>
    public static void RetainedApplication(UpdateSettersBuilder<Application> s) => s
        .SetProperty(a => a.AnswersJson, "{}").SetProperty(a => a.Age, a => a.Age < 18 ? a.Age : null).SetProperty(a => a.GuardianName, (string?)null)
        .SetProperty(a => a.GuardianEmail, (string?)null).SetProperty(a => a.DecisionMessage, (string?)null)
        .SetProperty(a => a.WithheldAnswersJson, "{}").SetProperty(a => a.SensitiveConsentsJson, "{}");

    public static void Consent(UpdateSettersBuilder<Privacy.Consent> s) => s
        .SetProperty(c => c.GuardianName, (string?)null).SetProperty(c => c.GuardianEmail, (string?)null)
        .SetProperty(c => c.TokenHash, (string?)null).SetProperty(c => c.TokenExpiresAt, (DateTime?)null);

    public static void ConsentEvent(UpdateSettersBuilder<Privacy.ConsentEvent> s) => s.SetProperty(c => c.GuardianName, (string?)null);

    public static void CheckIn(UpdateSettersBuilder<CheckIn> s) => s
        .SetProperty(c => c.Topics, Text).SetProperty(c => c.Progress, (string?)null).SetProperty(c => c.Challenges, (string?)null)
        .SetProperty(c => c.NextSteps, (string?)null);

    public static void Message(UpdateSettersBuilder<Message> s) => s
        .SetProperty(m => m.Body, Text).SetProperty(m => m.AttachmentName, (string?)null).SetProperty(m => m.AttachmentContentType, (string?)null)
        .SetProperty(m => m.AttachmentSize, (long?)null).SetProperty(m => m.AttachmentKey, (string?)null);

    public static void Concern(UpdateSettersBuilder<Concern> s) => s.SetProperty(c => c.Description, Text);

    public static void FitCheckAnswer(UpdateSettersBuilder<FitCheckAnswer> s) => s.SetProperty(f => f.Note, (string?)null);

    public static void Goal(UpdateSettersBuilder<Goal> s) => s.SetProperty(g => g.Outcome, Text).SetProperty(g => g.Measure, Text);

    public static void Milestone(UpdateSettersBuilder<Milestone> s) => s.SetProperty(m => m.Title, Text);

    public static void ActionItem(UpdateSettersBuilder<ActionItem> s) => s.SetProperty(a => a.Title, Text).SetProperty(a => a.Notes, (string?)null);

    /// <summary>A meeting's line in the service-hours ledger copies its title ("Meeting held: …"); the title goes with the meeting's.</summary>
    public const string MeetingHeld = "Meeting held";

    public static void MeetingAnswer(UpdateSettersBuilder<MeetingAnswer> s) => s.SetProperty(a => a.Note, (string?)null);

    public static void SurveyResponse(UpdateSettersBuilder<SurveyResponse> s) => s
        .SetProperty(r => r.AnswersJson, "{}").SetProperty(r => r.UserId, (Guid?)null);

    public static void Suggestion(UpdateSettersBuilder<Suggestion> s) => s
        .SetProperty(x => x.Text, Text).SetProperty(x => x.AuthorUserId, (Guid?)null);
}
