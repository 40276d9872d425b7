using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Security;

/// <summary>
/// A mentee with a history: a relationship the coordinator ended early with a reason, one the coordinator
/// re-matched with a reason, and the current pair, whose mentor answered the fit check "No" with a private
/// note. The mentor also mentors another mentee. Made once for all of <see cref="ParticipantFieldTests"/>.
/// </summary>
public sealed class ParticipantWorld : IAsyncLifetime
{
    public const string EndReason = "Coordinator only: the family asked us to stop";
    public const string RematchReason = "Coordinator only: the mentor asked for a swap";
    public const string PrivateFitNote = "Private: she never turns up";
    public const string PrivateReflection = "Private reflection: I would have promised to keep the secret";

    public TandemFactory Factory { get; } = new();
    public JsonObject Document { get; private set; } = default!;
    public Dictionary<string, string> RouteValues { get; } = new();
    public HttpClient Coordinator { get; private set; } = default!;
    public Participant Mentee { get; private set; } = default!;
    public Participant Mentor { get; private set; } = default!;
    /// <summary>An approved mentee not matched yet, who may choose a mentor (self-match is on).</summary>
    public Participant Waiting { get; private set; } = default!;
    public Guid Ended { get; private set; }
    public Guid Rematched { get; private set; }
    public Guid Current { get; private set; }
    public Guid OtherPair { get; private set; }

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Factory).InitializeAsync();
        var program = await PairingProgram.CreateAsync(Factory);
        Coordinator = program.Coordinator;
        Mentor = await program.ApproveAsync("Mira Mentor", "mentor", capacity: 2);
        var first = await program.ApproveAsync("Fred First", "mentor");
        var second = await program.ApproveAsync("Sid Second", "mentor");
        Mentee = await program.ApproveAsync("Pia Mentee", "mentee");
        var other = await program.ApproveAsync("Oli Other", "mentee");
        Waiting = await program.ApproveAsync("Wes Waiting", "mentee");
        var today = Factory.Today;

        Ended = (await program.StartOnAsync(today.AddDays(-90), first, Mentee)).Id;
        (await Coordinator.PostAsJsonAsync($"/api/v1/relationships/{Ended}/status", new { status = "EndedEarly", reason = EndReason })).EnsureSuccessStatusCode();
        Rematched = (await program.StartOnAsync(today.AddDays(-60), second, Mentee)).Id;
        var rematch = await Coordinator.PostAsJsonAsync($"/api/v1/relationships/{Rematched}/rematch", new
        {
            enrolmentId = Mentee.EnrolmentId, newPartnerEnrolmentIds = new[] { Mentor.EnrolmentId }, reason = RematchReason,
            startsOn = today.AddDays(-30).ToString("yyyy-MM-dd"),
        });
        rematch.EnsureSuccessStatusCode();
        Current = (await rematch.Content.ReadFromJsonAsync<RelationshipView>(Json.Options))!.Id;
        OtherPair = (await program.StartAsync(Mentor, other)).Id;
        (await Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 28 })).EnsureSuccessStatusCode();
        (await Mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{Current}/fit-check", new { answer = "No", note = PrivateFitNote })).EnsureSuccessStatusCode();

        var meeting = await FirstIdAsync(await Mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{Current}/meetings",
            new { startsAt = Factory.Clock.GetUtcNow().AddDays(10).ToString("yyyy-MM-ddT10:00:00Z"), durationMinutes = 60, mode = "InPerson", place = "Library" }));
        (await Mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{Current}/check-ins",
            new { happened = true, topics = "Fractions", occurredAt = Factory.Clock.GetUtcNow().UtcDateTime.AddDays(-2) })).EnsureSuccessStatusCode();
        var session = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/information-sessions",
            new { title = "Meet the mentors", startsAt = Factory.Clock.GetUtcNow().AddDays(5).ToString("yyyy-MM-ddT17:00:00Z"), timeZoneId = "Europe/London", place = "Hall" }));
        var draft = await FirstIdAsync(await Coordinator.PostAsync($"/api/v1/programs/{program.Program.Id}/matching/drafts", Json.Empty()));
        var invitation = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/invitations",
            new { email = "invited.fields@test.example", role = "Mentee" }));

        RouteValues["programId"] = program.Program.Id.ToString();
        RouteValues["organisationId"] = program.School.Organisation.Id.ToString();
        RouteValues["relationshipId"] = Current.ToString();
        RouteValues["meetingId"] = meeting.ToString();
        RouteValues["applicationId"] = (await FirstIdAsync(await Mentee.Client.GetAsync("/api/v1/me/applications"))).ToString();
        RouteValues["notificationId"] = (await FirstIdAsync(await Mentee.Client.GetAsync("/api/v1/me/notifications"))).ToString();
        RouteValues["sessionId"] = session.ToString();
        var eventStarts = Factory.Clock.GetUtcNow().AddDays(6);
        var programEvent = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/events",
            new { title = "Fields test social", startsAt = eventStarts, endsAt = eventStarts.AddHours(2), place = "Hall", capacity = 10 }));
        (await Mentee.Client.PostAsJsonAsync($"/api/v1/events/{programEvent}/rsvp", new { going = true })).EnsureSuccessStatusCode();
        RouteValues["eventId"] = programEvent.ToString();
        // The general channel with a thread of the mentee's (ADR 66).
        var channels = await Mentee.Client.GetFromJsonAsync<JsonObject>($"/api/v1/programs/{program.Program.Id}/discussion-channels");
        var general = channels!["items"]![0]!["id"]!.GetValue<string>();
        RouteValues["channelId"] = general;
        RouteValues["postId"] = (await FirstIdAsync(await Mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/discussion-channels/{general}/posts",
            new { body = "Fields test thread" }))).ToString();
        RouteValues["reportId"] = Guid.NewGuid().ToString();
        RouteValues["draftId"] = draft.ToString();
        RouteValues["invitationId"] = invitation.ToString();
        RouteValues["enrolmentId"] = other.EnrolmentId.ToString();
        RouteValues["userId"] = other.User.Id.ToString();
        RouteValues["requestId"] = Guid.NewGuid().ToString();
        RouteValues["templateId"] = "reading-buddies";
        var survey = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/surveys", new { template = "NeedsAssessment" }));
        (await Coordinator.PostAsync($"/api/v1/surveys/{survey}/send", Json.Empty())).EnsureSuccessStatusCode();
        RouteValues["surveyId"] = survey.ToString();
        RouteValues["surveyInvitationId"] = (await FirstIdAsync(await Mentee.Client.GetAsync("/api/v1/me/surveys"))).ToString();
        (await Mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/suggestions", new { text = "Fields test suggestion" })).EnsureSuccessStatusCode();
        var suggestion = await FirstIdAsync(await Coordinator.GetAsync($"/api/v1/programs/{program.Program.Id}/suggestions"));
        (await Coordinator.PostAsJsonAsync($"/api/v1/suggestions/{suggestion}/answer", new { answer = "Fields test answer" })).EnsureSuccessStatusCode();
        RouteValues["suggestionId"] = suggestion.ToString();
        // A journal entry answering the program's prompt, shared with the current pair: the mentor reads it as shared (ADR 56).
        var prompt = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/journal-prompts", new { text = "What surprised you?" }));
        var entry = await FirstIdAsync(await Mentee.Client.PostAsJsonAsync("/api/v1/me/journal", new { body = "Fields test entry", promptId = prompt }));
        (await Mentee.Client.PutAsJsonAsync($"/api/v1/me/journal/{entry}/share", new { relationshipId = Current })).EnsureSuccessStatusCode();
        RouteValues["entryId"] = entry.ToString();
        // A goal of the current pair with a milestone and an action item (ADR 59).
        var goal = await FirstIdAsync(await Mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{Current}/goals", new
        {
            outcome = "Read a book a month", measure = "Books finished", targetDate = today.AddMonths(2).ToString("yyyy-MM-dd"),
            milestones = new[] { new { title = "First book", dueOn = today.AddMonths(1).ToString("yyyy-MM-dd") } },
        }));
        RouteValues["goalId"] = goal.ToString();
        RouteValues["itemId"] = (await FirstIdAsync(await Mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{Current}/goals/{goal}/action-items", new { title = "Borrow a book" }))).ToString();
        // A ready-made training module for everyone, and the mentee's reflection on its role-play (ADR 61): theirs and the coordinators' only.
        var module = await FirstIdAsync(await Coordinator.PostAsync($"/api/v1/programs/{program.Program.Id}/training/templates/boundaries-and-safeguarding", Json.Empty()));
        var scenario = JsonNode.Parse(await Mentee.Client.GetStringAsync($"/api/v1/training/modules/{module}"))!["scenarios"]![0]!["id"]!.GetValue<string>();
        (await Mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module}/reflections", new { scenarioId = scenario, answer = PrivateReflection })).EnsureSuccessStatusCode();
        RouteValues["moduleId"] = module.ToString();
        RouteValues["templateKey"] = "active-listening";
        // A resource of the library for everyone, attached to the training module (ADR 64).
        var resource = await FirstIdAsync(await Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/resources",
            new { kind = "Link", title = "Fields test link", url = "https://docs.google.com/document/d/fields", tags = new[] { "fields" } }));
        (await Coordinator.PostAsJsonAsync($"/api/v1/resources/{resource}/attachments", new { targetKind = "TrainingModule", targetId = module })).EnsureSuccessStatusCode();
        RouteValues["resourceId"] = resource.ToString();
        RouteValues["targetKind"] = "TrainingModule";
        RouteValues["targetId"] = module.ToString();
        RouteValues["milestoneId"] = Guid.NewGuid().ToString();
        RouteValues["certificateId"] = Guid.NewGuid().ToString();
        RouteValues["code"] = "not-a-certificate-code";
        RouteValues["ruleId"] = Guid.NewGuid().ToString();
        RouteValues["webhookId"] = Guid.NewGuid().ToString();
        RouteValues["role"] = "mentee";
        RouteValues["version"] = "1";
        RouteValues["kind"] = "participants";
        Document = (await Factory.AnonymousClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
    }

    private static async Task<Guid> FirstIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Setting up the world failed: {(int)response.StatusCode} {body}");
        var node = JsonNode.Parse(body);
        var item = node switch
        {
            JsonArray array => array[0],
            JsonObject obj when obj["items"] is JsonArray items => items[0],
            _ => node,
        };
        return Guid.Parse(item!["id"]!.GetValue<string>());
    }

    public string Path(string template) =>
        RouteValues.Aggregate(template, (path, value) => path.Replace("{" + value.Key + "}", value.Value));

    public async Task DisposeAsync() => await ((IAsyncLifetime)Factory).DisposeAsync();
}

