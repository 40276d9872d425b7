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
        // A receiver's answer is never read whole (HttpOutbox reads its first few kilobytes); should anything buffer one, it
        // stops at that size instead of the default 2 GB. An unread rest is drained up to 64 KB, else the connection is closed.
        services.AddHttpClient(HttpOutbox.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.MaxResponseContentBufferSize = HttpOutbox.AnswerReadMax;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxResponseDrainSize = 64 * 1024 });
        services.AddHostedService<HttpOutboxWorker>();
        // The reader's WhatsApp number and opt-ins, on the notification settings page (ADR 69).
        services.AddSingleton(new Notifications.NotificationSettingsSection(typeof(Pages.WhatsAppOptInSection)));
        return services
            .AddScoped<HttpOutbox>()
            .AddScoped<GetProgramChannels>()
            .AddScoped<ChangeProgramChannels>()
            .AddScoped<GetProgramWhatsApp>()
            .AddScoped<ChangeProgramWhatsApp>()
            .AddScoped<GetMyWhatsApp>()
            .AddScoped<ChangeMyWhatsApp>()
            .AddScoped<SendWhatsAppMessages>()
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

        var whatsApp = app.MapGroup("/api/v1/programs/{programId:guid}/whatsapp").WithTags("Integrations").RequireAuthorization();
        whatsApp.MapGet("", GetWhatsApp).WithName("GetProgramWhatsApp")
            .WithDescription("The program's coordinators: its WhatsApp Business account (phone-number id, templates, language; `tokenSet` only, the token is never returned) "
                + "and how many participants opted in (never who) and how the messages went.");
        whatsApp.MapPut("", ChangeWhatsApp).WithName("ChangeProgramWhatsApp")
            .WithDescription("The program's coordinators. Each field: left out keeps it, \"\" clears it. `accessToken` is write-only. Announcements and event reminders then go, "
                + "as approved template messages through the Cloud API, to the participants who opted in (docs/formats.md, section WhatsApp).");
        var mine = app.MapGroup("/api/v1/me/whatsapp").WithTags("Integrations").RequireAuthorization();
        mine.MapGet("", GetMine).WithName("GetMyWhatsApp")
            .WithDescription("The reader's own WhatsApp number and, for each of their programs with WhatsApp connected, whether they opted in.");
        mine.MapPut("", ChangeMine).WithName("ChangeMyWhatsApp")
            .WithDescription("The reader's own: `number` in international form (+ and 8 to 15 digits; 422 otherwise; \"\" removes it and every opt-in), "
                + "`programIds` the whole set of programs to get announcements and event reminders from on WhatsApp ([] opts out at once). Under-18s: 403.");

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

    private static async Task<Results<Ok<ProgramWhatsAppView>, ProblemHttpResult>> GetWhatsApp(Guid programId, ClaimsPrincipal user, GetProgramWhatsApp useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<ProgramWhatsAppView>, ProblemHttpResult>> ChangeWhatsApp(Guid programId, ChangeProgramWhatsAppRequest request, ClaimsPrincipal user, ChangeProgramWhatsApp useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Ok<MyWhatsAppView>> GetMine(ClaimsPrincipal user, GetMyWhatsApp useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), ct));

    private static async Task<Results<Ok<MyWhatsAppView>, ProblemHttpResult>> ChangeMine(ChangeMyWhatsAppRequest request, ClaimsPrincipal user, ChangeMyWhatsApp useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), request, ct)).ToOk();

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
