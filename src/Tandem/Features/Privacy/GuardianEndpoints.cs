using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>Guardians' access without accounts (ADR 52): a single-use link by e-mail, then an hour's view of their children's records.</summary>
public static class GuardianEndpoints
{
    public static IServiceCollection AddTandemGuardianAccess(this IServiceCollection services) => services
        .AddScoped<RequestGuardianLink>()
        .AddScoped<OpenGuardianLink>()
        .AddScoped<GuardianSessions>()
        .AddScoped<GuardianChildren>();

    public static IEndpointRouteBuilder MapGuardianAccess(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/guardian/access-links", RequestLink).WithTags("Privacy").AllowAnonymous().RequireRateLimiting(SignInLimits.PerIpPolicy)
            .WithName("RequestGuardianLink")
            .WithDescription("A parent or guardian asks for a link to their children's records (/guardian). The answer is the same whether or not a consent "
                + "names the address; only then is a link e-mailed (it works once, for an hour; at most three an hour per address).");
        return app;
    }

    private static async Task<Results<Accepted<GuardianLinkRequested>, ProblemHttpResult>> RequestLink(GuardianLinkRequest request, RequestGuardianLink useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Accepted((string?)null, outcome.Value!);
    }
}