/// <summary>
/// Coordinator-only fields stay coordinator-only (docs/security.md; ADR 20). Every operation of the API is
/// either one a participant may call, whose response types are listed below field by field, or one for staff,
/// which a participant is refused. A new operation, response type or field fails these tests until someone
/// reviews it and adds it to the right list.
/// </summary>
public sealed class ParticipantFieldTests(ParticipantWorld world) : IClassFixture<ParticipantWorld>
{
    /// <summary>What a participant (mentor, mentee, peer, applicant) may call for themselves.</summary>
    private static readonly HashSet<string> ParticipantOperations =
    [
        "SignIn", "SignOut", "ChangePassword", "Me", "RequestPasswordReset", "ResetPassword", "VerifyEmail", "SendEmailVerification", "ListOrganisations", "ListPrograms", "GetProgram",
        "ListInformationSessions", "SignUpForInformationSession", "CancelInformationSessionSignUp",
        "AcceptInvitation", "SignUpByInvitation",
        "SaveMyApplicationForProgram", "ListMyApplications", "GetMyApplication", "SaveMyApplication", "WithdrawMyApplication",
        "ListMyRelationships", "GetMyRelationship", "GetFitCheck", "AnswerFitCheck", "GetRelationshipSettings",
        "ListAvailableMentors", "RequestMentor", "ListMyMentorRequests", "DecideMentorRequest", "WithdrawMentorRequest",
        // Stable matching: the reader's own candidates and their own ranks.
        "GetMyCandidates", "RankMyCandidates",
        // Who has opened the reader's own record (a minor's: every read by someone else).
        "ListMyAccessLog",
        // The notices an applicant reads (public), and the reader's own consents (ADR 48).
        "GetProgramNotices", "ListMyConsents", "AnswerMyConsent",
        // A guardian asks for their link (anonymous, as a password reset is); the reader asks for their own erasure (ADR 52).
        "RequestGuardianLink", "AskForMyErasure", "ListMyErasureRequests",
        // Everything held about the reader, as a JSON file (a file, not a reviewed response type: ExportMyData says what is in it).
        "ExportMyData",
        "ListMyNotifications", "MarkNotificationRead", "MarkAllNotificationsRead", "GetNotificationPreferences", "ChangeNotificationPreferences",
        // The reader's own WhatsApp number and opt-ins (ADR 69): there is no way to name another person.
        "GetMyWhatsApp", "ChangeMyWhatsApp",
        "ListCheckIns", "RecordCheckIn", "GetRelationshipHealth",
        // The reader's own conversations (members only: others get 404, the program's coordinators 403).
        "ListMyConversations", "ListMessages", "SendMessage", "SendMessageWithAttachment", "MarkConversationRead", "GetMessageAttachment",
        "ListMeetings", "ProposeMeeting", "SuggestMeetingTimes", "GetMeeting", "RespondToMeeting", "MoveMeeting", "CancelMeeting",
        "GetCalendarFeed", "CreateCalendarFeed", "RevokeCalendarFeed",
        "ReportConcern", "ListMyConcerns",
        "ListMySurveys", "GetMySurvey", "AnswerSurvey", "MakeSuggestion", "ListAnsweredSuggestions",
        // The program's announcements of the reader's audience (ADR 55).
        "ListAnnouncements",
        // Discussion channels (ADR 66): the channels of the reader's programs they find (their audience, their study groups, not removed),
        // their posts (a hidden post's words for its author and the moderators only), reporting a post, joining an interest channel.
        "ListDiscussionChannels", "GetDiscussionChannel", "JoinDiscussionChannel", "LeaveDiscussionChannel", "ListChannelPosts", "WriteChannelPost",
        "ListChannelPostReplies", "ReplyToChannelPost", "ReportChannelPost",
        // The program's events of the reader's audience, their own answer and their own invitation (ADR 62).
        "ListEvents", "GetEvent", "RespondToEvent", "GetEventInvitation",
        // The home: the reader's own; the programs they manage (none, for a participant).
        "GetMyHome", "ListManagedProgramsNeedingAttention",
        // The reader's own journal, entries their pairs shared with them, and their programs' prompts (ADR 56).
        "ListMyJournal", "WriteJournalEntry", "GetJournalEntry", "EditJournalEntry", "DeleteJournalEntry", "ShareJournalEntry",
        "ListJournalEntriesSharedWithMe", "ListMyJournalPrompts", "ExportMyJournal", "ListJournalPrompts",
        // The pair's goals, milestones and action items (ADR 59): its members only (others 404, coordinators read and get 403 on changes).
        "ListGoals", "CreateGoal", "GetGoal", "UpdateGoal", "DeleteGoal", "AddMilestone", "UpdateMilestone", "DeleteMilestone",
        "AddActionItem", "UpdateActionItem", "MoveActionItem", "DeleteActionItem", "ImportActionItems", "ExportActionItems",
        // Recognition (ADR 63): the reader's own kudos (sent and received), badges, hours and certificates; kudos to the members of
        // their own pairs and groups; anyone verifies a certificate by its code.
        "ListMyKudos", "SendKudos", "ListMyBadges", "ListMyServiceHours", "ListMyCertificates", "DownloadMyCertificate", "VerifyCertificate",
        // The reader's own training (ADR 61): their modules, quiz results and reflections; a question's correct option only once they answered.
        "ListMyTraining", "ListMyProgramTraining", "GetMyTrainingModule", "SubmitTrainingQuiz", "SubmitTrainingReflection", "CompleteTrainingModule", "GetTrainingFile",
        // The resource library of the reader's audience (ADR 64): their programs' and organisations' resources, a file, what is attached to what they see.
        "ListResources", "GetResource", "GetResourceFile", "ListAttachedResources",
        // The shipped program templates (ADR 65): designs in the code, nobody's data.
        "ListProgramTemplates", "GetProgramTemplate",
    ];

