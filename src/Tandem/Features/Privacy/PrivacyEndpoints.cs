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
        .AddScoped<VerifyAuditLog>();

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me/access-log", MyAccessLog).WithTags("Privacy").RequireAuthorization().WithName("ListMyAccessLog");
        app.MapGet("/api/v1/organisations/{organisationId:guid}/audit", Search).WithTags("Privacy").RequireAuthorization().WithName("SearchAuditLog");
        return app;
    }

    private static async Task<Ok<Paged<MyAccessView>>> MyAccessLog(ClaimsPrincipal user, ListMyAccessLog useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Ok<Paged<AuditEntryView>>, ProblemHttpResult>> Search(Guid organisationId, ClaimsPrincipal user, SearchAuditLog useCase, CancellationToken ct,
        Guid? subjectUserId = null, Guid? actorUserId = null, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, subjectUserId, actorUserId, page, pageSize, ct)).ToOk();
}
