using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Organisations;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

public static class ConcernEndpoints
{
    public static IServiceCollection AddTandemConcerns(this IServiceCollection services)
    {
        services.AddCheckedOptions<ConcernOptions>("Concerns");
        services.AddHostedService<ConcernReminderWorker>();
        return services
            .AddScoped<ConcernAccess>()
            .AddScoped<ConcernNotices>()
            .AddScoped<ConcernWorkflow>()
            .AddScoped<ReportConcern>()
            .AddScoped<ListMyConcerns>()
            .AddScoped<GetConcernForm>()
            .AddScoped<ListProgramConcerns>()
            .AddScoped<GetConcern>()
            .AddScoped<AcknowledgeConcern>()
            .AddScoped<ScheduleMediation>()
            .AddScoped<RecordMediation>()
            .AddScoped<ResolveConcern>()
            .AddScoped<EscalateConcern>()
            .AddScoped<RemindUnacknowledgedConcerns>()
            .AddScoped<DesignateSafeguardingLead>()
            .AddScoped<IMembershipEndingListener, SafeguardingLeadEnds>()
            .AddScoped<Accounts.IAccountDisabledListener, SafeguardingLeadEnds>()
            .AddScoped<Privacy.IConcernAuditScope, ConcernAuditScope>()
            .AddScoped<ListSafeguardingLeads>();
    }

    public static IEndpointRouteBuilder MapConcerns(this IEndpointRouteBuilder app)
    {
        var program = app.MapGroup("/api/v1/programs/{programId:guid}/concerns").WithTags("Concerns").RequireAuthorization();
        program.MapPost("/", Report).WithName("ReportConcern")
            .WithDescription("A participant of the program reports a concern (conflict, no-show, safeguarding, other), optionally naming a person of the program and one of their relationships. "
                + "The answer is the reporter's view: state and step dates only.");
        program.MapGet("/", List).WithName("ListProgramConcerns")
            .WithDescription("The concerns the caller handles: coordinators see the program's concerns except safeguarding reports, which only the organisation's designated leads see; never one about the caller.");
        program.MapGet("/{concernId:guid}", Get).WithName("GetConcern");
        program.MapPost("/{concernId:guid}/acknowledge", Acknowledge).WithName("AcknowledgeConcern");
        program.MapPost("/{concernId:guid}/mediation", Schedule).WithName("ScheduleMediation")
            .WithDescription("Schedules (or moves) a mediation meeting with a neutral third party: a coordinator or staff member of the program who is neither the reporter nor the person it is about.");
        program.MapPost("/{concernId:guid}/mediation/record", Record).WithName("RecordMediation");
        program.MapPost("/{concernId:guid}/resolve", Resolve).WithName("ResolveConcern");
        program.MapPost("/{concernId:guid}/escalate", Escalate).WithName("EscalateConcern");

        app.MapGroup("/api/v1/concerns").WithTags("Concerns").RequireAuthorization()
            .MapGet("/mine", Mine).WithName("ListMyConcerns")
            .WithDescription("The concerns the caller reported: state and the dates of each step, never a handler's note.");

        var leads = app.MapGroup("/api/v1/organisations/{organisationId:guid}/safeguarding-leads").WithTags("Concerns").RequireAuthorization();
        leads.MapGet("/", Leads).WithName("ListSafeguardingLeads");
        leads.MapPut("/{userId:guid}", Designate).WithName("DesignateSafeguardingLead")
            .WithDescription("An organisation coordinator designates a member as a safeguarding lead: leads, and only leads, read the organisation's safeguarding reports.");
        leads.MapDelete("/{userId:guid}", Withdraw).WithName("WithdrawSafeguardingLead");
        return app;
    }

    private static async Task<Results<Created<MyConcernView>, ProblemHttpResult>> Report(Guid programId, ReportConcernRequest request, ClaimsPrincipal user, ReportConcern useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created("/api/v1/concerns/mine", outcome.Value);
    }

    private static async Task<Ok<Paged<MyConcernView>>> Mine(ClaimsPrincipal user, ListMyConcerns useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Ok<ProgramConcernsView>, ProblemHttpResult>> List(Guid programId, ClaimsPrincipal user, ListProgramConcerns useCase, CancellationToken ct,
        int page = 1, int pageSize = 20, ConcernState? state = null) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, state, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Get(Guid programId, Guid concernId, ClaimsPrincipal user, GetConcern useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Acknowledge(Guid programId, Guid concernId, ConcernStepRequest request, ClaimsPrincipal user, AcknowledgeConcern useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, request, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Schedule(Guid programId, Guid concernId, ScheduleMediationRequest request, ClaimsPrincipal user, ScheduleMediation useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, request, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Record(Guid programId, Guid concernId, ConcernNoteRequest request, ClaimsPrincipal user, RecordMediation useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, request, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Resolve(Guid programId, Guid concernId, ConcernNoteRequest request, ClaimsPrincipal user, ResolveConcern useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, request, ct)).ToOk();

    private static async Task<Results<Ok<ConcernDetails>, ProblemHttpResult>> Escalate(Guid programId, Guid concernId, ConcernNoteRequest request, ClaimsPrincipal user, EscalateConcern useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, concernId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<SafeguardingLeadView>>, ProblemHttpResult>> Leads(Guid organisationId, ClaimsPrincipal user, ListSafeguardingLeads useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<SafeguardingLeadView>, ProblemHttpResult>> Designate(Guid organisationId, Guid userId, ClaimsPrincipal user, DesignateSafeguardingLead useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, userId, designated: true, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Withdraw(Guid organisationId, Guid userId, ClaimsPrincipal user, DesignateSafeguardingLead useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, userId, designated: false, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }
}