    /// <summary>What only coordinators, organisation staff and administrators may call; a participant is refused (403 or 404).</summary>
    private static readonly HashSet<string> StaffOperations =
    [
        "CreateJournalPrompt", "GetProgramGoalProgress", "ListPairGoalProgress",
        "ListProgramKudos", "GetBadgeRules", "ChangeBadgeRules", "ListProgramBadges", "AwardBadge", "ListProgramServiceHours", "ListServiceHoursPerPerson",
        "ConfirmServiceHours", "RejectServiceHours", "ListProgramCertificates",
        "ListTrainingModules", "CreateTrainingModule", "GetTrainingModule", "UpdateTrainingModule", "DeleteTrainingModule", "UploadTrainingFile",
        "ListTrainingTemplates", "AddTrainingTemplate", "GetTrainingSettings", "ChangeTrainingSettings", "ListTrainingCompletions", "GetParticipantTraining",
        "ReviewConversation", "GetMeetingSettings", "ChangeMeetingSettings", "ListUsers", "CreateUser", "DisableUser", "EnableUser", "CreateOrganisation",
        "ListOrganisationMembers", "AddOrganisationMember", "RemoveOrganisationMember", "ListOrganisationInvitations",
        "CreateProgram", "UpdateProgram", "ChangeProgramStatus", "ListEnrolments", "EnrolParticipant", "ChangeEnrolmentRole", "RemoveEnrolment", "InviteParticipant", "ListInvitations",
        "PreviewRoster", "ImportRoster", "NominateCandidate", "ListNominations", "ScheduleInformationSession",
        "CreateRecruitmentLink", "ListRecruitmentLinks", "ResendInvitation", "RevokeInvitation", "ListInformationSessionSignUps",
        "ListQuestionnaires", "GetQuestionnaire", "GetQuestionnaireVersion", "SaveQuestionnaire", "ListReviewQueue", "GetApplicationForReview", "RateApplication", "DecideApplication", "DecideApplications",
        "ListReviewCriteria", "AddReviewCriterion",
        "GetMatchingSetup", "SaveMatchingSetup", "PreviewMatchingSetup", "RunPoolMatching", "GetLatestMatchDraft", "GetMatchDraft",
        "ListMatchDraftUnmatched", "GetMatchDraftCertificate", "GetLatestMatchingRun", "GetMatchingRun",
        "ExportMatchingProblem", "ImportMatchingResult",
        "PublishMatchDraft", "AddMatchRule", "RemoveMatchRule", "AssignByHand", "SwapPartners", "ListMatchCandidates",
        "GetRankingStatus", "OfferCandidates", "SearchAuditLog", "GetDiversityReport", "GetRetention", "ChangeRetention", "ListRetentionRuns",
        "PublishProgramNotice", "PublishOrganisationNotice", "GetConsentAge", "SetConsentAge", "ListProgramConsents", "RecordSchoolConsent", "SendGuardianLink",
        "ListErasureRequests", "CarryOutErasureRequest", "DeclineErasureRequest",
        "GetRelationship", "ChangeRelationshipStatus", "Rematch", "GetFitCheckAnswers", "ListProgramRelationships", "StartRelationship",
        "MatchLateJoiners", "ChangeRelationshipSettings", "GetProgramHealth", "MessagePair", "AskToSchedule",
        "ListProgramConcerns", "GetConcern", "AcknowledgeConcern", "ScheduleMediation", "RecordMediation", "ResolveConcern", "EscalateConcern",
        "ListSafeguardingLeads", "DesignateSafeguardingLead", "WithdrawSafeguardingLead",
        "ExportProgramData", "ExportSurveyResults", "ExportPersonData",
        "GetObjectiveProgress", "GetProgramDashboard", "GetProgramReport", "GetOrganisationDashboard",
        "ListSurveyTemplates", "ListSurveys", "CreateSurvey", "GetSurvey", "UpdateSurvey", "SendSurvey", "CloseSurvey", "GetSurveyResults", "ListSurveyResponses",
        "ListOrganisationSurveys", "CreateOrganisationSurvey",
        "ListSuggestions", "AnswerSuggestion",
        "ImportOutcomes", "GetOutcomeReport", "ClearOutcomes",
        "PostAnnouncement", "GetProgramChannels", "ChangeProgramChannels", "GetProgramWhatsApp", "ChangeProgramWhatsApp",
        // Discussion channels: opened and moderated by coordinators; reports and the moderation log are theirs.
        "CreateDiscussionChannel", "HideChannelPost", "MuteChannelMember", "RemoveChannelMember", "ListPostReports", "DismissPostReport", "ListModerationLog",
        // Events: set up and cancelled by coordinators; who answered and who came is the host's (a participant is a host only when named).
        "CreateEvent", "CancelEvent", "GetEventAttendance", "RecordEventAttendance",
        // The resource library: coordinators of the program (or organisation) add, change, delete and attach resources.
        "CreateResource", "UploadResource", "ListOrganisationResources", "CreateOrganisationResource", "UploadOrganisationResource",
        "UpdateResource", "DeleteResource", "AttachResource", "DetachResource",
        // Programs that repeat (ADR 65): creating from a template and copying need an organisation's coordinator; a program's origin and
        // inviting its mentors back are its coordinators'.
        "CreateProgramFromTemplate", "CopyProgram", "GetProgramOrigin", "InviteMentorsBack",
        "ListOrganisationWebhooks", "CreateOrganisationWebhook", "ChangeOrganisationWebhook", "RotateWebhookSecret", "DeleteOrganisationWebhook", "ListWebhookDeliveries",
    ];

