using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public static class RelationshipEndpoints
{
    public static IServiceCollection AddTandemRelationships(this IServiceCollection services) => services
        .AddCheckedOptions<MentorRequestOptions>("MentorRequests").Services
        .AddScoped<RelationshipAccess>()
        .AddScoped<Programs.IProgramGroups, ProgramGroups>()
        .AddScoped<StartRelationship>()
        .AddScoped<Privacy.IConsentWithdrawalListener, PauseOnConsentWithdrawal>()
        .AddScoped<Notifications.IRelationshipPrograms, RelationshipPrograms>()
        .AddScoped<GetRelationship>()
        .AddScoped<GetMyRelationship>()
        .AddScoped<ListMyRelationships>()
        .AddScoped<ListProgramRelationships>()
        .AddScoped<ChangeRelationshipStatus>()
        .AddScoped<RelationshipNotices>()
        .AddScoped<GetFitCheck>()
        .AddScoped<GetFitCheckAnswers>()
        .AddScoped<AnswerFitCheck>()
        .AddScoped<GetRelationshipSettings>()
        .AddScoped<ChangeRelationshipSettings>()
        .AddScoped<MentorRequestViews>()
        .AddScoped<ListMyMentorRequests>()
        .AddScoped<DecideMentorRequest>()
        .AddScoped<WithdrawMentorRequest>()
        .AddScoped<ExpireMentorRequests>()
        .AddHostedService<MentorRequestTimeoutWorker>();

    public static IEndpointRouteBuilder MapRelationships(this IEndpointRouteBuilder app)
    {
        var relationships = app.MapGroup("/api/v1/relationships").WithTags("Relationships").RequireAuthorization();
        relationships.MapGet("/mine", Mine).WithName("ListMyRelationships");
        relationships.MapGet("/mine/{relationshipId:guid}", GetMine).WithName("GetMyRelationship");
        relationships.MapGet("/{relationshipId:guid}", Get).WithName("GetRelationship");
        relationships.MapPost("/{relationshipId:guid}/status", ChangeStatus).WithName("ChangeRelationshipStatus");
        relationships.MapGet("/{relationshipId:guid}/fit-check", FitCheck).WithName("GetFitCheck");
        relationships.MapPost("/{relationshipId:guid}/fit-check", AnswerFit).WithName("AnswerFitCheck");
        relationships.MapGet("/{relationshipId:guid}/fit-check/answers", FitCheckAnswers).WithName("GetFitCheckAnswers");

        var programs = app.MapGroup("/api/v1/programs/{programId:guid}/relationships").WithTags("Relationships").RequireAuthorization();
        programs.MapGet("/", List).WithName("ListProgramRelationships");
        programs.MapPost("/", Start).WithName("StartRelationship");

        var settings = app.MapGroup("/api/v1/programs/{programId:guid}/relationship-settings").WithTags("Relationships").RequireAuthorization();
        settings.MapGet("/", GetSettings).WithName("GetRelationshipSettings");
        settings.MapPut("/", ChangeSettings).WithName("ChangeRelationshipSettings");


        var requests = app.MapGroup("/api/v1/mentor-requests").WithTags("Relationships").RequireAuthorization();
        requests.MapGet("/mine", MyRequests).WithName("ListMyMentorRequests");
        requests.MapPost("/{requestId:guid}/decision", DecideRequest).WithName("DecideMentorRequest");
        requests.MapPost("/{requestId:guid}/withdraw", WithdrawRequest).WithName("WithdrawMentorRequest");
        return app;
    }

    private static async Task<Results<Ok<Paged<MyRelationshipView>>, ProblemHttpResult>> Mine(
        ClaimsPrincipal user, ListMyRelationships useCase, CancellationToken ct, int page = 1, int pageSize = 20, RelationshipStatus? status = null)
    {
        return (await useCase.RunAsync(Actor.From(user), new RelationshipListQuery(page, pageSize, status), ct)).ToOk();
    }

    private static async Task<Results<Ok<MyRelationshipView>, ProblemHttpResult>> GetMine(Guid relationshipId, ClaimsPrincipal user, GetMyRelationship useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<RelationshipView>, ProblemHttpResult>> Get(Guid relationshipId, ClaimsPrincipal user, GetRelationship useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<RelationshipView>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListProgramRelationships useCase, CancellationToken ct,
        int page = 1, int pageSize = 20, RelationshipStatus? status = null, bool poorFit = false)
    {
        return (await useCase.RunAsync(Actor.From(user), programId, new RelationshipListQuery(page, pageSize, status, poorFit), ct)).ToOk();
    }

    private static async Task<Results<Created<RelationshipView>, ProblemHttpResult>> Start(
        Guid programId, StartRelationshipBody body, ClaimsPrincipal user, StartRelationship useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), body.ToRequest(programId), ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/relationships/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<RelationshipView>, ProblemHttpResult>> ChangeStatus(
        Guid relationshipId, ChangeRelationshipStatusRequest request, ClaimsPrincipal user, ChangeRelationshipStatus useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request, ct)).ToOk();

    private static async Task<Results<Ok<MyFitCheckView>, ProblemHttpResult>> FitCheck(Guid relationshipId, ClaimsPrincipal user, GetFitCheck useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<FitCheckView>, ProblemHttpResult>> FitCheckAnswers(Guid relationshipId, ClaimsPrincipal user, GetFitCheckAnswers useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<MyFitCheckView>, ProblemHttpResult>> AnswerFit(
        Guid relationshipId, FitCheckRequest request, ClaimsPrincipal user, AnswerFitCheck useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request, ct)).ToOk();

    private static async Task<Results<Ok<RelationshipSettingsView>, ProblemHttpResult>> GetSettings(
        Guid programId, ClaimsPrincipal user, GetRelationshipSettings useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<RelationshipSettingsView>, ProblemHttpResult>> ChangeSettings(
        Guid programId, RelationshipSettingsRequest request, ClaimsPrincipal user, ChangeRelationshipSettings useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<MentorRequestView>>, ProblemHttpResult>> MyRequests(
        ClaimsPrincipal user, ListMyMentorRequests useCase, CancellationToken ct, int page = 1, int pageSize = 20, bool pending = false)
    {
        return TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, pending, ct));
    }

    private static async Task<Results<Ok<MentorRequestView>, ProblemHttpResult>> DecideRequest(
        Guid requestId, MentorRequestDecision decision, ClaimsPrincipal user, DecideMentorRequest useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), requestId, decision, ct)).ToOk();

    private static async Task<Results<Ok<MentorRequestView>, ProblemHttpResult>> WithdrawRequest(
        Guid requestId, ClaimsPrincipal user, WithdrawMentorRequest useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), requestId, ct)).ToOk();
}
