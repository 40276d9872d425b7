using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>Who may call an endpoint at all. Program-level rules (per role, per program) are tested per feature.</summary>
public enum Access
{
    /// <summary>Anyone, signed in or not.</summary>
    Anonymous,
    /// <summary>Any signed-in account; the use case then checks the program or organisation.</summary>
    SignedIn,
    /// <summary>Installation administrators only.</summary>
    Administrator,
}

/// <summary>
/// Every endpoint the app maps must be classified here. A new endpoint fails
/// <see cref="EveryEndpointIsClassified"/> until someone decides who may call it, and then the
/// anonymous and non-administrator checks below cover it automatically.
/// </summary>
public sealed class AccessMatrixTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    public static readonly IReadOnlyDictionary<string, Access> Matrix = new Dictionary<string, Access>
    {
        // Operations and documentation
        ["* /health/live"] = Access.Anonymous,
        ["* /health/ready"] = Access.Anonymous,
        // Prometheus text: administrators, or a scraper with the configured token (ObservabilityTests).
        ["* /metrics"] = Access.Administrator,
        ["GET /openapi/{documentName}.json"] = Access.Anonymous,
        ["GET /api/reference/{documentName?}"] = Access.Anonymous,
        ["GET /api/reference/scalar.js"] = Access.Anonymous,
        ["GET /api/reference/scalar.aspnetcore.js"] = Access.Anonymous,
        ["GET /api/reference/favicon.svg"] = Access.Anonymous,
        // Static web assets fallback (files under wwwroot not known at build time).
        ["GET /{**path:file}"] = Access.Anonymous,
        ["HEAD /{**path:file}"] = Access.Anonymous,

        // Accounts
        ["POST /api/v1/auth/sign-in"] = Access.Anonymous,
        ["POST /api/v1/auth/sign-out"] = Access.SignedIn,
        ["POST /api/v1/auth/password"] = Access.SignedIn,
        ["POST /api/v1/auth/password-reset-requests"] = Access.Anonymous,
        ["POST /api/v1/auth/password-resets"] = Access.Anonymous,
        ["POST /api/v1/auth/email-verifications"] = Access.Anonymous,
        ["POST /api/v1/auth/email-verification-requests"] = Access.SignedIn,
        ["GET /api/v1/me"] = Access.SignedIn,
        ["GET /api/v1/users/"] = Access.Administrator,
        ["POST /api/v1/users/"] = Access.Administrator,
        ["POST /api/v1/users/{userId:guid}/disable"] = Access.Administrator,
        ["POST /api/v1/users/{userId:guid}/enable"] = Access.Administrator,
        ["POST /account/sign-out"] = Access.SignedIn,

        // Organisations
        ["GET /api/v1/organisations/"] = Access.SignedIn,
        ["POST /api/v1/organisations/"] = Access.Administrator,
        ["GET /api/v1/organisations/{organisationId:guid}/members"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/members"] = Access.SignedIn,
        ["DELETE /api/v1/organisations/{organisationId:guid}/members/{userId:guid}"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/invitations"] = Access.SignedIn,

        // Programs
        ["GET /api/v1/programs/"] = Access.SignedIn,
        ["POST /api/v1/programs/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/status"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/enrolments"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/enrolments"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/enrolments/{enrolmentId:guid}/role"] = Access.SignedIn,
        ["DELETE /api/v1/programs/{programId:guid}/enrolments/{enrolmentId:guid}"] = Access.SignedIn,

        // Applications: questionnaires, applying and screening (program rules tested in Applications/)
        ["GET /api/v1/programs/{programId:guid}/questionnaires/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/questionnaires/{role}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/questionnaires/{role}/versions/{version}"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/questionnaires/{role}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/applications/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/applications/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/applications/{applicationId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/applications/{applicationId:guid}/ratings"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/applications/{applicationId:guid}/decision"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/applications/decisions"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/applications/criteria"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/applications/criteria"] = Access.SignedIn,
        ["GET /api/v1/me/applications/"] = Access.SignedIn,
        ["GET /api/v1/me/applications/{applicationId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/me/applications/{applicationId:guid}"] = Access.SignedIn,
        ["POST /api/v1/me/applications/{applicationId:guid}/withdraw"] = Access.SignedIn,

        // Recruitment: invitations, roster import, nominations, outreach (program rules tested in Recruitment/)
        ["POST /api/v1/programs/{programId:guid}/invitations"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/invitations"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/roster/preview"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/roster/import"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/nominations"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/nominations"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/information-sessions"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/information-sessions"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/recruitment-links"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/recruitment-links"] = Access.SignedIn,
        ["POST /api/v1/invitations/{invitationId:guid}/resend"] = Access.SignedIn,
        ["POST /api/v1/invitations/{invitationId:guid}/revoke"] = Access.SignedIn,
        ["POST /api/v1/invitations/accept"] = Access.SignedIn,
        ["POST /api/v1/invitations/sign-up"] = Access.Anonymous,
        ["GET /invitations/accept"] = Access.Anonymous,
        ["POST /invitations/accept"] = Access.Anonymous,
        ["POST /api/v1/information-sessions/{sessionId:guid}/sign-up"] = Access.SignedIn,
        ["DELETE /api/v1/information-sessions/{sessionId:guid}/sign-up"] = Access.SignedIn,
        ["GET /api/v1/information-sessions/{sessionId:guid}/sign-ups"] = Access.SignedIn,
        ["GET /r/{code}"] = Access.Anonymous,
        ["GET /programs/{ProgramId:guid}/invitations"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/invitations"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/roster"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/roster"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/nominations"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/nominations"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/outreach"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/outreach"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/information-sessions"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/information-sessions"] = Access.SignedIn,
        ["GET /information-sessions/{SessionId:guid}"] = Access.SignedIn,
        ["POST /information-sessions/{SessionId:guid}"] = Access.SignedIn,

        // Concerns: reports, the mediation workflow, safeguarding leads (program and organisation rules tested in Concerns/)
        ["POST /api/v1/programs/{programId:guid}/concerns/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/concerns/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/concerns/{concernId:guid}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/concerns/{concernId:guid}/acknowledge"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/concerns/{concernId:guid}/mediation"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/concerns/{concernId:guid}/mediation/record"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/concerns/{concernId:guid}/resolve"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/concerns/{concernId:guid}/escalate"] = Access.SignedIn,
        ["GET /api/v1/concerns/mine"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/safeguarding-leads/"] = Access.SignedIn,
        ["PUT /api/v1/organisations/{organisationId:guid}/safeguarding-leads/{userId:guid}"] = Access.SignedIn,
        ["DELETE /api/v1/organisations/{organisationId:guid}/safeguarding-leads/{userId:guid}"] = Access.SignedIn,
        ["GET /concerns"] = Access.SignedIn,
        ["POST /concerns"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/concerns"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/concerns"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/concerns/{ConcernId:guid}"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/concerns/{ConcernId:guid}"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/safeguarding-leads"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/safeguarding-leads"] = Access.SignedIn,

        // Outcomes: a program's outcome data and its analysis (coordinators and administrators only; tested in Outcomes/)
        ["POST /api/v1/programs/{programId:guid}/outcomes/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/outcomes/"] = Access.SignedIn,
        ["DELETE /api/v1/programs/{programId:guid}/outcomes/"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/outcomes"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/outcomes"] = Access.SignedIn,

        // Matching: setup, drafts, adjustments, publishing (coordinators only; tested in Matching/)
        ["GET /api/v1/programs/{programId:guid}/matching/setup"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/matching/setup"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/setup/preview"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/drafts"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/drafts/latest"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/drafts/{draftId:guid}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/drafts/{draftId:guid}/unmatched"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/drafts/{draftId:guid}/certificate"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/runs/latest"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/export"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/imports"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/runs/{runId:guid}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/drafts/{draftId:guid}/publish"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/rules"] = Access.SignedIn,
        ["DELETE /api/v1/programs/{programId:guid}/matching/rules/{ruleId:guid}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/assignments"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/swaps"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/candidates/{enrolmentId:guid}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/matching/offers"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/matching/offers"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/my-candidates"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/my-candidates"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/rank"] = Access.SignedIn,
        ["GET /api/v1/me/access-log"] = Access.SignedIn,
        ["GET /api/v1/me/data-export"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/audit"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/retention/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/diversity"] = Access.SignedIn,
        ["PUT /api/v1/organisations/{organisationId:guid}/retention/"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/retention/runs"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/retention"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/diversity"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/diversity"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/retention"] = Access.SignedIn,
        ["GET /my/access-log"] = Access.SignedIn,
        ["POST /my/access-log"] = Access.SignedIn,

        // Journal: the author's own (JournalTests sweeps every GET route above as a coordinator and an administrator)
        ["GET /api/v1/me/journal/"] = Access.SignedIn,
        ["POST /api/v1/me/journal/"] = Access.SignedIn,
        ["GET /api/v1/me/journal/{entryId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/me/journal/{entryId:guid}"] = Access.SignedIn,
        ["DELETE /api/v1/me/journal/{entryId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/me/journal/{entryId:guid}/share"] = Access.SignedIn,
        ["GET /api/v1/me/journal/shared-with-me"] = Access.SignedIn,
        ["GET /api/v1/me/journal/prompts"] = Access.SignedIn,
        ["GET /api/v1/me/journal/export"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/journal-prompts/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/journal-prompts/"] = Access.SignedIn,
        ["GET /my/journal"] = Access.SignedIn,
        ["POST /my/journal"] = Access.SignedIn,
        // Goals (ADR 59): the pair's members change them, the program's coordinators read them (tested in Goals/)
        ["GET /api/v1/relationships/{relationshipId:guid}/goals/"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/goals/"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}"] = Access.SignedIn,
        ["DELETE /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/milestones"] = Access.SignedIn,
        ["PUT /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/milestones/{milestoneId:guid}"] = Access.SignedIn,
        ["DELETE /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/milestones/{milestoneId:guid}"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items"] = Access.SignedIn,
        ["PUT /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items/{itemId:guid}"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items/{itemId:guid}/move"] = Access.SignedIn,
        ["DELETE /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items/{itemId:guid}"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items/import"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/goals/{goalId:guid}/action-items/export"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/goal-progress/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/goal-progress/pairs"] = Access.SignedIn,
        ["GET /relationships/{RelationshipId:guid}/goals"] = Access.SignedIn,
        ["POST /relationships/{RelationshipId:guid}/goals"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/goals"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/goals"] = Access.SignedIn,
        // Recognition (ADR 63): the reader's own kudos, badges, hours and certificates; the program's for its coordinators
        // (RecognitionTests); a certificate's verification is public, by its unforgeable code.
        ["GET /api/v1/me/kudos"] = Access.SignedIn,
        ["GET /api/v1/me/badges"] = Access.SignedIn,
        ["GET /api/v1/me/service-hours"] = Access.SignedIn,
        ["GET /api/v1/me/certificates"] = Access.SignedIn,
        ["GET /api/v1/me/certificates/{certificateId:guid}/pdf"] = Access.SignedIn,
        ["POST /api/v1/kudos/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/kudos"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/badge-rules"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/badge-rules"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/badges"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/badges"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/service-hours"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/service-hours/people"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/service-hours/{entryId:guid}/confirm"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/service-hours/{entryId:guid}/reject"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/certificates"] = Access.SignedIn,
        ["GET /api/v1/certificates/verify/{code}"] = Access.Anonymous,
        ["GET /certificates/verify/{Code}"] = Access.Anonymous,
        ["POST /certificates/verify/{Code}"] = Access.Anonymous,
        ["GET /my/recognition"] = Access.SignedIn,
        ["POST /my/recognition"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/recognition"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/recognition"] = Access.SignedIn,
        // Training (ADR 61): coordinators manage a program's modules, participants take theirs (tested in Training/)
        ["GET /api/v1/programs/{programId:guid}/training/modules"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/training/modules"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/modules/{moduleId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/training/modules/{moduleId:guid}"] = Access.SignedIn,
        ["DELETE /api/v1/programs/{programId:guid}/training/modules/{moduleId:guid}"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/training/modules/{moduleId:guid}/file"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/templates"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/training/templates/{templateKey}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/settings"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/training/settings"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/completions"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/completions/{userId:guid}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/training/mine"] = Access.SignedIn,
        ["GET /api/v1/me/training"] = Access.SignedIn,
        ["GET /api/v1/training/modules/{moduleId:guid}/"] = Access.SignedIn,
        ["POST /api/v1/training/modules/{moduleId:guid}/quiz"] = Access.SignedIn,
        ["POST /api/v1/training/modules/{moduleId:guid}/reflections"] = Access.SignedIn,
        ["POST /api/v1/training/modules/{moduleId:guid}/complete"] = Access.SignedIn,
        ["GET /api/v1/training/modules/{moduleId:guid}/file"] = Access.SignedIn,
        ["GET /my/training"] = Access.SignedIn,
        ["POST /my/training"] = Access.SignedIn,
        ["GET /my/training/{ModuleId:guid}"] = Access.SignedIn,
        ["POST /my/training/{ModuleId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/training"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/training"] = Access.SignedIn,
        // Programs that repeat (ADR 65): templates are readable by anyone signed in; creating, copying and inviting back check the organisation and program.
        ["GET /api/v1/program-templates/"] = Access.SignedIn,
        ["GET /api/v1/program-templates/{templateId}"] = Access.SignedIn,
        ["POST /api/v1/programs/from-template"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/copy"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/origin"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/returning-mentors"] = Access.SignedIn,
        ["GET /programs/templates"] = Access.SignedIn,
        ["POST /programs/templates"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/copy"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/copy"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/origin"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/origin"] = Access.SignedIn,
        // Consent and notices (ADR 48): notices are public as the program's page is; the guardian's page works by its single-use link.
        ["GET /api/v1/programs/{programId:guid}/notices"] = Access.Anonymous,
        ["POST /api/v1/programs/{programId:guid}/notices"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/notices"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/consent-age"] = Access.SignedIn,
        ["PUT /api/v1/organisations/{organisationId:guid}/consent-age"] = Access.SignedIn,
        ["GET /api/v1/me/consents"] = Access.SignedIn,
        ["POST /api/v1/me/consents"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/consents"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/consents/school"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/consents/{consentId:guid}/guardian-link"] = Access.SignedIn,
        // The coordinators' privacy pages and a person's data exported on request (ADR 53): the use cases check the program or organisation.
        ["GET /api/v1/organisations/{organisationId:guid}/people/{userId:guid}/data-export"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/consents"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/consents"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/privacy"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/privacy"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/audit"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/audit"] = Access.SignedIn,
        ["GET /guardian/consent"] = Access.Anonymous,
        ["POST /guardian/consent"] = Access.Anonymous,
        // Guardians' access without accounts (ADR 52): a link by e-mail, then a session cookie on /guardian checked by each page.
        ["POST /api/v1/guardian/access-links"] = Access.Anonymous,
        ["GET /guardian"] = Access.Anonymous,
        ["POST /guardian"] = Access.Anonymous,
        ["GET /guardian/open"] = Access.Anonymous,
        ["POST /guardian/open"] = Access.Anonymous,
        ["GET /guardian/children"] = Access.Anonymous,
        ["POST /guardian/children"] = Access.Anonymous,
        ["GET /guardian/children/{childId:guid}/data-export"] = Access.Anonymous,
        // Erasure requests (ADR 52): the person asks; the organisation's coordinators and administrators decide (tested in Privacy/GuardianAccessTests).
        ["POST /api/v1/me/erasure-requests"] = Access.SignedIn,
        ["GET /api/v1/me/erasure-requests"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/erasure-requests/"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/erasure-requests/{requestId:guid}/carry-out"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/erasure-requests/{requestId:guid}/decline"] = Access.SignedIn,
        ["GET /my/erasure"] = Access.SignedIn,
        ["POST /my/erasure"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/erasure-requests"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/erasure-requests"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/rank"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/matching"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/matching"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/matching/setup"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/matching/setup"] = Access.SignedIn,

        // Announcements (participants read, coordinators post) and the program's Slack and Teams channels (coordinators); tested in Community/
        ["GET /api/v1/programs/{programId:guid}/announcements/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/announcements/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/channels/"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/channels/"] = Access.SignedIn,
        // WhatsApp (ADR 69): the program's account (coordinators) and the reader's own number and opt-ins; tested in Integrations/WhatsAppTests
        ["GET /api/v1/programs/{programId:guid}/whatsapp/"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/whatsapp/"] = Access.SignedIn,
        ["GET /api/v1/me/whatsapp/"] = Access.SignedIn,
        ["PUT /api/v1/me/whatsapp/"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/whatsapp"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/whatsapp"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/announcements"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/announcements"] = Access.SignedIn,
        // Discussion channels (members read, write and report; coordinators open channels and moderate); tested in Channels/
        ["GET /api/v1/programs/{programId:guid}/discussion-channels/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/membership"] = Access.SignedIn,
        ["DELETE /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/membership"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts/{postId:guid}/replies"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts/{postId:guid}/replies"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts/{postId:guid}/reports"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/posts/{postId:guid}/hidden"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/mutes"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-channels/{channelId:guid}/removals"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/discussion-reports"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/discussion-reports/{reportId:guid}/dismiss"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/moderation-log"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/discussions"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/discussions"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/discussions/{ChannelId:guid}"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/discussions/{ChannelId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/moderation"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/moderation"] = Access.SignedIn,
        // Events (participants of the audience read and answer, coordinators set up and cancel, the host takes attendance); tested in Events/
        ["GET /api/v1/programs/{programId:guid}/events/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/events/"] = Access.SignedIn,
        ["GET /api/v1/events/{eventId:guid}/"] = Access.SignedIn,
        ["POST /api/v1/events/{eventId:guid}/rsvp"] = Access.SignedIn,
        ["POST /api/v1/events/{eventId:guid}/cancel"] = Access.SignedIn,
        ["GET /api/v1/events/{eventId:guid}/attendance"] = Access.SignedIn,
        ["PUT /api/v1/events/{eventId:guid}/attendance"] = Access.SignedIn,
        ["GET /api/v1/events/{eventId:guid}/invitation.ics"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/events"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/events"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/events/{EventId:guid}/attendance"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/events/{EventId:guid}/attendance"] = Access.SignedIn,
        // The resource library (ADR 64): participants read their audience's, coordinators manage a program's, organisation
        // coordinators the organisation's; attachments to modules, goals and events; tested in Resources/
        ["GET /api/v1/programs/{programId:guid}/resources/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/resources/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/resources/files"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/resources/"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/resources/"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/resources/files"] = Access.SignedIn,
        ["GET /api/v1/resources/{resourceId:guid}/"] = Access.SignedIn,
        ["PUT /api/v1/resources/{resourceId:guid}/"] = Access.SignedIn,
        ["DELETE /api/v1/resources/{resourceId:guid}/"] = Access.SignedIn,
        ["GET /api/v1/resources/{resourceId:guid}/file"] = Access.SignedIn,
        ["POST /api/v1/resources/{resourceId:guid}/attachments"] = Access.SignedIn,
        ["DELETE /api/v1/resources/{resourceId:guid}/attachments/{targetKind}/{targetId:guid}"] = Access.SignedIn,
        ["GET /api/v1/resource-attachments/{targetKind}/{targetId:guid}"] = Access.SignedIn,
        ["GET /resources"] = Access.SignedIn,
        ["POST /resources"] = Access.SignedIn,
        ["GET /resources/{ResourceId:guid}"] = Access.SignedIn,
        ["POST /resources/{ResourceId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/resources"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/resources"] = Access.SignedIn,
        // An organisation's signed webhooks (its coordinators and administrators); tested in Integrations/
        ["GET /api/v1/organisations/{organisationId:guid}/webhooks/"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/webhooks/"] = Access.SignedIn,
        ["PUT /api/v1/organisations/{organisationId:guid}/webhooks/{webhookId:guid}"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/webhooks/{webhookId:guid}/secret"] = Access.SignedIn,
        ["DELETE /api/v1/organisations/{organisationId:guid}/webhooks/{webhookId:guid}"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/webhooks/{webhookId:guid}/deliveries"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/webhooks"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/webhooks"] = Access.SignedIn,

        // Home (always the caller's own: their matches and to-dos, the programs they manage)
        ["GET /api/v1/me/home"] = Access.SignedIn,
        ["GET /api/v1/me/managed-programs"] = Access.SignedIn,

        // Notifications (always the caller's own)
        ["GET /api/v1/me/notifications"] = Access.SignedIn,
        ["POST /api/v1/me/notifications/{notificationId:guid}/read"] = Access.SignedIn,
        ["POST /api/v1/me/notifications/read"] = Access.SignedIn,
        ["GET /api/v1/me/notification-preferences"] = Access.SignedIn,
        ["PUT /api/v1/me/notification-preferences"] = Access.SignedIn,
        ["GET /notifications"] = Access.SignedIn,
        ["POST /notifications"] = Access.SignedIn,

        // Exports: the program's coordinators only (tested in Exports/)
        ["GET /api/v1/programs/{programId:guid}/exports/{kind}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/exports"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/exports"] = Access.SignedIn,
        // Survey exports: the survey's coordinators only (tested in Exports/SurveyExportTests)
        ["GET /api/v1/surveys/{surveyId:guid}/exports/{kind}"] = Access.SignedIn,

        // Reports: the program's (or organisation's) coordinators only (tested in Reports/)
        ["GET /api/v1/programs/{programId:guid}/objectives/progress"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/dashboard"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/report.pdf"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/dashboard"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/dashboard"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/dashboard"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/dashboard"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/dashboard"] = Access.SignedIn,
        // Check-ins and engagement health (pair and coordinator rules tested in CheckIns/ and Engagement/)
        ["GET /api/v1/relationships/{relationshipId:guid}/check-ins/"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/check-ins/"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/health"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/messages"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/schedule-request"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/health/"] = Access.SignedIn,
        ["GET /relationships/{RelationshipId:guid}/check-ins"] = Access.SignedIn,
        ["GET /relationships/{RelationshipId:guid}/messages"] = Access.SignedIn,
        ["POST /relationships/{RelationshipId:guid}/messages"] = Access.SignedIn,
        ["GET /relationships/{RelationshipId:guid}/messages/review"] = Access.SignedIn,
        ["POST /relationships/{RelationshipId:guid}/messages/review"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/conversation/"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/conversation/messages"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/conversation/attachments"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/conversation/read"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/conversation/review"] = Access.SignedIn,
        ["GET /api/v1/me/conversations"] = Access.SignedIn,
        ["GET /api/v1/messages/{messageId:guid}/attachment"] = Access.SignedIn,
        ["* /hubs/conversations"] = Access.SignedIn,
        ["* /hubs/conversations/negotiate"] = Access.SignedIn,
        ["POST /relationships/{RelationshipId:guid}/check-ins"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/health"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/health"] = Access.SignedIn,

        // Relationships (members, coordinators and administrators; rules tested in Relationships/)
        ["GET /api/v1/relationships/mine"] = Access.SignedIn,
        ["GET /api/v1/relationships/mine/{relationshipId:guid}"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/relationships/"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/relationships/"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/status"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/rematch"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/fit-check"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/fit-check"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/fit-check/answers"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/relationship-settings/"] = Access.SignedIn,
        ["PUT /api/v1/programs/{programId:guid}/relationship-settings/"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/self-match/mentors"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/self-match/requests"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/relationships/late-joiners"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/settings"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/settings"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/staff"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/staff"] = Access.SignedIn,
        ["GET /api/v1/mentor-requests/mine"] = Access.SignedIn,
        ["POST /api/v1/mentor-requests/{requestId:guid}/decision"] = Access.SignedIn,
        ["POST /api/v1/mentor-requests/{requestId:guid}/withdraw"] = Access.SignedIn,
        ["GET /my/relationships"] = Access.SignedIn,
        ["POST /my/relationships"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/relationships"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/relationships"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/find-a-mentor"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/find-a-mentor"] = Access.SignedIn,
        // Meetings (members of the relationship and the program's coordinators; rules tested in Meetings/)
        ["GET /api/v1/relationships/{relationshipId:guid}/meetings"] = Access.SignedIn,
        ["POST /api/v1/relationships/{relationshipId:guid}/meetings"] = Access.SignedIn,
        ["GET /api/v1/relationships/{relationshipId:guid}/meeting-suggestions"] = Access.SignedIn,
        ["GET /api/v1/meetings/{meetingId:guid}"] = Access.SignedIn,
        ["POST /api/v1/meetings/{meetingId:guid}/response"] = Access.SignedIn,
        ["POST /api/v1/meetings/{meetingId:guid}/move"] = Access.SignedIn,
        ["POST /api/v1/meetings/{meetingId:guid}/cancel"] = Access.SignedIn,
        ["GET /api/v1/me/calendar-feed"] = Access.SignedIn,
        ["POST /api/v1/me/calendar-feed"] = Access.SignedIn,
        ["DELETE /api/v1/me/calendar-feed"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/meeting-settings"] = Access.SignedIn,
        ["PUT /api/v1/organisations/{organisationId:guid}/meeting-settings"] = Access.SignedIn,
        ["GET /calendar/{token}.ics"] = Access.Anonymous,
        // Surveys and the suggestion box (coordinators build, send and read results; participants answer their own; rules tested in Surveys/)
        ["GET /api/v1/programs/{programId:guid}/survey-templates"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/surveys"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/surveys"] = Access.SignedIn,
        ["POST /api/v1/programs/{programId:guid}/suggestions"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/suggestions"] = Access.SignedIn,
        ["GET /api/v1/programs/{programId:guid}/suggestions/answered"] = Access.SignedIn,
        ["GET /api/v1/surveys/{surveyId:guid}/"] = Access.SignedIn,
        ["PUT /api/v1/surveys/{surveyId:guid}/"] = Access.SignedIn,
        ["POST /api/v1/surveys/{surveyId:guid}/send"] = Access.SignedIn,
        ["POST /api/v1/surveys/{surveyId:guid}/close"] = Access.SignedIn,
        ["GET /api/v1/surveys/{surveyId:guid}/results"] = Access.SignedIn,
        ["GET /api/v1/surveys/{surveyId:guid}/responses"] = Access.SignedIn,
        ["GET /api/v1/organisations/{organisationId:guid}/surveys/"] = Access.SignedIn,
        ["POST /api/v1/organisations/{organisationId:guid}/surveys/"] = Access.SignedIn,
        ["GET /api/v1/me/surveys/"] = Access.SignedIn,
        ["GET /api/v1/me/surveys/{surveyInvitationId:guid}"] = Access.SignedIn,
        ["POST /api/v1/me/surveys/{surveyInvitationId:guid}/answers"] = Access.SignedIn,
        ["POST /api/v1/suggestions/{suggestionId:guid}/answer"] = Access.SignedIn,
        ["GET /my/surveys"] = Access.SignedIn,
        ["POST /my/surveys"] = Access.SignedIn,
        ["GET /my/surveys/{SurveyInvitationId:guid}"] = Access.SignedIn,
        ["POST /my/surveys/{SurveyInvitationId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/surveys"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/surveys"] = Access.SignedIn,
        ["GET /surveys/{SurveyId:guid}"] = Access.SignedIn,
        ["POST /surveys/{SurveyId:guid}"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/surveys"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/surveys"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/suggestions"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/suggestions"] = Access.SignedIn,
        // Pages (GET renders, POST submits a form)
        ["GET /"] = Access.Anonymous,
        ["POST /"] = Access.Anonymous,
        ["GET /error"] = Access.Anonymous,
        ["POST /error"] = Access.Anonymous,
        ["GET /not-found"] = Access.Anonymous,
        ["POST /not-found"] = Access.Anonymous,
        ["GET /account/sign-in"] = Access.Anonymous,
        ["POST /account/sign-in"] = Access.Anonymous,
        ["GET /account/access-denied"] = Access.Anonymous,
        ["POST /account/access-denied"] = Access.Anonymous,
        ["GET /account/forgot-password"] = Access.Anonymous,
        ["POST /account/forgot-password"] = Access.Anonymous,
        ["GET /account/reset-password"] = Access.Anonymous,
        ["POST /account/reset-password"] = Access.Anonymous,
        ["GET /account/verify-email"] = Access.Anonymous,
        ["POST /account/verify-email"] = Access.Anonymous,
        ["GET /account/password"] = Access.SignedIn,
        ["POST /account/password"] = Access.SignedIn,
        ["GET /admin/users"] = Access.Administrator,
        ["POST /admin/users"] = Access.Administrator,
        ["GET /organisations/{OrganisationId:guid}/meeting-settings"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/meeting-settings"] = Access.SignedIn,
        ["GET /organisations/{OrganisationId:guid}/members"] = Access.SignedIn,
        ["POST /organisations/{OrganisationId:guid}/members"] = Access.SignedIn,
        ["GET /organisations"] = Access.SignedIn,
        ["POST /organisations"] = Access.SignedIn,
        ["GET /programs"] = Access.SignedIn,
        ["POST /programs"] = Access.SignedIn,
        ["GET /programs/new"] = Access.SignedIn,
        ["POST /programs/new"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/edit"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/edit"] = Access.SignedIn,
        ["GET /join/{ProgramId:guid}"] = Access.Anonymous,
        ["POST /join/{ProgramId:guid}"] = Access.Anonymous,
        ["GET /apply/{ProgramId:guid}/{Role}"] = Access.Anonymous,
        ["POST /apply/{ProgramId:guid}/{Role}"] = Access.Anonymous,
        ["GET /my/applications"] = Access.SignedIn,
        ["POST /my/applications"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/applications"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/applications"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/applications/{ApplicationId:guid}"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/applications/{ApplicationId:guid}"] = Access.SignedIn,
        ["GET /programs/{ProgramId:guid}/questionnaires/{Role}"] = Access.SignedIn,
        ["POST /programs/{ProgramId:guid}/questionnaires/{Role}"] = Access.SignedIn,
        ["GET /relationships/{RelationshipId:guid}/meetings"] = Access.SignedIn,
        ["POST /relationships/{RelationshipId:guid}/meetings"] = Access.SignedIn,
        ["GET /my/calendar"] = Access.SignedIn,
        ["POST /my/calendar"] = Access.SignedIn,
    };

    /// <summary>Endpoints the framework maps for itself (Blazor's script, static files): public by nature.</summary>
    private static bool IsFrameworkAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null
        || endpoint.RoutePattern.RawText!.StartsWith("/_framework/", StringComparison.Ordinal)
        || endpoint.RoutePattern.RawText!.StartsWith("_framework/", StringComparison.Ordinal);

    private IReadOnlyList<(string Key, RouteEndpoint Endpoint)> Endpoints()
    {
        var sources = factory.Services.GetRequiredService<EndpointDataSource>();
        return sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsFrameworkAsset(e))
            .SelectMany(e =>
            {
                var pattern = "/" + e.RoutePattern.RawText!.TrimStart('/');
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
                return methods.Select(m => ($"{m} {pattern}", e));
            })
            .DistinctBy(e => e.Item1)
            .ToList();
    }

    [Fact]
    public void EveryEndpointIsClassified()
    {
        var keys = Endpoints().Select(e => e.Key).ToHashSet();
        var unclassified = keys.Where(k => !Matrix.ContainsKey(k)).Order().ToList();
        var stale = Matrix.Keys.Where(k => !keys.Contains(k)).Order().ToList();

        Assert.True(unclassified.Count == 0, "Classify these endpoints in AccessMatrixTests.Matrix: " + string.Join(", ", unclassified));
        Assert.True(stale.Count == 0, "These matrix entries no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task AnonymousCallersGetOnlyWhatIsPublic()
    {
        var client = factory.AnonymousClient();
        var wrong = new StringBuilder();
        foreach (var (key, _) in Endpoints())
        {
            var (method, path) = Request(key);
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(method, path) });
            var challenged = AnswersWithStatus(path)
                ? response.StatusCode == HttpStatusCode.Unauthorized
                : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/sign-in");
            var expected = Matrix[key] != Access.Anonymous;
            if (challenged != expected)
            {
                wrong.AppendLine($"{key}: {(int)response.StatusCode} (expected {(expected ? "a sign-in challenge" : "no challenge")})");
            }
            Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{key}: 500 {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(wrong.Length == 0, wrong.ToString());
    }

    [Fact]
    public async Task SignedInNonAdministratorsAreRefusedAdministratorEndpoints()
    {
        var client = await factory.SignedInClientAsync(await factory.CreateUserAsync("Nora Dmin"));
        var wrong = new StringBuilder();
        foreach (var (key, _) in Endpoints().Where(e => Matrix.GetValueOrDefault(e.Key) == Access.Administrator))
        {
            var (method, path) = Request(key);
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(method, path) });
            var refused = AnswersWithStatus(path)
                ? response.StatusCode == HttpStatusCode.Forbidden
                : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/access-denied");
            if (!refused)
            {
                wrong.AppendLine($"{key}: {(int)response.StatusCode}");
            }
        }
        Assert.True(wrong.Length == 0, wrong.ToString());
    }

    /// <summary>The API and the metrics endpoint answer 401 and 403; pages redirect to the sign-in and access-denied pages.</summary>
    private static bool AnswersWithStatus(string path) => path.StartsWith("/api/") || path == "/metrics" || path.StartsWith("/hubs/");

    private static (string Method, string Path) Request(string key)
    {
        var space = key.IndexOf(' ');
        var path = key[(space + 1)..]
            .Replace("{documentName}.json", "v1.json")
            .Replace("{documentName?}", "v1")
            .Replace("{**path}", "v1");
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[A-Za-z]+:guid\}", Guid.NewGuid().ToString());
        path = path.Replace("{**path:file}", "no-such-file.txt");
        var method = key[..space];
        return (method == "*" ? "GET" : method, path);
    }

    /// <summary>The API takes JSON; pages take forms.</summary>
    private static HttpContent? Body(string method, string path) => method is not ("POST" or "PUT")
        ? null
        : path.StartsWith("/api/")
            ? new StringContent("{}", Encoding.UTF8, "application/json")
            : new FormUrlEncodedContent([]);
}