    /// <summary>
    /// Every response type a participant can read, with every field they see, reviewed. Enums carry no fields;
    /// a page of a reviewed type (<c>PagedOfX</c>) is reviewed with it.
    /// </summary>
    private static readonly Dictionary<string, string> ParticipantFields = new()
    {
        ["MeView"] = "id email displayName timeZoneId isAdministrator",
        ["PasswordResetRequested"] = "message",
        ["EmailVerificationStatus"] = "email verified",
        // The reader's own organisations; memberCount is a head count, myRole their own role.
        ["OrganisationView"] = "id name kind includesMinors memberCount myRole",
        ["ProgramSummary"] = "id name organisationId organisationName status pairing startsOn endsOn participantCount",
        // allowedTransitions and canManage say what the reader could do (nothing, for a participant); participants is a head count.
        ["ProgramDetails"] = "id organisationId organisationName name description targetAudience pairing guidelines meetingFormats cadence startsOn endsOn status allowedTransitions objectives participants myRoles canManage createdAt updatedAt closedAt reopenableUntil",
        // The measure fields are the program's design, filled in only for those who manage it (null for participants).
        ["ObjectiveView"] = "description target measure threshold atMost surveyId questionId outcomeMeasure",
        // A shipped template's design (code, not data): what it sets up, counted and named.
        ["ProgramTemplateView"] = "id title summary description targetAudience pairing meetingFormats cadence mentorsLeadGroups objectives formQuestions matchingCriteria trainingModules surveys journalPrompts badgeRules",
        ["InformationSessionView"] = "id programId title startsAt timeZoneId startsAtLocal durationMinutes place onlineLink online capacity signedUp placesLeft isSignedUp waitlisted isWaitlisted",
        ["InvitationAcceptance"] = "invitationId programId programName role applyPath purpose organisationId organisationName organisationRole nextPath",
        // The form an applicant fills in: which questions are private (only coordinators read the answers) is shown to them on purpose.
        // A sensitive question's explanation is shown to the applicant (ADR 49).
        ["Question"] = "id type prompt help options required private criterion sensitive explanation",
        // The applicant's own application; the decision message is written to them. Reviewers' ratings and notes are not here.
        ["MyApplicationSummary"] = "id programId programName role status updatedAt submittedAt decidedAt decisionMessage",
        ["MyApplicationView"] = "id programId programName role status formVersion questions answers acceptsCodeOfConduct age guardianName guardianEmail createdAt updatedAt submittedAt decidedAt decisionMessage sensitiveConsents",
        // No end or re-match reason, no poor-fit flag, no score, no enrolment ids, no who-changed-the-status.
        ["MyRelationshipView"] = "id programId programName kind status startsOn endedAt members matchExplanation fitCheckOpensOn fitCheckOpen myFitAnswer",
        ["PartnerView"] = "userId displayName role",
        // The reader's own answer only: a partner's answer and the poor-fit flag a "No" raises are for coordinators.
        ["MyFitCheckView"] = "relationshipId opensOn isOpen canAnswer myAnswer",
        ["MyFitAnswerView"] = "answer note answeredAt",
        // Candidates to rank: the reader's own choice only (never the other side's rank of them, never the score); reasons from public answers.
        ["MyCandidatesView"] = "programId programName role ranked candidates",
        ["MyCandidateView"] = "enrolmentId name reasons choice leftOut",
        // Who read the reader's own record, when, what and why; no ids of the reader or the record.
        ["MyAccessView"] = "at readBy record purpose programName",
        // The notices are public texts; the reader's consents say who answered (never the guardian's name or address: those are in their export).
        ["ProgramNotices"] = "programId programName organisationName privacy dataUse",
        ["NoticeView"] = "kind version text material publishedAt",
        ["MyConsentView"] = "programId programName purpose state giver organisationNoticeVersion programNoticeVersion updatedAt guardianAnswers underConsentAge",
        // The same sentence whether or not a consent names the address; the reader's own erasure requests and the organisation's answer.
        ["GuardianLinkRequested"] = "message",
        ["MyErasureRequestView"] = "id organisationName requestedBy requestedAt state decidedAt declineReason",
        ["RelationshipSettingsView"] = "programId selfMatchEnabled requestTimeoutDays fitCheckAfterDays",
        // Reasons are the engine's explanation in words, never a private answer (Matching tests).
        ["AvailableMentorView"] = "enrolmentId displayName remainingCapacity reasons",
        // Between the mentee and the mentor asked: the message, the mentor's note back.
        ["MentorRequestView"] = "id programId programName menteeEnrolmentId menteeName mentorEnrolmentId mentorName message matchExplanation status createdAt expiresAt decidedAt decisionNote relationshipId iAmTheMentor",
        ["NotificationView"] = "id title body link createdAt readAt emailed",
        ["MarkedRead"] = "count",
        // The reader's own choices per kind; the labels are the page's words.
        ["NotificationPreferenceView"] = "email inApp digestHour choices",
        ["NotificationChoiceView"] = "kind label choice canChange",
        // The reader's own WhatsApp number, whether they may opt in (not under 18) and their programs with WhatsApp connected (ADR 69).
        ["MyWhatsAppView"] = "number canOptIn whyNot programs",
        ["MyWhatsAppProgram"] = "programId programName optedIn",
        // Check-ins are the pair's shared log of their meetings (the form says both members and the coordinator read them).
        ["CheckInView"] = "id relationshipId meetingId authorUserId authorName happened topics progress challenges nextSteps rating occurredAt createdAt updatedAt",
        // The members' own engagement: the reason is the one the reminders send them ("has not met for 3 weeks").
        // eventsAttended: distinct program events the members were marked as attending (ADR 62).
        ["RelationshipHealth"] = "relationshipId programId relationshipStatus members cadence meetingsHeld meetingsExpected checkInsLogged lastContactAt nextMeetingAt daysWithoutContact status reason eventsAttended",
        ["HealthMember"] = "userId displayName role",
        // A group's members see each other's answers to a meeting (ADR 11).
        ["MeetingView"] = "id relationshipId programId startsAt durationMinutes mode place videoLink status proposedByUserId seriesId createdAt title proposedBy endsAt timeZoneId localStartsAt responseNote sequence isGroup answers myAnswer canRespond canCancel",
        ["MeetingAnswerView"] = "userId displayName answer note",
        ["TimeSuggestions"] = "times withoutAvailability",
        ["SuggestedTime"] = "startsAt forEachPerson",
        ["LocalTime"] = "userId displayName timeZoneId localStartsAt",
        ["CalendarFeedView"] = "exists url createdAt",
        // The reporter's own concern: its state and the date of each step. No description, no handler's note or name,
        // no one it is about (ADR 23; Concerns/ConcernPrivacyTests).
        ["MyConcernView"] = "id programId programName category state reportedAt steps",
        ["MyConcernStep"] = "step at",
        // Surveys the reader was asked to answer: no other respondent, no count, no result.
        ["MySurveySummary"] = "id title programId programName anonymous answered canAnswer invitedAt closesOn",
        // myAnswers: the reader's own answers to a named survey only (an anonymous answer is linked to nobody).
        ["MySurveyForm"] = "id title intro programId programName anonymous answered canAnswer closesOn questions myAnswers",
        ["SurveyQuestion"] = "id type prompt help options required",
        ["SurveyAnswered"] = "id anonymous message",
        ["SuggestionReceived"] = "programId anonymous message",
        // What the coordinators published: the suggestion's text and their answer, never who made it or when.
        ["PublicSuggestionView"] = "id text answer answeredOn",
        // The home: the reader's matches (partners' names and initials only), meetings, to-dos, own applications, and
        // their programs' guidelines; no partner's answer, health or flag.
        ["MyHome"] = "displayName timeZoneId relationships nextMeeting waiting applications programs managesPrograms",
        ["HomeRelationship"] = "relationshipId programId programName status partners nextMeeting suggestedFirstMeeting",
        ["HomePartner"] = "userId displayName initials role",
        ["HomeMeeting"] = "meetingId relationshipId title startsAt durationMinutes mode place videoLink status with",
        ["WaitingItem"] = "kind text link",
        ["HomeApplication"] = "applicationId programId programName role status decisionMessage",
        ["HomeProgram"] = "programId name role status guidelines",
        // Programs the reader manages: a participant manages none, so the list is empty for them.
        ["ProgramAttention"] = "programId name organisationName status nextStep nextStepLink attention",
        ["AttentionItem"] = "key count text link",
        // Conversations: the members' own messages, names and how far each member has read; nothing about who reviewed it
        // (that is in the minor's access log).
        ["MessagePage"] = "relationshipId items hasOlder hasNewer latestNumber members canSend whyNotSend",
        ["MessageView"] = "id relationshipId number senderUserId senderName body sentAt attachment",
        ["AttachmentView"] = "name contentType size url",
        ["ReadStateView"] = "userId displayName lastReadNumber",
        // What the coordinators announced to the reader's audience, and who posted it.
        ["AnnouncementView"] = "id programId title body audience authorName postedAt",
        // A channel: what the reader may do in it (their own mute); a study group's channel names its relationship (the reader's own group).
        ["ChannelView"] = "id programId kind name description audience relationshipId joined canPost whyNotPost mutedUntil canModerate createdAt",
        // Posts of a channel the reader is in: authors' names as the channel shows them; a hidden post's body is null but for its author.
        ["PostView"] = "id channelId parentPostId authorUserId authorName body hidden postedAt replyCount replies",
        ["ReportReceived"] = "postId message",
        // An event: counts of those going and waiting, never who; the reader's own answer and place in line; the host's name.
        ["EventView"] = "id programId kind title description startsAt endsAt timeZoneId localStartsAt place videoLink online audience capacity going waitlisted placesLeft hostName cancelledAt myRsvp waitlistPosition canRsvp canTakeAttendance",
        ["ConversationSummary"] = "relationshipId programId programName with latestNumber latestAt latestSenderName latestPreview unread",
        // The journal: the author's own entries; of others', only what they shared with the reader's pair, with the author's name.
        ["JournalEntryView"] = "id body promptId promptText programId writtenAt editedAt sharedWithRelationshipId sharedAt",
        ["SharedJournalEntryView"] = "id relationshipId authorUserId authorName body promptText writtenAt editedAt",
        ["JournalPromptView"] = "id programId programName text createdAt",
        // The pair's goals: their own words, the assignee's name (a member of the pair), progress counted from the items.
        ["GoalView"] = "id relationshipId outcome measure targetDate status createdByUserId createdAt updatedAt closedAt actionItemsDone actionItemsTotal progressPercent milestones actionItems",
        ["MilestoneView"] = "id title dueOn doneAt",
        ["ActionItemView"] = "id goalId title notes assigneeUserId assigneeName dueOn state position doneAt",
        ["ActionItemImportResult"] = "goalId format actionItems milestones",
        // Recognition: kudos the reader sent or received (names of the two people, the message); their own badges, ledger lines
        // (with the coordinator's note on their own line) and certificates; the public verification says only what the paper says.
        ["KudosView"] = "id programId programName fromUserId fromName toUserId toName message fromCoordinator sentAt",
        ["BadgeAwardView"] = "id programId programName userId holderName badge title description byHand reason awardedAt",
        ["MyServiceHours"] = "confirmedMinutes confirmedHours proposedMinutes entries",
        ["ServiceHourView"] = "id programId programName userId personName source sourceId description occurredAt minutes state decidedAt note",
        ["MyCertificateView"] = "id programId programName organisationName holderName role from to confirmedMinutes issuedAt downloadUrl verifyUrl linkedInUrl trainingCompleted",
        ["CertificateVerification"] = "genuine message name programName organisationName role from to confirmedHours issuedOn trainingCompleted",
        // Training: the reader's own modules and progress; the correct option is null until they answered; their own reflection only.
        ["MyTrainingList"] = "programId programName requiredBeforeMatching requiredBeforeStart completed total modules",
        ["MyTrainingItem"] = "moduleId programId programName title minutes state completedAt",
        ["MyTrainingModuleView"] = "id programId programName title content minutes passMarkPercent videoLinks file questions scenarios quizAttempts quizScorePercent quizPassed state completedAt",
        ["TrainingFileView"] = "name contentType size url",
        // A resource of the reader's audience: nothing about who added it (the uploader's id stays in the row, ADR 64).
        ["ResourceView"] = "id organisationId programId kind title description tags audience url source body file createdAt updatedAt",
        ["ResourceFileView"] = "name contentType size url",
        ["MyQuizQuestion"] = "id text options yourAnswer correct",
        ["MyScenario"] = "id prompt yourReflection",
    };

