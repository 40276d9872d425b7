using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public static class ApplicationEndpoints
{
    public static IServiceCollection AddTandemApplications(this IServiceCollection services) => services
        .AddScoped<ScreeningAccess>()
        .AddScoped<Privacy.IMinors, ApplicantAges>()
        .AddScoped<Notifications.IProgramConsent, ProgramConsent>()
        .AddScoped<Privacy.IConsentAges, ProgramConsent>()
        .AddScoped<Recruitment.IProgramApplicants, ProgramApplicants>()
        .AddScoped<SaveQuestionnaire>()
        .AddScoped<GetQuestionnaire>()
        .AddScoped<ListQuestionnaires>()
        .AddScoped<GetPublicProgram>()
        .AddScoped<GetApplicationForm>()
        .AddScoped<SaveApplication>()
        .AddScoped<WithdrawApplication>()
        .AddScoped<IRecruitmentReadiness, RecruitmentReadiness>()
        .AddScoped<GetMyApplication>()
        .AddScoped<ListMyApplications>()
        .AddScoped<SignUpApplicant>()
        .AddScoped<ListReviewQueue>()
        .AddScoped<GetApplicationForReview>()
        .AddScoped<ListReviewCriteria>()
        .AddScoped<AddReviewCriterion>()
        .AddScoped<RateApplication>()
        .AddScoped<DecideApplications>()
        .AddScoped<GetDiversityReport>();

    public static IEndpointRouteBuilder MapApplications(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/api/v1/programs/{programId:guid}/questionnaires").WithTags("Questionnaires").RequireAuthorization();
        forms.MapGet("/", ListForms).WithName("ListQuestionnaires");
        forms.MapGet("/{role}", GetForm).WithName("GetQuestionnaire");
        forms.MapGet("/{role}/versions/{version}", GetFormVersion).WithName("GetQuestionnaireVersion");
        forms.MapPut("/{role}", SaveForm).WithName("SaveQuestionnaire");

        var screening = app.MapGroup("/api/v1/programs/{programId:guid}/applications").WithTags("Applications").RequireAuthorization();
        screening.MapPost("/", Apply).WithName("SaveMyApplicationForProgram");
        screening.MapGet("/", Queue).WithName("ListReviewQueue");
        screening.MapGet("/{applicationId:guid}", Review).WithName("GetApplicationForReview");
        screening.MapPut("/{applicationId:guid}/ratings", Rate).WithName("RateApplication");
        screening.MapPost("/{applicationId:guid}/decision", Decide).WithName("DecideApplication");
        screening.MapPost("/decisions", DecideMany).WithName("DecideApplications");
        screening.MapGet("/criteria", Criteria).WithName("ListReviewCriteria");
        screening.MapPost("/criteria", AddCriterion).WithName("AddReviewCriterion");
        app.MapGet("/api/v1/programs/{programId:guid}/diversity", Diversity).WithTags("Applications").RequireAuthorization().WithName("GetDiversityReport")
            .WithDescription("The program's sensitive questions answer by answer over submitted applications, counting only answers given with consent; "
                + "a group of fewer than 5 shows \"fewer than 5\" and no count. The program's coordinators only.");

        var mine = app.MapGroup("/api/v1/me/applications").WithTags("Applications").RequireAuthorization();
        mine.MapGet("/", MyApplications).WithName("ListMyApplications");
        mine.MapGet("/{applicationId:guid}", MyApplication).WithName("GetMyApplication");
        mine.MapPut("/{applicationId:guid}", SaveMine).WithName("SaveMyApplication");
        mine.MapPost("/{applicationId:guid}/withdraw", Withdraw).WithName("WithdrawMyApplication");
        return app;
    }

    private static async Task<Results<Ok<List<QuestionnaireSummary>>, ProblemHttpResult>> ListForms(Guid programId, ClaimsPrincipal user, ListQuestionnaires useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<QuestionnaireView>, ProblemHttpResult>> GetForm(Guid programId, string role, ClaimsPrincipal user, GetQuestionnaire useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, role, null, ct)).ToOk();

    private static async Task<Results<Ok<QuestionnaireView>, ProblemHttpResult>> GetFormVersion(Guid programId, string role, int version, ClaimsPrincipal user, GetQuestionnaire useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, role, version, ct)).ToOk();

    private static async Task<Results<Ok<QuestionnaireView>, ProblemHttpResult>> SaveForm(Guid programId, string role, SaveQuestionnaireRequest request, ClaimsPrincipal user, SaveQuestionnaire useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, role, request, ct)).ToOk();

    private static async Task<Results<Ok<MyApplicationView>, ProblemHttpResult>> Apply(Guid programId, SaveApplicationRequest request, ClaimsPrincipal user, SaveApplication useCase, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Role))
        {
            return Invalid.Field("role", "Say which role you apply for: mentor, mentee or peer.").ToProblem();
        }
        return (await useCase.RunAsync(Actor.From(user), programId, request.Role, request, ct)).ToOk();
    }

    private static async Task<Results<Ok<Paged<ReviewQueueItem>>, ProblemHttpResult>> Queue(
        Guid programId, ClaimsPrincipal user, ListReviewQueue useCase, CancellationToken ct,
        ApplicationStatus? status = null, ProgramRole? role = null, string? sort = null, string? answer = null, bool? recommended = null,
        int page = 1, int pageSize = 25)
    {
        return (await useCase.RunAsync(Actor.From(user), programId, new ReviewQueueQuery(status, role, sort, answer, recommended, page, pageSize), ct)).ToOk();
    }

    private static async Task<Results<Ok<ReviewApplicationView>, ProblemHttpResult>> Review(Guid programId, Guid applicationId, ClaimsPrincipal user, GetApplicationForReview useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, applicationId, ct)).ToOk();

    private static async Task<Results<Ok<ReviewApplicationView>, ProblemHttpResult>> Rate(Guid programId, Guid applicationId, RateRequest request, ClaimsPrincipal user, RateApplication useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, applicationId, request, ct)).ToOk();

    private static async Task<Results<Ok<DecisionResult>, ProblemHttpResult>> Decide(Guid programId, Guid applicationId, DecideRequest request, ClaimsPrincipal user, DecideApplications useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, new BulkDecideRequest
        {
            ApplicationIds = [applicationId],
            Decision = request.Decision,
            Message = request.Message,
            MentorCapacity = request.MentorCapacity,
        }, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value![0]);
    }

    private static async Task<Results<Ok<List<DecisionResult>>, ProblemHttpResult>> DecideMany(Guid programId, BulkDecideRequest request, ClaimsPrincipal user, DecideApplications useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<List<CriterionView>>, ProblemHttpResult>> Criteria(Guid programId, ClaimsPrincipal user, ListReviewCriteria useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<CriterionView>, ProblemHttpResult>> AddCriterion(Guid programId, AddCriterionRequest request, ClaimsPrincipal user, AddReviewCriterion useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<MyApplicationSummary>>, ProblemHttpResult>> MyApplications(ClaimsPrincipal user, ListMyApplications useCase, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        return TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));
    }

    private static async Task<Results<Ok<MyApplicationView>, ProblemHttpResult>> MyApplication(Guid applicationId, ClaimsPrincipal user, GetMyApplication useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), applicationId, ct)).ToOk();

    private static async Task<Results<Ok<MyApplicationView>, ProblemHttpResult>> Withdraw(Guid applicationId, ClaimsPrincipal user, WithdrawApplication useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), applicationId, ct)).ToOk();

    private static async Task<Results<Ok<MyApplicationView>, ProblemHttpResult>> SaveMine(
        Guid applicationId, SaveApplicationRequest request, ClaimsPrincipal user, GetMyApplication getMine, SaveApplication useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        var existing = await getMine.RunAsync(actor, applicationId, ct);
        if (existing.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        return (await useCase.RunAsync(actor, existing.Value!.ProgramId, ScreeningAccess.Slug(existing.Value.Role), request, ct)).ToOk();
    }

    private static async Task<Results<Ok<DiversityReportView>, ProblemHttpResult>> Diversity(Guid programId, ClaimsPrincipal user, GetDiversityReport useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();
}
