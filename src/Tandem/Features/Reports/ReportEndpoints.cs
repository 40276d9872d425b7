using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Reports;

public static class ReportEndpoints
{
    public static IServiceCollection AddTandemReports(this IServiceCollection services) => services
        .AddScoped<MeasureObjectives>()
        .AddScoped<IObjectiveProgress>(sp => sp.GetRequiredService<MeasureObjectives>())
        .AddScoped<GetProgramDashboard>()
        .AddScoped<GetOrganisationDashboard>()
        .AddScoped<RenderProgramReport>();

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var programs = app.MapGroup("/api/v1/programs/{programId:guid}").WithTags("Reports").RequireAuthorization();
        programs.MapGet("/objectives/progress", Objectives).WithName("GetObjectiveProgress")
            .WithDescription("Each objective's measure now, against its threshold, and at the end of each month so far. Coordinators only.");
        programs.MapGet("/dashboard", ProgramDashboard).WithName("GetProgramDashboard")
            .WithDescription("The program dashboard's figures (recruitment channels, matched and waiting, meetings against the cadence, retention, ratings, surveys, open concerns, health over time, objectives, goals and action items). Coordinators only.");
        programs.MapGet("/report.pdf", Report).WithName("GetProgramReport")
            .WithDescription("The program report as a PDF: objectives against targets with their trends, the dashboard's charts, goals, surveys and the outcome analysis. Coordinators only.");
        app.MapGroup("/api/v1/organisations/{organisationId:guid}").WithTags("Reports").RequireAuthorization()
            .MapGet("/dashboard", OrganisationDashboard).WithName("GetOrganisationDashboard")
            .WithDescription("Each program's headline figures, 50 programs a page (page: from 1; closed programs last, newest first) with the total "
                + "(totalPrograms) and the page size. The organisation's coordinators only.");
        return app;
    }

    private static async Task<Results<Ok<ProgramObjectives>, ProblemHttpResult>> Objectives(
        Guid programId, ClaimsPrincipal user, MeasureObjectives useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<ProgramDashboard>, ProblemHttpResult>> ProgramDashboard(
        Guid programId, ClaimsPrincipal user, GetProgramDashboard useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, charts: false, ct)).ToOk();

    private static async Task<Results<Ok<OrganisationDashboard>, ProblemHttpResult>> OrganisationDashboard(
        Guid organisationId, ClaimsPrincipal user, GetOrganisationDashboard useCase, CancellationToken ct, int page = 1)
    {
        if (page < 1)
        {
            return Invalid.Field("page", "page starts at 1.").ToProblem();
        }
        return (await useCase.RunAsync(Actor.From(user), organisationId, page, ct)).ToOk();
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Report(
        Guid programId, ClaimsPrincipal user, RenderProgramReport useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        return TypedResults.File(outcome.Value!.Content, "application/pdf", outcome.Value.FileName);
    }
}
