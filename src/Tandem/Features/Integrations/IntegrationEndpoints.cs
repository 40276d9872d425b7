using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Integrations;

public static class IntegrationEndpoints
{
    public static IServiceCollection AddTandemIntegrations(this IServiceCollection services)
    {
        services.AddCheckedOptions<IntegrationOptions>("Integrations");
        // Redirects are not followed: a webhook that answers 3xx has not taken the post, and a redirect could lead anywhere.
        services.AddHttpClient(ChannelOutbox.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddHostedService<ChannelOutboxWorker>();
        return services
            .AddScoped<ChannelOutbox>()
            .AddScoped<GetProgramChannels>()
            .AddScoped<ChangeProgramChannels>();
    }

    public static IEndpointRouteBuilder MapIntegrations(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/programs/{programId:guid}/channels").WithTags("Integrations").RequireAuthorization();
        channels.MapGet("", Get).WithName("GetProgramChannels")
            .WithDescription("The program's coordinators: which Slack and Teams channels are connected, each webhook address masked (it is a secret and is never returned in full).");
        channels.MapPut("", Change).WithName("ChangeProgramChannels")
            .WithDescription("The program's coordinators. `slackWebhookUrl`, `teamsWebhookUrl`: left out keeps the channel, \"\" disconnects it, an https address connects it. "
                + "Announcements are then posted to each connected channel (Slack Block Kit; a Teams Adaptive Card), retried with backoff.");
        return app;
    }

    private static async Task<Results<Ok<ProgramChannelsView>, ProblemHttpResult>> Get(Guid programId, ClaimsPrincipal user, GetProgramChannels useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<ProgramChannelsView>, ProblemHttpResult>> Change(Guid programId, ChangeProgramChannelsRequest request, ClaimsPrincipal user, ChangeProgramChannels useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();
}
