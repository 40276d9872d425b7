using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

public static class ConversationEndpoints
{
    /// <summary>The setting that names the Redis server the nodes share for the live connections (ConnectionStrings:Redis).</summary>
    public const string RedisConnectionName = "Redis";

    public static IServiceCollection AddTandemConversations(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR();
        var redis = configuration.GetConnectionString(RedisConnectionName);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            // Several nodes: a message written on one reaches the live connections held by the others through Redis.
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("tandem"));
        }
        services.AddCheckedOptions<ConversationOptions>("Conversations");
        services.AddSingleton<LiveConnections>();
        services.AddHostedService<LiveSessionWorker>();
        return services
            .AddScoped<ConversationAccess>()
            .AddScoped<ConversationBroadcast>()
            .AddScoped<SendMessage>()
            .AddScoped<ListMessages>()
            .AddScoped<MarkConversationRead>()
            .AddScoped<ListMyConversations>()
            .AddScoped<Relationships.IUnreadMessages>(s => s.GetRequiredService<ListMyConversations>())
            .AddScoped<ReviewConversation>()
            .AddScoped<GetMessageAttachment>();
    }

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/v1/relationships/{relationshipId:guid}/conversation").WithTags("Conversations").RequireAuthorization();
        messages.MapGet("/", List).WithName("ListMessages")
            .WithDescription("Members only. The newest messages, oldest first; `before=N` scrolls back, `after=N` catches up after a lost connection (no gaps, no repeats). `limit` 1-100, default 50.");
        messages.MapPost("/messages", Send).WithName("SendMessage")
            .WithDescription("Members only, while the relationship is active (409 otherwise). Send `clientMessageId` to make a retry safe: the same id stores the message once.");
        messages.MapPost("/attachments", SendWithAttachment).WithName("SendMessageWithAttachment").DisableAntiforgery()
            .WithDescription("multipart/form-data with `file` (a PNG or JPEG picture, a PDF or a plain-text file, at most 5 MB: 413 above), and optional `body` and `clientMessageId`. "
                + "A signed-in browser sends the antiforgery token in the RequestVerificationToken header.");
        messages.MapPost("/read", MarkRead).WithName("MarkConversationRead");
        messages.MapPost("/review", Review).WithName("ReviewConversation")
            .WithDescription("Coordinators of the program and administrators, for a conversation that includes a minor: the reason is written to the audit log before the messages are returned. 403 for conversations between adults.");

        app.MapGet("/api/v1/me/conversations", Mine).WithTags("Conversations").RequireAuthorization().WithName("ListMyConversations");
        app.MapGet("/api/v1/messages/{messageId:guid}/attachment", Attachment).WithTags("Conversations").RequireAuthorization().WithName("GetMessageAttachment");
        return app;
    }

    /// <summary>The live connection; mapped on the app itself, outside the API's paging and description conventions.</summary>
    public static IEndpointRouteBuilder MapConversationHub(this IEndpointRouteBuilder app)
    {
        // Connections whose sign-in session ended are closed by LiveSessionWorker. SignalR's CloseOnAuthenticationExpiration
        // is left off: it compares the cookie's expiry (on the app's clock) with the system clock (ADR 87).
        app.MapHub<ConversationHub>(ConversationHub.Path).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> List(Guid relationshipId, ClaimsPrincipal user, ListMessages useCase, CancellationToken ct,
        long? before = null, long? after = null, int limit = 50) =>
        limit is < 1 or > ConversationAccess.MaxPage
            ? Invalid.Field("limit", $"limit must be between 1 and {ConversationAccess.MaxPage}.").ToProblem()
            : (await useCase.RunAsync(Actor.From(user), relationshipId, before, after, limit, ct)).ToOk();

    private static async Task<Results<Created<MessageView>, ProblemHttpResult>> Send(Guid relationshipId, SendMessageRequest request, ClaimsPrincipal user, SendMessage useCase, CancellationToken ct) =>
        Created(await useCase.RunAsync(Actor.From(user), relationshipId, request.Body, request.ClientMessageId, file: null, ct));

    private static async Task<Results<Created<MessageView>, ProblemHttpResult>> SendWithAttachment(Guid relationshipId, HttpRequest http, ClaimsPrincipal user, SendMessage useCase,
        ConversationAccess access, CancellationToken ct)
    {
        // Nothing is read for someone who is not a member (up to 5 MB buffered for a 404). Whether the relationship takes
        // messages is left to the use case, after the form: a retry of a message already stored is answered with it even
        // once the relationship has paused.
        if ((await access.ForMemberAsync(Actor.From(user), relationshipId, ct)).Failure is { } refused)
        {
            return refused.ToProblem();
        }
        var read = await UploadForms.ReadWithFileAsync(http, AttachmentPolicy.MaxBytes, $"An attachment can be at most {AttachmentPolicy.MaxBytes / (1024 * 1024)} MB.", ct);
        if (read.Failure is { } unreadable)
        {
            return unreadable.ToProblem();
        }
        var (form, incoming) = read.Value!;
        Guid? clientId = null;
        if (form["clientMessageId"].FirstOrDefault() is { Length: > 0 } raw)
        {
            if (!Guid.TryParse(raw, out var parsed))
            {
                return Invalid.Field("clientMessageId", "clientMessageId is a GUID.").ToProblem();
            }
            clientId = parsed;
        }
        return Created(await useCase.RunAsync(Actor.From(user), relationshipId, form["body"].FirstOrDefault(), clientId, incoming, ct));
    }

    private static Results<Created<MessageView>, ProblemHttpResult> Created(Outcome<MessageView> outcome) =>
        outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/relationships/{outcome.Value!.RelationshipId}/conversation?after={outcome.Value.Number - 1}&limit=1", outcome.Value);

    private static async Task<Results<Ok<ReadStateView>, ProblemHttpResult>> MarkRead(Guid relationshipId, MarkReadRequest request, ClaimsPrincipal user, MarkConversationRead useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request.UpTo, ct)).ToOk();

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> Review(Guid relationshipId, ReviewConversationRequest request, ClaimsPrincipal user, ReviewConversation useCase, CancellationToken ct,
        int limit = 50) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, request.Reason, request.Before, Math.Clamp(limit, 1, ConversationAccess.MaxPage), ct)).ToOk();

    private static async Task<Ok<Paged<ConversationSummary>>> Mine(ClaimsPrincipal user, ListMyConversations useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Attachment(Guid messageId, ClaimsPrincipal user, GetMessageAttachment useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), messageId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var file = outcome.Value!;
        // Always a download, never shown inline: a file someone uploaded is not a page on Tandem's address.
        return TypedResults.File(file.Content, file.ContentType, file.Name);
    }
}
