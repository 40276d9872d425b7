using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Relationships;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// Matching that happens after the pool run, one person at a time: re-matching, late joiners, and a mentee choosing a
/// ranked mentor. The use cases rank with the engine, so they live in Matching (which starts relationships) rather
/// than in Relationships; their routes and OpenAPI tag stay the relationships' ones.
/// </summary>
public static class PairingEndpoints
{
    public static IServiceCollection AddTandemPairing(this IServiceCollection services) => services
        .AddScoped<MentorRanking>()
        .AddScoped<Rematch>()
        .AddScoped<ListAvailableMentors>()
        .AddScoped<RequestMentor>()
        .AddScoped<MatchLateJoiners>();

    public static IEndpointRouteBuilder MapPairing(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/relationships").WithTags("Relationships").RequireAuthorization()
            .MapPost("/{relationshipId:guid}/rematch", RematchPerson).WithName("Rematch");
        app.MapGroup("/api/v1/programs/{programId:guid}/relationships").WithTags("Relationships").RequireAuthorization()
            .MapPost("/late-joiners", LateJoiners).WithName("MatchLateJoiners");

        var selfMatch = app.MapGroup("/api/v1/programs/{programId:guid}/self-match").WithTags("Relationships").RequireAuthorization();
        selfMatch.MapGet("/mentors", AvailableMentors).WithName("ListAvailableMentors");
        selfMatch.MapPost("/requests", RequestMentorEndpoint).WithName("RequestMentor");
        return app;
    }

    private static async Task<Results<Created<RelationshipView>, ProblemHttpResult>> RematchPerson(
        Guid relationshipId, RematchRequest request, ClaimsPrincipal user, Rematch useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), relationshipId, request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/relationships/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<Paged<AvailableMentorView>>, ProblemHttpResult>> AvailableMentors(
        Guid programId, ClaimsPrincipal user, ListAvailableMentors useCase, CancellationToken ct, int page = 1, [MaxPageSize(ListAvailableMentors.MaxPageSize)] int pageSize = 20)
    {
        return (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();
    }

    private static async Task<Results<Created<MentorRequestView>, ProblemHttpResult>> RequestMentorEndpoint(
        Guid programId, MentorRequestBody body, ClaimsPrincipal user, RequestMentor useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, body, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/mentor-requests/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<LateJoinResult>, ProblemHttpResult>> LateJoiners(
        Guid programId, ClaimsPrincipal user, MatchLateJoiners useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();
}
