using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Channels;

public static class ChannelEndpoints
{
    public static IServiceCollection AddTandemChannels(this IServiceCollection services) => services
        .AddScoped<ChannelAccess>()
        .AddScoped<ListChannels>()
        .AddScoped<GetChannel>()
        .AddScoped<CreateChannel>()
        .AddScoped<JoinChannel>()
        .AddScoped<ListPosts>()
        .AddScoped<WritePost>()
        .AddScoped<ReportPost>()
        .AddScoped<ModerateChannel>()
        .AddScoped<ModerationQueries>();

    // "/channels" under a program is the program's Slack and Teams settings (ADR 55), so discussion channels are "discussion-channels".
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/programs/{programId:guid}/discussion-channels").WithTags("Channels").RequireAuthorization();
        channels.MapGet("", List).WithName("ListDiscussionChannels")
            .WithDescription("The program's discussion channels the reader finds: the general channel, audience channels of their role, interest channels (joined or not) and their study groups' channels; "
                + "coordinators and staff find all. Another program's channels are not found (404).");
        channels.MapPost("", Create).WithName("CreateDiscussionChannel")
            .WithDescription("The program's coordinators: `kind` Audience (with `audience` Everyone, Mentors or Mentees) or Interest (people join it).");
        channels.MapGet("/{channelId:guid}", Get).WithName("GetDiscussionChannel");
        channels.MapPut("/{channelId:guid}/membership", Join).WithName("JoinDiscussionChannel")
            .WithDescription("Join an interest channel (409 for other kinds: they are everyone's in their audience).");
        channels.MapDelete("/{channelId:guid}/membership", Leave).WithName("LeaveDiscussionChannel");
        channels.MapGet("/{channelId:guid}/posts", Posts).WithName("ListChannelPosts")
            .WithDescription("Threads newest first, each with its latest 50 replies oldest first. A hidden post has no body and `hidden` true, except for its author and the moderators.");
        channels.MapPost("/{channelId:guid}/posts", Write).WithName("WriteChannelPost")
            .WithDescription("A new thread. `body` is Markdown (no HTML), at most 4,000 characters; `@Full Name` (or `@First` when only one member has that first name) notifies that member. "
                + "409 when the writer is muted or the study group is not active.");
        channels.MapGet("/{channelId:guid}/posts/{postId:guid}/replies", Replies).WithName("ListChannelPostReplies");
        channels.MapPost("/{channelId:guid}/posts/{postId:guid}/replies", Reply).WithName("ReplyToChannelPost")
            .WithDescription("A reply to a thread (a reply to a reply joins its thread); the thread's author is notified.");
        channels.MapPost("/{channelId:guid}/posts/{postId:guid}/reports", Report).WithName("ReportChannelPost")
            .WithDescription("Any member reports a post to the program's coordinators with a `reason`; once per person and post (409).");
        channels.MapPut("/{channelId:guid}/posts/{postId:guid}/hidden", Hide).WithName("HideChannelPost")
            .WithDescription("The program's coordinators: `hidden` true hides the post (members read \"hidden by a moderator\"; its open reports are closed), false shows it again; `reason` is logged.");
        channels.MapPost("/{channelId:guid}/mutes", Mute).WithName("MuteChannelMember")
            .WithDescription("The program's coordinators: the member reads but cannot write for `hours` (1 to 2,160; 0 lifts the mute); `reason` is logged.");
        channels.MapPost("/{channelId:guid}/removals", Remove).WithName("RemoveChannelMember")
            .WithDescription("The program's coordinators: `removed` true and the channel is no longer found for the member (404), false lets them back; `reason` is logged.");

