using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

public static class NotificationEndpoints
{
    public static IServiceCollection AddTandemNotifications(this IServiceCollection services)
    {
        services.AddTandemEmail();
        services.AddCheckedOptions<DigestOptions>("Notifications:Digest");
        services.AddHostedService<DigestWorker>();
        return services
            .AddScoped<SendDailyDigests>()
            .AddScoped<Notify>()
            .AddScoped<NotificationDelivery>()
            .AddScoped<IMailDeliveryListener, NotificationEmailed>()
            .AddScoped<IMailHoldBack, NotificationMailHoldBack>()
            .AddScoped<ListMyNotifications>()
            .AddScoped<CountUnreadNotifications>()
            .AddScoped<MarkNotificationRead>()
            .AddScoped<MarkAllNotificationsRead>()
            .AddScoped<GetNotificationPreferences>()
            .AddScoped<ChangeNotificationPreferences>();
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Notifications").RequireAuthorization();
        me.MapGet("/notifications", List).WithName("ListMyNotifications");
        me.MapPost("/notifications/{notificationId:guid}/read", Read).WithName("MarkNotificationRead");
        me.MapPost("/notifications/read", ReadAll).WithName("MarkAllNotificationsRead");
        me.MapGet("/notification-preferences", Preferences).WithName("GetNotificationPreferences");
        me.MapPut("/notification-preferences", ChangePreferences).WithName("ChangeNotificationPreferences");
        return app;
    }

    private static async Task<Results<Ok<Paged<NotificationView>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, ListMyNotifications useCase, CancellationToken ct, int page = 1, int pageSize = 20, bool unread = false)
    {
        return TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, unread, ct));
    }

    private static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> Read(Guid notificationId, ClaimsPrincipal user, MarkNotificationRead useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), notificationId, ct)).ToOk();

    private static async Task<Ok<MarkedRead>> ReadAll(ClaimsPrincipal user, MarkAllNotificationsRead useCase, CancellationToken ct) =>
        TypedResults.Ok(new MarkedRead(await useCase.RunAsync(Actor.From(user), ct)));

    private static async Task<Ok<NotificationPreferenceView>> Preferences(ClaimsPrincipal user, GetNotificationPreferences useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), ct));

    private static async Task<Results<Ok<NotificationPreferenceView>, ProblemHttpResult>> ChangePreferences(NotificationPreferenceRequest request, ClaimsPrincipal user, ChangeNotificationPreferences useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), request, ct)).ToOk();

    public sealed record MarkedRead(int Count);
}
