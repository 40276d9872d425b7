using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>How many of the actor's notifications are unread (the bell's count).</summary>
/// <remarks>Compiled once: the menu asks on every page a signed-in person opens (issue 17, ADR 60).</remarks>
public sealed class CountUnreadNotifications(TandemDb db)
{
    private static readonly Func<TandemDb, Guid, CancellationToken, Task<int>> Unread =
        EF.CompileAsyncQuery((TandemDb db, Guid userId, CancellationToken ct) =>
            db.Set<Notification>().Count(n => n.UserId == userId && n.ReadAt == null));

    /// <summary>The count read for this request's page before it rendered (<see cref="UseUnreadCountForPages"/>), if it was.</summary>
    public int? CountedForPage { get; private set; }

    public Task<int> RunAsync(Actor actor, CancellationToken ct = default) => Unread(db, actor.UserId, ct);

    /// <summary>
    /// Counts the bell's unread notifications for a signed-in person's page (a GET of a page, not of the API) with the
    /// request's own context, before the page renders (ADR 73). The menu renders at the same time as the page, so the
    /// bell cannot use the request's context then, and used to count in a scope of its own: a second pooled connection
    /// while the request held one, for every page. A form post still counts in the bell, after its action, so that
    /// "mark all as read" shows no unread count.
    /// </summary>
    public static IApplicationBuilder UseUnreadCountForPages(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.User.Identity?.IsAuthenticated == true
            && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            var count = context.RequestServices.GetRequiredService<CountUnreadNotifications>();
            count.CountedForPage = await count.RunAsync(Actor.From(context.User), context.RequestAborted);
        }
        await next(context);
    });
}
