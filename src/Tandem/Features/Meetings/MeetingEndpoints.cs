using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

public static class MeetingEndpoints
{
    public static IServiceCollection AddTandemMeetings(this IServiceCollection services) => services
        .AddScoped<MeetingAccess>()
        .AddScoped<ListMeetings>()
        .AddScoped<GetMeeting>()
        .AddScoped<ProposeMeeting>()
        .AddScoped<MeetingChanges>()
        .AddScoped<RespondToMeeting>()
        .AddScoped<MoveMeeting>()
        .AddScoped<CancelMeeting>()
        .AddScoped<SuggestTimes>()
        .AddScoped<MeetingLinks>()
        .AddScoped<ChangeMeetingSettings>()
        .AddScoped<GetMeetingSettings>()
        .AddScoped<MeetingMailer>()
        .AddScoped<GetCalendarFeed>()
        .AddScoped<RotateCalendarFeed>()
        .AddScoped<RevokeCalendarFeed>()
        .AddScoped<Accounts.IAccountDisabledListener, DeleteCalendarFeedOfDisabledAccount>()
        .AddScoped<RenderCalendarFeed>();

    public static IEndpointRouteBuilder MapMeetings(this IEndpointRouteBuilder app)
    {
        var relationships = app.MapGroup("/api/v1/relationships/{relationshipId:guid}").WithTags("Meetings").RequireAuthorization();
        relationships.MapGet("/meetings", List).WithName("ListMeetings");
        relationships.MapPost("/meetings", Propose).WithName("ProposeMeeting");
        relationships.MapGet("/meeting-suggestions", Suggestions).WithName("SuggestMeetingTimes");

        var meetings = app.MapGroup("/api/v1/meetings").WithTags("Meetings").RequireAuthorization();
        meetings.MapGet("/{meetingId:guid}", Get).WithName("GetMeeting");
        meetings.MapPost("/{meetingId:guid}/response", Respond).WithName("RespondToMeeting");
        meetings.MapPost("/{meetingId:guid}/move", Move).WithName("MoveMeeting");
        meetings.MapPost("/{meetingId:guid}/cancel", Cancel).WithName("CancelMeeting");

        var me = app.MapGroup("/api/v1/me").WithTags("Meetings").RequireAuthorization();
        me.MapGet("/calendar-feed", FeedStatus).WithName("GetCalendarFeed");
        me.MapPost("/calendar-feed", RotateFeed).WithName("CreateCalendarFeed");
        me.MapDelete("/calendar-feed", RevokeFeed).WithName("RevokeCalendarFeed");

        app.MapGet("/api/v1/organisations/{organisationId:guid}/meeting-settings", GetSettings)
            .WithTags("Meetings").RequireAuthorization().WithName("GetMeetingSettings");
        app.MapPut("/api/v1/organisations/{organisationId:guid}/meeting-settings", ChangeSettings)
            .WithTags("Meetings").RequireAuthorization().WithName("ChangeMeetingSettings");

        // Calendar apps fetch this without cookies: the secret in the URL is the credential.
        app.MapGet("/calendar/{token}.ics", Feed).AllowAnonymous().WithTags("Meetings").WithName("CalendarFeed").ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<Paged<MeetingView>>, ProblemHttpResult>> List(
        Guid relationshipId, ClaimsPrincipal user, ListMeetings useCase, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, [MaxPageSize(ListMeetings.MaxPageSize)] int pageSize = 50) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, from?.UtcDateTime, to?.UtcDateTime, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<IReadOnlyList<MeetingView>>, ProblemHttpResult>> Propose(
        Guid relationshipId, ProposeMeetingRequest request, ClaimsPrincipal user, ProposeMeeting useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), relationshipId, request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/meetings/{outcome.Value![0].Id}", outcome.Value);
    }

    private static async Task<Results<Ok<TimeSuggestions>, ProblemHttpResult>> Suggestions(Guid relationshipId, ClaimsPrincipal user, SuggestTimes useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), relationshipId, ct)).ToOk();

    private static async Task<Results<Ok<MeetingView>, ProblemHttpResult>> Get(Guid meetingId, ClaimsPrincipal user, GetMeeting useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), meetingId, ct)).ToOk();

    private static async Task<Results<Ok<MeetingView>, ProblemHttpResult>> Respond(Guid meetingId, RespondToMeetingRequest request, ClaimsPrincipal user, RespondToMeeting useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), meetingId, request, ct)).ToOk();

    private static async Task<Results<Ok<MeetingView>, ProblemHttpResult>> Move(Guid meetingId, MoveMeetingRequest request, ClaimsPrincipal user, MoveMeeting useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), meetingId, request, ct)).ToOk();

    private static async Task<Results<Ok<MeetingView>, ProblemHttpResult>> Cancel(Guid meetingId, CancelMeetingRequest request, ClaimsPrincipal user, CancelMeeting useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), meetingId, request, ct)).ToOk();

    private static async Task<Ok<CalendarFeedView>> FeedStatus(ClaimsPrincipal user, GetCalendarFeed useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), ct));

    private static async Task<Ok<CalendarFeedView>> RotateFeed(ClaimsPrincipal user, RotateCalendarFeed useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), ct));

    private static async Task<NoContent> RevokeFeed(ClaimsPrincipal user, RevokeCalendarFeed useCase, CancellationToken ct)
    {
        await useCase.RunAsync(Actor.From(user), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeetingSettingsView>, ProblemHttpResult>> GetSettings(
        Guid organisationId, ClaimsPrincipal user, GetMeetingSettings useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(new MeetingSettingsView(organisationId, outcome.Value!.VideoLinks));
    }

    private static async Task<Results<Ok<MeetingSettingsView>, ProblemHttpResult>> ChangeSettings(
        Guid organisationId, MeetingSettingsRequest request, ClaimsPrincipal user, ChangeMeetingSettings useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, request.VideoLinks, ct)).ToOk();

    private static async Task<Results<ContentHttpResult, Microsoft.AspNetCore.Http.HttpResults.NotFound>> Feed(string token, RenderCalendarFeed useCase, HttpContext context, CancellationToken ct)
    {
        var ics = await useCase.RunAsync(token, ct);
        if (ics is null)
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.Text(ics, "text/calendar; charset=utf-8");
    }
}