    private static readonly string[] PageFields = ["items", "page", "pageSize", "totalCount", "totalPages"];

    private JsonObject Schemas => world.Document["components"]!["schemas"]!.AsObject();

    private sealed record Operation(string Id, string Method, string Template, JsonObject? Response);

    private IEnumerable<Operation> Operations() =>
        from path in world.Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        let responses = method.Value!["responses"]?.AsObject() ?? []
        let ok = responses.Where(r => r.Key.StartsWith('2')).Select(r => r.Value?["content"]?["application/json"]?["schema"]?.AsObject()).FirstOrDefault(s => s is not null)
        select new Operation(method.Value!["operationId"]!.GetValue<string>(), method.Key.ToUpperInvariant(), path.Key, ok);

    [Fact]
    public void EveryOperationIsReviewedAsAParticipantsOrAsStaffOnly()
    {
        var operations = Operations().ToList();
        var unreviewed = operations.Where(o => !ParticipantOperations.Contains(o.Id) && !StaffOperations.Contains(o.Id)).Select(o => $"{o.Id} ({o.Method} {o.Template})");
        var both = ParticipantOperations.Intersect(StaffOperations);
        var gone = ParticipantOperations.Concat(StaffOperations).Except(operations.Select(o => o.Id));

        Assert.True(!unreviewed.Any(), "Operations nobody has reviewed for participants (add each to ParticipantOperations or StaffOperations):\n" + string.Join("\n", unreviewed));
        Assert.Empty(both);
        Assert.Empty(gone);
    }