        var moderation = app.MapGroup("/api/v1/programs/{programId:guid}").WithTags("Channels").RequireAuthorization();
        moderation.MapGet("/discussion-reports", Reports).WithName("ListPostReports")
            .WithDescription("The program's coordinators: open reports of posts, oldest first, with the post, who reported it and why.");
        moderation.MapPost("/discussion-reports/{reportId:guid}/dismiss", Dismiss).WithName("DismissPostReport");
        moderation.MapGet("/moderation-log", Log).WithName("ListModerationLog")
            .WithDescription("The program's coordinators: every moderation action, newest first: who, what, to whom or which post, when and why.");
        return app;
    }

    private static async Task<Results<Ok<Paged<ChannelView>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListChannels useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<ChannelView>, ProblemHttpResult>> Create(
        Guid programId, CreateChannelRequest request, ClaimsPrincipal user, CreateChannel useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/programs/{programId}/discussion-channels/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Get(Guid programId, Guid channelId, ClaimsPrincipal user, GetChannel useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, channelId, ct)).ToOk();

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Join(Guid programId, Guid channelId, ClaimsPrincipal user, JoinChannel useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, channelId, join: true, ct)).ToOk();

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Leave(Guid programId, Guid channelId, ClaimsPrincipal user, JoinChannel useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, channelId, join: false, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PostView>>, ProblemHttpResult>> Posts(
        Guid programId, Guid channelId, ClaimsPrincipal user, ListPosts useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, channelId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<PostView>, ProblemHttpResult>> Write(
        Guid programId, Guid channelId, WritePostRequest request, ClaimsPrincipal user, WritePost useCase, CancellationToken ct) =>
        Created(programId, channelId, await useCase.RunAsync(Actor.From(user), programId, channelId, null, request, ct));

    private static async Task<Results<Ok<Paged<PostView>>, ProblemHttpResult>> Replies(
        Guid programId, Guid channelId, Guid postId, ClaimsPrincipal user, ListPosts useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RepliesAsync(Actor.From(user), programId, channelId, postId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<PostView>, ProblemHttpResult>> Reply(
        Guid programId, Guid channelId, Guid postId, WritePostRequest request, ClaimsPrincipal user, WritePost useCase, CancellationToken ct) =>
        Created(programId, channelId, await useCase.RunAsync(Actor.From(user), programId, channelId, postId, request, ct));

    private static Results<Created<PostView>, ProblemHttpResult> Created(Guid programId, Guid channelId, Outcome<PostView> outcome) =>
        outcome.Failure is { } failure ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/programs/{programId}/discussion-channels/{channelId}/posts", outcome.Value);

    private static async Task<Results<Ok<ReportReceived>, ProblemHttpResult>> Report(
        Guid programId, Guid channelId, Guid postId, ReportPostRequest request, ClaimsPrincipal user, ReportPost useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, channelId, postId, request, ct)).ToOk();

    private static async Task<Results<Ok<PostView>, ProblemHttpResult>> Hide(
        Guid programId, Guid channelId, Guid postId, HidePostRequest request, ClaimsPrincipal user, ModerateChannel useCase, CancellationToken ct) =>
        (await useCase.HideAsync(Actor.From(user), programId, channelId, postId, request, ct)).ToOk();

    private static async Task<Results<Ok<ChannelMemberView>, ProblemHttpResult>> Mute(
        Guid programId, Guid channelId, MuteMemberRequest request, ClaimsPrincipal user, ModerateChannel useCase, CancellationToken ct) =>
        (await useCase.MuteAsync(Actor.From(user), programId, channelId, request, ct)).ToOk();

    private static async Task<Results<Ok<ChannelMemberView>, ProblemHttpResult>> Remove(
        Guid programId, Guid channelId, RemoveMemberRequest request, ClaimsPrincipal user, ModerateChannel useCase, CancellationToken ct) =>
        (await useCase.RemoveAsync(Actor.From(user), programId, channelId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PostReportView>>, ProblemHttpResult>> Reports(
        Guid programId, ClaimsPrincipal user, ModerationQueries useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.ReportsAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<PostReportView>, ProblemHttpResult>> Dismiss(
        Guid programId, Guid reportId, ClaimsPrincipal user, ModerationQueries useCase, CancellationToken ct) =>
        (await useCase.DismissAsync(Actor.From(user), programId, reportId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<ModerationEntryView>>, ProblemHttpResult>> Log(
        Guid programId, ClaimsPrincipal user, ModerationQueries useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.LogAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();
}
