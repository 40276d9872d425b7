using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

public static class PrivacyEndpoints
{
    public static IServiceCollection AddTandemPrivacy(this IServiceCollection services) => services
        .AddScoped<AuditLog>()
        .AddScoped<ListMyAccessLog>()
        .AddScoped<SearchAuditLog>()
        .AddScoped<VerifyAuditLog>()
        .AddScoped<GetProgramNotices>()
        .AddScoped<PublishNotice>()
        .AddScoped<ConsentMail>()
        .AddScoped<ConsentRenewal>()
        .AddScoped<ConsentWithdrawal>()
        .AddScoped<ConsentGivenAgain>()
        .AddScoped<SendGuardianLink>()
        .AddScoped<RecordApplicantConsent>()
        .AddScoped<GuardianConsent>()
        .AddScoped<RecordSchoolConsent>()
        .AddScoped<MyConsents>()
        .AddScoped<ListProgramConsents>()
        .AddScoped<OrganisationConsentAge>()
        .AddScoped<GetOrganisationPrivacy>()
        .AddScoped<FindOrganisationPeople>()
        .AddScoped<ListConsentMissing>();

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me/access-log", MyAccessLog).WithTags("Privacy").RequireAuthorization().WithName("ListMyAccessLog");
        app.MapGet("/api/v1/organisations/{organisationId:guid}/audit", Search).WithTags("Privacy").RequireAuthorization().WithName("SearchAuditLog");

        // Notices are public, as the program's public page is: an applicant reads them before having an account.
        app.MapGet("/api/v1/programs/{programId:guid}/notices", Notices).WithTags("Privacy").AllowAnonymous().WithName("GetProgramNotices");
        app.MapPost("/api/v1/programs/{programId:guid}/notices", PublishProgramNotice).WithTags("Privacy").RequireAuthorization().WithName("PublishProgramNotice")
            .WithDescription("A new version of the program's data-use notice; material = true asks everyone who consented on an earlier version again.");
        app.MapPost("/api/v1/organisations/{organisationId:guid}/notices", PublishOrganisationNotice).WithTags("Privacy").RequireAuthorization().WithName("PublishOrganisationNotice")
            .WithDescription("A new version of the organisation's privacy notice; material = true asks everyone who consented on an earlier version again.");
        app.MapGet("/api/v1/organisations/{organisationId:guid}/consent-age", GetConsentAge).WithTags("Privacy").RequireAuthorization().WithName("GetConsentAge");
        app.MapPut("/api/v1/organisations/{organisationId:guid}/consent-age", SetConsentAge).WithTags("Privacy").RequireAuthorization().WithName("SetConsentAge");

        app.MapGet("/api/v1/me/consents", MyConsentList).WithTags("Privacy").RequireAuthorization().WithName("ListMyConsents");
        app.MapPost("/api/v1/me/consents", AnswerMyConsent).WithTags("Privacy").RequireAuthorization().WithName("AnswerMyConsent");
        app.MapGet("/api/v1/programs/{programId:guid}/consents", ProgramConsents).WithTags("Privacy").RequireAuthorization().WithName("ListProgramConsents");
        app.MapPost("/api/v1/programs/{programId:guid}/consents/school", SchoolConsent).WithTags("Privacy").RequireAuthorization().WithName("RecordSchoolConsent")
            .WithDescription("The school, acting as the parents' agent, records consent to the program for these participants (who did it is recorded).");
        app.MapPost("/api/v1/programs/{programId:guid}/consents/{consentId:guid}/guardian-link", GuardianLink).WithTags("Privacy").RequireAuthorization().WithName("SendGuardianLink")
            .WithDescription("E-mails the parent or guardian a new consent link (the earlier one stops working); guardianEmail corrects the address while their first answer is awaited.");
        return app;
    }

    private static async Task<Ok<Paged<MyAccessView>>> MyAccessLog(ClaimsPrincipal user, ListMyAccessLog useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Ok<Paged<AuditEntryView>>, ProblemHttpResult>> Search(Guid organisationId, ClaimsPrincipal user, SearchAuditLog useCase, CancellationToken ct,
        Guid? subjectUserId = null, Guid? actorUserId = null, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, subjectUserId, actorUserId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<ProgramNotices>, ProblemHttpResult>> Notices(Guid programId, GetProgramNotices useCase, CancellationToken ct) =>
        (await useCase.RunAsync(programId, ct)).ToOk();

    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> PublishProgramNotice(Guid programId, PublishNoticeRequest request, ClaimsPrincipal user, PublishNotice useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), Guid.Empty, programId, request, ct)).ToOk();

    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> PublishOrganisationNotice(Guid organisationId, PublishNoticeRequest request, ClaimsPrincipal user, PublishNotice useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, null, request, ct)).ToOk();

    private static async Task<Results<Ok<ConsentAgeView>, ProblemHttpResult>> GetConsentAge(Guid organisationId, ClaimsPrincipal user, OrganisationConsentAge useCase, CancellationToken ct) =>
        (await useCase.GetAsync(Actor.From(user), organisationId, ct)).ToOk();

    private static async Task<Results<Ok<ConsentAgeView>, ProblemHttpResult>> SetConsentAge(Guid organisationId, ConsentAgeRequest request, ClaimsPrincipal user, OrganisationConsentAge useCase, CancellationToken ct) =>
        (await useCase.SetAsync(Actor.From(user), organisationId, request, ct)).ToOk();

    private static async Task<Ok<IReadOnlyList<MyConsentView>>> MyConsentList(ClaimsPrincipal user, MyConsents useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.ListAsync(Actor.From(user), ct));

    private static async Task<Results<Ok<MyConsentView>, ProblemHttpResult>> AnswerMyConsent(MyConsentRequest request, ClaimsPrincipal user, MyConsents useCase, CancellationToken ct) =>
        (await useCase.AnswerAsync(Actor.From(user), request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<ProgramConsentView>>, ProblemHttpResult>> ProgramConsents(Guid programId, ClaimsPrincipal user, ListProgramConsents useCase, CancellationToken ct,
        int page = 1, int pageSize = 50, ConsentState? state = null) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct, state)).ToOk();

    private static async Task<Results<Ok<SchoolConsentResult>, ProblemHttpResult>> SchoolConsent(Guid programId, SchoolConsentRequest request, ClaimsPrincipal user, RecordSchoolConsent useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<GuardianLinkSent>, ProblemHttpResult>> GuardianLink(Guid programId, Guid consentId, GuardianConsentLinkRequest request, ClaimsPrincipal user,
        SendGuardianLink useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, consentId, request, ct)).ToOk();
}
