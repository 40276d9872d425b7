using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Home;

public static class HomeEndpoints
{
    public static IServiceCollection AddTandemHome(this IServiceCollection services) => services
        .AddScoped<GetMyHome>()
        .AddScoped<GetCoordinatorHome>();

    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Home").RequireAuthorization();
        me.MapGet("/home", MyHome).WithName("GetMyHome")
            .WithDescription("The reader's home: who they are matched with, the next meeting, what is waiting on them, their applications and their programs' guidelines.");
        me.MapGet("/managed-programs", ManagedPrograms).WithName("ListManagedProgramsNeedingAttention")
            .WithDescription("The programs the reader manages and that are not closed, each with its next step and what needs attention now (applications to review, people not matched, relationships at risk, meetings nobody checked in about), with the page that fixes each.");
        return app;
    }

    private static async Task<Ok<MyHome>> MyHome(ClaimsPrincipal user, GetMyHome useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), ct));

    private static async Task<Results<Ok<Paged<ProgramAttention>>, ProblemHttpResult>> ManagedPrograms(
        ClaimsPrincipal user, GetCoordinatorHome useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));
}