    [Fact]
    public void EveryResponseTypeAParticipantReadsListsExactlyItsReviewedFields()
    {
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in Operations().Where(o => ParticipantOperations.Contains(o.Id) && o.Response is not null))
        {
            Reach(operation.Response!, reached);
        }
        var problems = new List<string>();
        foreach (var name in reached)
        {
            var properties = Schemas[name]!["properties"]?.AsObject().Select(p => p.Key).ToList();
            if (properties is null)
            {
                continue; // an enum: values, not fields
            }
            if (name.StartsWith("PagedOf", StringComparison.Ordinal) && ParticipantFields.ContainsKey(name["PagedOf".Length..]))
            {
                if (!properties.Order().SequenceEqual(PageFields.Order()))
                {
                    problems.Add($"{name}: a page has {string.Join(" ", PageFields)}, not {string.Join(" ", properties)}");
                }
                continue;
            }
            if (!ParticipantFields.TryGetValue(name, out var reviewed))
            {
                problems.Add($"{name}: a participant reads this type, but nobody reviewed its fields: {string.Join(" ", properties)}");
                continue;
            }
            var allowed = reviewed.Split(' ');
            foreach (var field in properties.Except(allowed))
            {
                problems.Add($"{name}.{field}: a new field in what a participant reads; review it (is it coordinator-only?) and list it, or give staff their own type");
            }
            foreach (var field in allowed.Except(properties))
            {
                problems.Add($"{name}.{field}: listed as reviewed but no longer in the type; take it off the list");
            }
        }
        foreach (var stale in ParticipantFields.Keys.Except(reached))
        {
            problems.Add($"{stale}: reviewed, but no participant operation returns it any more; take it off the list");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("MyRelationshipView", reached);
        Assert.DoesNotContain("RelationshipView", reached);
        Assert.DoesNotContain("FitCheckView", reached);
    }

