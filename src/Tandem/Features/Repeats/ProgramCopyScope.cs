namespace Tandem.Features.Repeats;

/// <summary>
/// Every table that points at a program, by entity name, as copied by <see cref="CopyProgram"/> or not (ADR 65). A test reads
/// the model and fails when a table pointing at a program is in neither list, so a new feature decides whether its rows are
/// part of a program's design before it ships.
/// </summary>
public static class ProgramCopyScope
{
    /// <summary>The program's design: copied (the program's own row and objectives through CreateProgram).</summary>
    public static readonly IReadOnlySet<string> Copied = new HashSet<string>(StringComparer.Ordinal)
    {
        "ProgramObjective", "Questionnaire", "ReviewCriterion", "MatchSetup", "ProgramSelfMatchSettings", "TrainingModule",
        "TrainingSettings", "Survey", "JournalPrompt", "ProgramBadgeRule",
        // The program's resource library (ADR 77), with its files and its attachments to the copied training modules.
        "Resource",
        // The copy's own origin row, written by the copy.
        "ProgramOrigin",
    };

    /// <summary>
    /// People and what they did, or things bound to last year's dates and secrets: never copied. The copier's coordinator
    /// enrolment is the only enrolment of a copy.
    /// </summary>
    public static readonly IReadOnlySet<string> NotCopied = new HashSet<string>(StringComparer.Ordinal)
    {
        // People in the program, their applications, reviews, consents and invitations.
        "Enrolment", "Application", "ApplicationDecision", "Rating", "Consent", "ConsentEvent", "Invitation", "Nomination",
        "ReturningMentorInvitation",
        // Matching runs, drafts, rules about named people, rankings.
        "MatchDraft", "MatchRule", "MatchingRun", "MatchingExchange", "MatchingExport", "RankingOffer", "MentorRanking", "MenteeRanking",
        // Relationships and everything in them.
        "Relationship", "MentorRequest", "Meeting", "MeetingSeries", "Goal", "ActionItem", "JournalEntry", "Concern",
        // Answers and results.
        "SurveyInvitation", "SurveyResponse", "Suggestion", "TrainingCompletion", "OutcomeObservationRow",
        // Recognition of people.
        "Kudos", "BadgeAward", "ServiceHourEntry", "Certificate",
        // Dated occurrences and posts of last year.
        "ProgramEvent", "Announcement", "RecruitmentChannel", "InformationSession", "OutboundPost",
        // Secrets (chat webhook addresses) and the data-use notice, which people consent to: the new program sets its own.
        "ProgramChannels", "ProgramWhatsApp", "Notice",
        // People's WhatsApp opt-ins are theirs.
        "WhatsAppOptIn",
        // Discussion channels (ADR 66): their posts, members, mutes and reports are people's; a new program's general channel
        // is made when it is first opened.
        "DiscussionChannel",
        // Records about the old program's data.
        "RetentionRun", "AuditEntry",
    };
}
