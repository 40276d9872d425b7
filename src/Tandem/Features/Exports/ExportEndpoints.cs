using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

public static class ExportEndpoints
{
    public static IServiceCollection AddTandemExports(this IServiceCollection services) => services
        .AddScoped<ExportProgramData>()
        .AddScoped<ExportSurveyResults>()
        .AddScoped<ExportMyData>()
        .AddScoped<ErasePerson>();

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/programs/{programId:guid}/exports").WithTags("Exports").RequireAuthorization()
            .MapGet("/{kind}", Export).WithName("ExportProgramData")
            .WithDescription("kind: participants, relationships, meetings or check-ins; format: csv (default, UTF-8 with a byte-order mark) or xlsx. "
                + "Coordinators only. Text cells starting with = + - @ are prefixed with an apostrophe so no spreadsheet runs them as formulas.");
        app.MapGroup("/api/v1/surveys/{surveyId:guid}/exports").WithTags("Exports").RequireAuthorization()
            .MapGet("/{kind}", ExportSurvey).WithName("ExportSurveyResults")
            .WithDescription("kind: results (per question, as the results page shows them: nothing for fewer than five answers) or responses "
                + "(a named survey's answers person by person; 409 for an anonymous survey); format: csv (default) or xlsx. The survey's coordinators only.");
        app.MapGet("/api/v1/me/data-export", MyData).WithTags("Exports").RequireAuthorization().WithName("ExportMyData")
            .WithDescription("Everything Tandem holds about the signed-in person, as one JSON file (docs/privacy.md).");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MyData(ClaimsPrincipal user, ExportMyData useCase, CancellationToken ct)
    {
        var bytes = await useCase.RunAsync(Actor.From(user).UserId, ct);
        return bytes is null
            ? new Tandem.Infrastructure.Problems.NotFound("There is no such account.").ToProblem()
            : TypedResults.File(bytes, "application/json", "tandem-my-data.json");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        Guid programId, string kind, ClaimsPrincipal user, ExportProgramData useCase, CancellationToken ct, string? format = null)
    {
        if (ExportCells.KindOf(kind) is not { } exportKind)
        {
            return new Tandem.Infrastructure.Problems.NotFound("There is no such export: ask for participants, relationships, meetings or check-ins.").ToProblem();
        }
        if (ExportCells.FormatOf(format) is not { } fileFormat)
        {
            return Invalid.Field("format", "Ask for format=csv or format=xlsx.").ToProblem();
        }
        var outcome = await useCase.RunAsync(Actor.From(user), programId, exportKind, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var bytes = await ExportWriter.WriteAsync(outcome.Value!, fileFormat, ct);
        return TypedResults.File(bytes, ExportWriter.ContentType(fileFormat), $"{ExportCells.Slug(exportKind)}.{fileFormat.ToString().ToLowerInvariant()}");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportSurvey(
        Guid surveyId, string kind, ClaimsPrincipal user, ExportSurveyResults useCase, CancellationToken ct, string? format = null)
    {
        if (ExportSurveyResults.KindOf(kind) is not { } exportKind)
        {
            return new Tandem.Infrastructure.Problems.NotFound("There is no such export: ask for results or responses.").ToProblem();
        }
        if (ExportCells.FormatOf(format) is not { } fileFormat)
        {
            return Invalid.Field("format", "Ask for format=csv or format=xlsx.").ToProblem();
        }
        var outcome = await useCase.RunAsync(Actor.From(user), surveyId, exportKind, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var bytes = await ExportWriter.WriteAsync(outcome.Value!, fileFormat, ct);
        return TypedResults.File(bytes, ExportWriter.ContentType(fileFormat), ExportSurveyResults.FileName(exportKind, fileFormat));
    }
}
