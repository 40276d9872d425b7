using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Integrations;

public static class IntegrationEndpoints
{
    public static IServiceCollection AddTandemIntegrations(this IServiceCollection services)
    {
        services.AddCheckedOptions<IntegrationOptions>("Integrations");
        // Redirects are not followed: a webhook that answers 3xx has not taken the post, and a redirect could lead anywhere.
        services.AddHttpClient(HttpOutbox.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddHostedService<HttpOutboxWorker>();
        return services
            .AddScoped<HttpOutbox>()
            .AddScoped<GetProgramChannels>()
            .AddScoped<ChangeProgramChannels>()
            .AddScoped<IWebhookEvents, OrganisationWebhookEvents>()
            .AddScoped<ListOrganisationWebhooks>()
            .AddScoped<CreateOrganisationWebhook>()
            .AddScoped<ChangeOrganisationWebhook>()
            .AddScoped<RotateWebhookSecret>()
            .AddScoped<DeleteOrganisationWebhook>()
            .AddScoped<ListWebhookDeliveries>();
    }

    public static IEndpointRouteBuilder MapIntegrations(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/programs/{programId:guid}/channels").WithTags("Integrations").RequireAuthorization();
        channels.MapGet("", Get).WithName("GetProgramChannels")
            .WithDescription("The program's coordinators: which Slack and Teams channels are connected, each webhook address masked (it is a secret and is never returned in full).");
        channels.MapPut("", Change).WithName("ChangeProgramChannels")
            .WithDescription("The program's coordinators. `slackWebhookUrl`, `teamsWebhookUrl`: left out keeps the channel, \"\" disconnects it, an https address connects it. "
                + "Announcements are then posted to each connected channel (Slack Block Kit; a Teams Adaptive Card), retried with backoff.");

        var webhooks = app.MapGroup("/api/v1/organisations/{organisationId:guid}/webhooks").WithTags("Integrations").RequireAuthorization();
        webhooks.MapGet("", ListWebhooks).WithName("ListOrganisationWebhooks")
            .WithDescription("The organisation's coordinators and administrators: its signed webhooks (the secret never, only its last four characters).");
        webhooks.MapPost("", CreateWebhook).WithName("CreateOrganisationWebhook")
            .WithDescription("Registers a receiver for events (relationship.started, meeting.held, relationship.ended, announcement.posted). "
                + "The answer holds the signing secret, shown this once. Deliveries are JSON POSTs signed with HMAC-SHA256: see docs/formats.md, section Signed webhooks.");
        webhooks.MapPut("/{webhookId:guid}", ChangeWebhook).WithName("ChangeOrganisationWebhook")
            .WithDescription("Changes the address, description, events or `active` (false disables: what waits is given up). Fields left out stay.");
        webhooks.MapPost("/{webhookId:guid}/secret", RotateSecret).WithName("RotateWebhookSecret")
            .WithDescription("Makes a new signing secret, returned this once; the old one signs nothing more.");
        webhooks.MapDelete("/{webhookId:guid}", DeleteWebhook).WithName("DeleteOrganisationWebhook");
        webhooks.MapGet("/{webhookId:guid}/deliveries", ListDeliveries).WithName("ListWebhookDeliveries")
            .WithDescription("The webhook's deliveries, newest first: Waiting (with the next attempt), Delivered or GivenUp, attempts and the last error.");
        return app;
    }

    private static async Task<Results<Ok<ProgramChannelsView>, ProblemHttpResult>> Get(Guid programId, ClaimsPrincipal user, GetProgramChannels useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<ProgramChannelsView>, ProblemHttpResult>> Change(Guid programId, ChangeProgramChannelsRequest request, ClaimsPrincipal user, ChangeProgramChannels useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<WebhookView>>, ProblemHttpResult>> ListWebhooks(Guid organisationId, ClaimsPrincipal user, ListOrganisationWebhooks useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<CreatedWebhook>, ProblemHttpResult>> CreateWebhook(Guid organisationId, CreateWebhookRequest request, ClaimsPrincipal user, CreateOrganisationWebhook useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/organisations/{organisationId}/webhooks/{outcome.Value!.Webhook.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> ChangeWebhook(Guid organisationId, Guid webhookId, ChangeWebhookRequest request, ClaimsPrincipal user, ChangeOrganisationWebhook useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, webhookId, request, ct)).ToOk();

    private static async Task<Results<Ok<WebhookSecretView>, ProblemHttpResult>> RotateSecret(Guid organisationId, Guid webhookId, ClaimsPrincipal user, RotateWebhookSecret useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, webhookId, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(Guid organisationId, Guid webhookId, ClaimsPrincipal user, DeleteOrganisationWebhook useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, webhookId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Paged<WebhookDeliveryView>>, ProblemHttpResult>> ListDeliveries(Guid organisationId, Guid webhookId, ClaimsPrincipal user, ListWebhookDeliveries useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, webhookId, page, pageSize, ct)).ToOk();
}
