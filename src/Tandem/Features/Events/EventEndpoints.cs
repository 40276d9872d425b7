using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

public static class EventEndpoints
{
    public static IServiceCollection AddTandemEvents(this IServiceCollection services)
    {
        services.AddCheckedOptions<EventOptions>("Events");
        services.AddHostedService<EventReminderWorker>();
        return services
            .AddScoped<EventAccess>()
            .AddScoped<Resources.IResourceTarget, EventResourceTarget>()
            .AddScoped<ListEvents>()
            .AddScoped<GetEvent>()
            .AddScoped<CreateEvent>()
            .AddScoped<EventPlaces>()
            .AddScoped<RespondToEvent>()
            .AddScoped<CancelEvent>()
            .AddScoped<GetEventAttendance>()
            .AddScoped<RecordEventAttendance>()
            .AddScoped<GetEventInvitation>()
            .AddScoped<SendEventReminders>()
            // People who can no longer come give up their places (ADR 97): an enrolment removed, an account disabled.
            .AddScoped<Programs.IEnrolmentRemovedListener, ReleaseEventPlacesOfRemovedEnrolment>()
            .AddScoped<Accounts.IAccountDisabledListener, ReleaseEventPlacesOfDisabledAccount>();
    }

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var program = app.MapGroup("/api/v1/programs/{programId:guid}/events").WithTags("Events").RequireAuthorization();
        program.MapGet("", List).WithName("ListEvents")
            .WithDescription("Everyone in the program: upcoming events soonest first (`past=true`: ended ones, latest first). Participants see the events of their audience, staff and coordinators all. "
                + "Counts of those going and waiting, never who.");
        program.MapPost("", Create).WithName("CreateEvent")
            .WithDescription("The program's coordinators. `description` is Markdown (no HTML); `startsAt`/`endsAt` instants with `timeZoneId` the zone it is held in; a `place`, an https `videoLink` or both; "
                + "`audience` Everyone, Mentors or Mentees; `capacity` (none: no limit); `hostUserId` a mentor, peer or coordinator of the program who takes attendance.");

        var events = app.MapGroup("/api/v1/events/{eventId:guid}").WithTags("Events").RequireAuthorization();
        events.MapGet("", Get).WithName("GetEvent");
        events.MapPost("/rsvp", Rsvp).WithName("RespondToEvent")
            .WithDescription("A participant in the event's audience answers `going`: true takes a place (the waitlist when full, `waitlistPosition` says where), false gives it up "
                + "(the first on the waitlist gets it, in the same transaction, and is notified). Tells the organisation's webhooks (`event.rsvp`).");
        events.MapPost("/cancel", Cancel).WithName("CancelEvent")
            .WithDescription("The program's coordinators cancel an event that has not started; those going or waiting who can still see it, and its named host, are notified. "
                + "409 when it is already cancelled (or was cancelled at the same moment: one of two cancellations tells people).");
        events.MapGet("/attendance", Attendance).WithName("GetEventAttendance")
            .WithDescription("The event's host (a named mentor) or the program's coordinators: who answered, the waitlist in order, and who came, a page at a time "
                + "(`people` is paged: `page`, `pageSize`, default 50). A read of minors' attendance by someone else is written to the audit log.");
        events.MapPut("/attendance", RecordAttendance).WithName("RecordEventAttendance")
            .WithDescription("The host marks who came (`entries`: userId and attended), once the event has started; people not listed keep what was recorded. "
                + "Answers with the page of the list asked for (`page`, `pageSize`). Attendance counts as events attended in the pairs' engagement health.");
        events.MapGet("/invitation.ics", Invitation).WithName("GetEventInvitation")
            .WithDescription("The event as an iCalendar file (RFC 5545) for someone going or on the waitlist (TENTATIVE), its host and its coordinators.")
            .Produces<string>(StatusCodes.Status200OK, "text/calendar");
        return app;
    }

    private static async Task<Results<Ok<Paged<EventView>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListEvents useCase, CancellationToken ct, bool past = false, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, past, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<EventView>, ProblemHttpResult>> Create(
        Guid programId, CreateEventRequest request, ClaimsPrincipal user, CreateEvent useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/events/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<EventView>, ProblemHttpResult>> Get(Guid eventId, ClaimsPrincipal user, GetEvent useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), eventId, ct)).ToOk();

    private static async Task<Results<Ok<EventView>, ProblemHttpResult>> Rsvp(Guid eventId, RsvpRequest request, ClaimsPrincipal user, RespondToEvent useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), eventId, request.Going!.Value, ct)).ToOk();

    private static async Task<Results<Ok<EventView>, ProblemHttpResult>> Cancel(Guid eventId, ClaimsPrincipal user, CancelEvent useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), eventId, ct)).ToOk();

    private static async Task<Results<Ok<EventAttendanceView>, ProblemHttpResult>> Attendance(Guid eventId, ClaimsPrincipal user, GetEventAttendance useCase, CancellationToken ct,
        int page = 1, int pageSize = GetEventAttendance.DefaultPageSize) =>
        (await useCase.RunAsync(Actor.From(user), eventId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<EventAttendanceView>, ProblemHttpResult>> RecordAttendance(
        Guid eventId, RecordAttendanceRequest request, ClaimsPrincipal user, RecordEventAttendance useCase, CancellationToken ct,
        int page = 1, int pageSize = GetEventAttendance.DefaultPageSize) =>
        (await useCase.RunAsync(Actor.From(user), eventId, request, page, pageSize, ct)).ToOk();

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Invitation(Guid eventId, ClaimsPrincipal user, GetEventInvitation useCase, HttpContext context, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), eventId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"event-{eventId}.ics\"";
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Text(outcome.Value!, "text/calendar; charset=utf-8");
    }
}