    [Fact]
    public async Task WhatAParticipantReadsHoldsNoFieldBeyondItsDocumentedType()
    {
        var problems = new List<string>();
        var answered = new HashSet<string>();
        var refused = new List<string>();
        foreach (var client in new[] { world.Mentee.Client, world.Mentor.Client, world.Waiting.Client })
        {
            foreach (var operation in Operations().Where(o => o.Method == "GET" && o.Response is not null))
            {
                using var response = await client.GetAsync(world.Path(operation.Template));
                if (StaffOperations.Contains(operation.Id))
                {
                    if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                    {
                        problems.Add($"{operation.Id}: staff only, but a participant got {(int)response.StatusCode}");
                    }
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    // Some reads are for one side only (a mentee lists mentors, an applicant reads their own application).
                    refused.Add($"{operation.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }
                answered.Add(operation.Id);
                Compare(JsonNode.Parse(await response.Content.ReadAsStringAsync()), operation.Response!, operation.Id, problems);
            }
        }
        // Every participant read was read by one of them, so every field check above ran.
        problems.AddRange(refused.Where(r => !answered.Contains(r[..r.IndexOf(':')])));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task NoParticipantReadsWhyARelationshipEndedOrWasRematchedOrAPartnersPrivateAnswer()
    {
        // The coordinator reads all three, so the search below looks for text that is there to find.
        var forCoordinator = await Body(world.Coordinator, $"/api/v1/relationships/{world.Ended}")
            + await Body(world.Coordinator, $"/api/v1/relationships/{world.Rematched}")
            + await Body(world.Coordinator, $"/api/v1/relationships/{world.Current}/fit-check/answers");
        Assert.Contains(ParticipantWorld.EndReason, forCoordinator);
        Assert.Contains(ParticipantWorld.RematchReason, forCoordinator);
        Assert.Contains(ParticipantWorld.PrivateFitNote, forCoordinator);
        Assert.Contains("\"poorFit\":true", forCoordinator);
        // The health the coordinator reads says why the pair is at risk: a member said "No" to the fit check.
        Assert.Contains("not a good fit", await Body(world.Coordinator, $"/api/v1/relationships/{world.Current}/health"));

        var seen = new List<string>();
        foreach (var operation in Operations().Where(o => o.Method == "GET" && ParticipantOperations.Contains(o.Id)))
        {
            foreach (var relationship in new[] { world.Ended, world.Rematched, world.Current })
            {
                seen.Add(await Body(world.Mentee.Client, world.Path(operation.Template).Replace(world.Current.ToString(), relationship.ToString())));
            }
        }
        foreach (var page in new[] { "/my/relationships", $"/relationships/{world.Current}/meetings", $"/relationships/{world.Current}/check-ins" })
        {
            var html = await Body(world.Mentee.Client, page);
            Assert.Contains("Mira Mentor", html);
            seen.Add(html);
        }
        seen.Add(await Body(world.Mentee.Client, "/notifications"));
        var mine = await world.Mentee.Client.GetFromJsonAsync<Paged<MyRelationshipView>>("/api/v1/relationships/mine", Json.Options);
        var all = string.Join("\n", seen);

        Assert.Equal(world.Current, mine!.Items[0].Id);
        Assert.Equal(new[] { world.Ended, world.Rematched }.Order(), mine.Items.Skip(1).Select(r => r.Id).Order());
        Assert.All(mine.Items.Skip(1), r => Assert.Equal(RelationshipStatus.EndedEarly, r.Status));
        Assert.DoesNotContain(ParticipantWorld.EndReason, all);
        Assert.DoesNotContain(ParticipantWorld.RematchReason, all);
        Assert.DoesNotContain("Re-matched", all);
        Assert.DoesNotContain(ParticipantWorld.PrivateFitNote, all);
        Assert.DoesNotContain("poorFit", all, StringComparison.OrdinalIgnoreCase);
        // Nor the health's reason that gives the partner's "No" away (the mentee's pages and the health API are in `all`).
        Assert.DoesNotContain("not a good fit", all);
        foreach (var member in new[] { world.Mentor.Client, world.Mentee.Client })
        {
            Assert.DoesNotContain("not a good fit", await Body(member, $"/api/v1/relationships/{world.Current}/health"));
            Assert.DoesNotContain("not a good fit", await Body(member, $"/relationships/{world.Current}/check-ins"));
        }
        Assert.DoesNotContain("Oli Other", all);
    }

    [Fact]
    public async Task NoOtherParticipantReadsAMenteesTrainingReflectionNotEvenHerMentor()
    {
        var coordinator = await Body(world.Coordinator, world.Path("/api/v1/programs/{programId}/training/completions/") + world.Mentee.User.Id);
        Assert.Contains(ParticipantWorld.PrivateReflection, coordinator);
        Assert.Contains(ParticipantWorld.PrivateReflection, await Body(world.Mentee.Client, world.Path("/api/v1/training/modules/{moduleId}")));

        foreach (var reader in new[] { world.Mentor.Client, world.Waiting.Client })
        {
            var seen = new List<string>();
            foreach (var operation in Operations().Where(o => o.Method == "GET"))
            {
                seen.Add(await Body(reader, world.Path(operation.Template).Replace(world.RouteValues["userId"], world.Mentee.User.Id.ToString())));
            }
            seen.Add(await Body(reader, world.Path("/my/training/{moduleId}")));
            seen.Add(await Body(reader, "/my/training"));
            seen.Add(await Body(reader, world.Path("/programs/{programId}/training?person=") + world.Mentee.User.Id));
            Assert.DoesNotContain(ParticipantWorld.PrivateReflection, string.Join("\n", seen));
        }
    }

    [Fact]
    public async Task AMemberReadsTheirOwnFitCheckAnswerAndTheCoordinatorReadsEveryAnswer()
    {
        var mentor = await world.Mentor.Client.GetFromJsonAsync<MyFitCheckView>($"/api/v1/relationships/{world.Current}/fit-check", Json.Options);
        var mentee = await world.Mentee.Client.GetFromJsonAsync<MyFitCheckView>($"/api/v1/relationships/{world.Current}/fit-check", Json.Options);
        var coordinator = await world.Coordinator.GetFromJsonAsync<FitCheckView>($"/api/v1/relationships/{world.Current}/fit-check/answers", Json.Options);

        Assert.Equal(FitAnswer.No, mentor!.MyAnswer!.Answer);
        Assert.Equal(ParticipantWorld.PrivateFitNote, mentor.MyAnswer.Note);
        Assert.Null(mentee!.MyAnswer);
        Assert.True(mentee.CanAnswer);
        Assert.True(coordinator!.PoorFit);
        Assert.Equal("Mira Mentor", Assert.Single(coordinator.Answers).DisplayName);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Mentee.Client.GetAsync($"/api/v1/relationships/{world.Current}/fit-check/answers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Coordinator.GetAsync($"/api/v1/relationships/{world.Current}/fit-check")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Mentee.Client.GetAsync($"/api/v1/relationships/{world.OtherPair}/fit-check")).StatusCode);
    }

    [Fact]
    public async Task AMemberReadsTheirRelationshipAtMineAndIsSentThereFromTheCoordinatorsAddress()
    {
        var own = await world.Mentee.Client.GetFromJsonAsync<MyRelationshipView>($"/api/v1/relationships/mine/{world.Current}", Json.Options);
        var refused = await world.Mentee.Client.GetAsync($"/api/v1/relationships/{world.Current}");
        var otherPair = await world.Mentee.Client.GetAsync($"/api/v1/relationships/mine/{world.OtherPair}");
        var coordinatorAtMine = await world.Coordinator.GetAsync($"/api/v1/relationships/mine/{world.Current}");

        Assert.Equal(["Mira Mentor", "Pia Mentee"], own!.Members.Select(m => m.DisplayName));
        Assert.Equal(RelationshipStatus.Active, own.Status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"/api/v1/relationships/mine/{world.Current}", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, otherPair.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, coordinatorAtMine.StatusCode);
    }

    private static async Task<string> Body(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Adds every named schema the schema reaches (through references, items, unions and dictionaries).</summary>
    private void Reach(JsonNode? schema, ISet<string> reached)
    {
        if (schema is not JsonObject s)
        {
            return;
        }
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference[(reference.LastIndexOf('/') + 1)..];
            if (reached.Add(name))
            {
                Reach(Schemas[name], reached);
            }
            return;
        }
        foreach (var union in new[] { "oneOf", "anyOf", "allOf" })
        {
            foreach (var option in s[union]?.AsArray() ?? [])
            {
                Reach(option, reached);
            }
        }
        Reach(s["items"], reached);
        Reach(s["additionalProperties"], reached);
        foreach (var property in s["properties"]?.AsObject() ?? [])
        {
            Reach(property.Value, reached);
        }
    }

    /// <summary>Every object in the JSON has only the fields its schema documents (so nothing reaches a participant outside the reviewed types).</summary>
    private void Compare(JsonNode? json, JsonNode? schema, string path, List<string> problems)
    {
        if (json is null || schema is not JsonObject s)
        {
            return;
        }
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            Compare(json, Schemas[reference[(reference.LastIndexOf('/') + 1)..]], path, problems);
            return;
        }
        foreach (var union in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (s[union] is JsonArray options)
            {
                var named = options.OfType<JsonObject>().FirstOrDefault(o => o["$ref"] is not null || o["properties"] is not null || o["items"] is not null);
                Compare(json, named, path, problems);
                return;
            }
        }
        switch (json)
        {
            case JsonArray array when s["items"] is { } items:
                foreach (var item in array)
                {
                    Compare(item, items, path + "[]", problems);
                }
                break;
            case JsonObject obj when s["properties"] is JsonObject properties:
                foreach (var (field, value) in obj)
                {
                    if (properties[field] is { } documented)
                    {
                        Compare(value, documented, $"{path}.{field}", problems);
                    }
                    else
                    {
                        problems.Add($"{path}.{field}: in the response but not in its documented type");
                    }
                }
                break;
        }
    }
}
