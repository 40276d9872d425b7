using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Community;

public static class CommunityEndpoints
{
    public static IServiceCollection AddTandemCommunity(this IServiceCollection services) => services
        .AddScoped<PostAnnouncement>()
        .AddScoped<ListAnnouncements>();

    public static IEndpointRouteBuilder MapCommunity(this IEndpointRouteBuilder app)
    {
        var announcements = app.MapGroup("/api/v1/programs/{programId:guid}/announcements").WithTags("Community").RequireAuthorization();
        announcements.MapGet("", List).WithName("ListAnnouncements")
            .WithDescription("Everyone in the program, newest first: participants read the announcements of their audience (peers read both), staff and coordinators all of them.");
        announcements.MapPost("", Post).WithName("PostAnnouncement")
            .WithDescription("The program's coordinators. `body` is Markdown (no HTML), at most 10,000 characters; `audience` Everyone, Mentors or Mentees. "
                + "Every participant of the audience gets an in-app notice and an e-mail (their preference allowing); unless `postToChannels` is false it is posted to the program's Slack and Teams channels too.");
        return app;
    }

    private static async Task<Results<Ok<Paged<AnnouncementView>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListAnnouncements useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<AnnouncementView>, ProblemHttpResult>> Post(
        Guid programId, PostAnnouncementRequest request, ClaimsPrincipal user, PostAnnouncement useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/programs/{programId}/announcements", outcome.Value);
    }
}
