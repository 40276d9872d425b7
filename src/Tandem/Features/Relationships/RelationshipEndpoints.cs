using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public static class RelationshipEndpoints
{
    public static IServiceCollection AddTandemRelationships(this IServiceCollection services) => services
        .AddScoped<RelationshipAccess>()
        .AddScoped<StartRelationship>()
        .AddScoped<GetRelationship>()
        .AddScoped<ListMyRelationships>()
        .AddScoped<ListProgramRelationships>()
        .AddScoped<ChangeRelationshipStatus>()
        .AddScoped<Rematch>()
        .AddScoped<GetFitCheck>()
        .AddScoped<AnswerFitCheck>()
        .AddScoped<GetRelationshipSettings>()
        .AddScoped<ChangeRelationshipSettings>();

    public static IEndpointRouteBuilder MapRelationships(this IEndpointRouteBuilder app)
    {
        var relationships = app.MapGroup("/api/v1/relationships").WithTags("Relationships").RequireAuthorization();
        relationships.MapGet("/mine", Mine).WithName("ListMyRelationships");
        relationships.MapGet("/{relationshipId:guid}", Get).WithName("GetRelationship");
        relationships.MapPost("/{relationshipId:guid}/status", ChangeStatus).WithName("ChangeRelationshipStatus");
        relationships.MapPost("/{relationshipId:guid}/rematch", RematchPerson).WithName("Rematch");
        relationships.MapGet("/{relationshipId:guid}/fit-check", FitCheck).WithName("GetFitCheck");
        relationships.MapPost("/{relationshipId:guid}/fit-check", AnswerFit).WithName("AnswerFitCheck");

        var programs = app.MapGroup("/api/v1/programs/{programId:guid}/relationships").WithTags("Relationships").RequireAuthorization();
        programs.MapGet("/", List).WithName("ListProgramRelationships");
        programs.MapPost("/", Start).WithName("StartRelationship");

        var settings = app.MapGroup("/api/v1/programs/{programId:guid}/relationship-settings").WithTags("Relationships").RequireAuthorization();
        settings.MapGet("/", GetSettings).WithName("GetRelationshipSettings");
        settings.MapPut("/", ChangeSettings).WithName("ChangeRelationshipSettings");
        return app;
    }

    private static ProblemHttpResult? CheckPaging(int page, int pageSize) =>
        page < 1 || pageSize < 1 || pageSize > RelationshipListQuery.MaxPageSize
            ? Invalid.Field(page < 1 ? nameof(page) : nameof(pageSize),
                page < 1 ? "page starts at 1." : $"pageSize must be between 1 and {RelationshipListQuery.MaxPageSize}.").ToProblem()
            : null;

    private static async Task<Results<Ok<Paged<RelationshipView>>, ProblemHttpResult>> Mine(
        ClaimsPrincipal user, ListMyRelationships useCase, CancellationToken ct, int page = 1, int pageSize = 20, RelationshipStatus? status = null)
    {
        if (CheckPaging(page, pageSize) is { } bad)
        {
            return bad;
        }
        return TypedResults.Ok(await useCase.RunAsync(Actor.From(user), new RelationshipListQuery(page, pageSize, status), ct));
    }

    private static async Task<Results<Ok<RelationshipView>, ProblemHttpResult>> Get(Guid relationshipId, ClaimsPrincipal user, GetRelationship useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<RelationshipView>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListProgramRelationships useCase, CancellationToken ct,
        int page = 1, int pageSize = 20, RelationshipStatus? status = null, bool poorFit = false)
    {
        if (CheckPaging(page, pageSize) is { } bad)
        {
            return bad;
        }
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

    private static async Task<Results<Created<RelationshipView>, ProblemHttpResult>> RematchPerson(
        Guid relationshipId, RematchRequest request, ClaimsPrincipal user, Rematch useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), relationshipId, request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/relationships/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<FitCheckView>, ProblemHttpResult>> FitCheck(Guid relationshipId, ClaimsPrincipal user, GetFitCheck useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<FitCheckView>, ProblemHttpResult>> AnswerFit(
        Guid relationshipId, FitCheckRequest request, ClaimsPrincipal user, AnswerFitCheck useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request, ct)).ToOk();

    private static async Task<Results<Ok<RelationshipSettingsView>, ProblemHttpResult>> GetSettings(
        Guid programId, ClaimsPrincipal user, GetRelationshipSettings useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<RelationshipSettingsView>, ProblemHttpResult>> ChangeSettings(
        Guid programId, RelationshipSettingsRequest request, ClaimsPrincipal user, ChangeRelationshipSettings useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();
}
