using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public static class EngagementEndpoints
{
    public static IServiceCollection AddTandemEngagement(this IServiceCollection services)
    {
        services.AddCheckedOptions<EngagementOptions>("Engagement");
        services.AddHostedService<ReminderWorker>();
        return services
            .AddScoped<EngagementHealth>()
            .AddScoped<GetProgramHealth>()
            .AddScoped<GetRelationshipHealth>()
            .AddScoped<MessagePair>()
            .AddScoped<AskToSchedule>()
            .AddScoped<SendReminders>();
    }

    public static IEndpointRouteBuilder MapEngagement(this IEndpointRouteBuilder app)
    {
        var programs = app.MapGroup("/api/v1/programs/{programId:guid}/health").WithTags("Engagement").RequireAuthorization();
        programs.MapGet("/", ProgramHealth).WithName("GetProgramHealth")
            .WithDescription("Open relationships with meetings held against the cadence, check-ins, last contact and a status with its reason; at risk first. Coordinators only.");
        var relationships = app.MapGroup("/api/v1/relationships/{relationshipId:guid}").WithTags("Engagement").RequireAuthorization();
        relationships.MapGet("/health", RelationshipHealth).WithName("GetRelationshipHealth");
        relationships.MapPost("/messages", Message).WithName("MessagePair")
            .WithDescription("A coordinator notifies every member (in-app, and by e-mail per each person's preference).");
        relationships.MapPost("/schedule-request", AskToSchedule).WithName("AskToSchedule")
            .WithDescription("A coordinator asks the members to schedule their next meeting; each gets the next times they are all free, on their own clock.");
        return app;
    }

    private static async Task<Results<Ok<ProgramHealthView>, ProblemHttpResult>> ProgramHealth(
        Guid programId, ClaimsPrincipal user, GetProgramHealth useCase, CancellationToken ct, int page = 1, int pageSize = 50, HealthStatus? status = null)
    {
        return (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, status, ct)).ToOk();
    }

    private static async Task<Results<Ok<RelationshipHealth>, ProblemHttpResult>> RelationshipHealth(Guid relationshipId, ClaimsPrincipal user, GetRelationshipHealth useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<MessagePairResult>, ProblemHttpResult>> Message(Guid relationshipId, MessagePairRequest request, ClaimsPrincipal user, MessagePair useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request, ct)).ToOk();

    private static async Task<Results<Ok<AskToScheduleResult>, ProblemHttpResult>> AskToSchedule(Guid relationshipId, ClaimsPrincipal user, AskToSchedule useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();
}
