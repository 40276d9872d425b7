using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

public static class ProgramEndpoints
{
    public static IServiceCollection AddTandemPrograms(this IServiceCollection services)
    {
        services.AddCheckedOptions<ProgramOptions>("Programs");
        return services
        .AddScoped<ProgramAccess>()
        .AddScoped<ListPrograms>()
        .AddScoped<GetProgram>()
        .AddScoped<CreateProgram>()
        .AddScoped<UpdateProgram>()
        .AddScoped<ChangeProgramStatus>()
        .AddScoped<ListEnrolments>()
        .AddScoped<ChangeEnrolmentRole>()
        .AddScoped<RemoveEnrolment>();
    }

    public static IEndpointRouteBuilder MapPrograms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/programs").WithTags("Programs").RequireAuthorization();
        group.MapGet("/", List).WithName("ListPrograms");
        group.MapGet("/{programId:guid}", Get).WithName("GetProgram");
        group.MapPost("/", Create).WithName("CreateProgram");
        group.MapPut("/{programId:guid}", Update).WithName("UpdateProgram");
        group.MapPost("/{programId:guid}/status", ChangeStatus).WithName("ChangeProgramStatus");
        group.MapGet("/{programId:guid}/enrolments", Enrolments).WithName("ListEnrolments");
        group.MapPut("/{programId:guid}/enrolments/{enrolmentId:guid}/role", ChangeRole).WithName("ChangeEnrolmentRole")
            .WithDescription("Makes a member of staff a coordinator of the program, or a coordinator staff. 409 saying why for the program's only "
                + "coordinator, for someone already holding that role, and for participants (Mentor, Mentee, Peer), whose roles are not changed here.");
        group.MapDelete("/{programId:guid}/enrolments/{enrolmentId:guid}", RemoveEnrolment).WithName("RemoveEnrolment")
            .WithDescription("Takes a member of staff or a coordinator off the program. 409 saying why for the program's only coordinator and for "
                + "participants, who leave a program by withdrawing.");
        return app;
    }

    private static async Task<Results<Ok<Paged<ProgramSummary>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, ListPrograms useCase, CancellationToken ct,
        int page = 1, int pageSize = 20, ProgramStatus? status = null, string? search = null)
    {
        // A number is bound as the enum too: one that is no status is refused, not answered with an empty list (ADR 128).
        if (status is { } s && !Enum.IsDefined(s))
        {
            return Invalid.Field("status", $"The status is one of {string.Join(", ", Enum.GetNames<ProgramStatus>())}.").ToProblem();
        }
        return TypedResults.Ok(await useCase.RunAsync(Actor.From(user), new ProgramListQuery(page, pageSize, status, search), ct));
    }

    private static async Task<Results<Ok<ProgramDetails>, ProblemHttpResult>> Get(Guid programId, ClaimsPrincipal user, GetProgram useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Created<ProgramDetails>, ProblemHttpResult>> Create(CreateProgramRequest request, ClaimsPrincipal user, CreateProgram useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/programs/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<ProgramDetails>, ProblemHttpResult>> Update(Guid programId, ProgramInput request, ClaimsPrincipal user, UpdateProgram useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<ProgramDetails>, ProblemHttpResult>> ChangeStatus(Guid programId, ChangeStatusRequest request, ClaimsPrincipal user, ChangeProgramStatus useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request.Status!.Value, ct)).ToOk();

    private static async Task<Results<Ok<Paged<EnrolmentView>>, ProblemHttpResult>> Enrolments(
        Guid programId, ClaimsPrincipal user, ListEnrolments useCase, CancellationToken ct, int page = 1, int pageSize = 50, ProgramRole? role = null) =>
        role is { } r && !Enum.IsDefined(r)
            ? Invalid.Field("role", $"The role is one of {string.Join(", ", Enum.GetNames<ProgramRole>())}.").ToProblem()
            : (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, role, ct)).ToOk();

    private static async Task<Results<Ok<EnrolmentView>, ProblemHttpResult>> ChangeRole(
        Guid programId, Guid enrolmentId, ChangeEnrolmentRoleRequest request, ClaimsPrincipal user, ChangeEnrolmentRole useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, enrolmentId, request.Role!.Value, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveEnrolment(
        Guid programId, Guid enrolmentId, ClaimsPrincipal user, RemoveEnrolment useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, enrolmentId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }
}
