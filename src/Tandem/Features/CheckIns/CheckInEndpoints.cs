using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

public static class CheckInEndpoints
{
    public static IServiceCollection AddTandemCheckIns(this IServiceCollection services) => services
        .AddScoped<IMeetingsHeld, MeetingsHeldCounter>()
        .AddScoped<RecordCheckIn>()
        .AddScoped<ListCheckIns>()
        .AddScoped<GetCheckInContext>();

    public static IEndpointRouteBuilder MapCheckIns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/relationships/{relationshipId:guid}/check-ins").WithTags("Check-ins").RequireAuthorization();
        group.MapGet("/", List).WithName("ListCheckIns");
        group.MapPost("/", Record).WithName("RecordCheckIn")
            .WithDescription("With meetingId: whether that meeting happened and how it went (again: corrects your own). Without: a mentor's unscheduled contact (occurredAt required).");
        return app;
    }

    private static async Task<Results<Ok<Paged<CheckInView>>, ProblemHttpResult>> List(
        Guid relationshipId, ClaimsPrincipal user, ListCheckIns useCase, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        return (await useCase.RunAsync(Actor.From(user), relationshipId, page, pageSize, ct)).ToOk();
    }

    private static async Task<Results<Ok<CheckInView>, ProblemHttpResult>> Record(
        Guid relationshipId, CheckInRequest request, ClaimsPrincipal user, RecordCheckIn useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request, ct)).ToOk();
}
