using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

public static class ExportEndpoints
{
    public static IServiceCollection AddTandemExports(this IServiceCollection services) => services
        .AddScoped<ExportProgramData>()
        .AddScoped<ExportSurveyResults>()
        .AddScoped<ExportMyData>()
        .AddScoped<ExportPersonOnRequest>()
        .AddScoped<ErasePerson>()
        .AddScoped<ApplyRetention>()
        .AddScoped<Programs.IProgramRetention, ProgramRetention>()
        .AddScoped<GetRetention>()
        .AddScoped<ChangeRetention>()
        .AddScoped<ListRetentionRuns>()
        .AddHostedService<RetentionWorker>()
        .AddCheckedOptions<RetentionOptions>("Retention").Services
        .AddCheckedOptions<ExportOptions>("Exports").Services;

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/programs/{programId:guid}/exports").WithTags("Exports").RequireAuthorization()
            .MapGet("/{kind}", Export).WithName("ExportProgramData")
            .WithDescription("kind: participants, relationships, meetings or check-ins; format: csv (default, UTF-8 with a byte-order mark) or xlsx. "
                + "Coordinators only. Text cells starting with = + - @ are prefixed with an apostrophe so no spreadsheet runs them as formulas. "
                + "Rows are written as they are read (CSV streamed); xlsx of more rows than Exports:XlsxMaxRows (at most a sheet's 1,048,575) is 413.");
        app.MapGroup("/api/v1/surveys/{surveyId:guid}/exports").WithTags("Exports").RequireAuthorization()
            .MapGet("/{kind}", ExportSurvey).WithName("ExportSurveyResults")
            .WithDescription("kind: results (per question, as the results page shows them: nothing for fewer than five answers) or responses "
                + "(a named survey's answers person by person; 409 for an anonymous survey); format: csv (default) or xlsx (413 above Exports:XlsxMaxRows rows). "
                + "The survey's coordinators only.");
        app.MapGet("/api/v1/me/data-export", MyData).WithTags("Exports").RequireAuthorization().WithName("ExportMyData")
            .WithDescription("Everything Tandem holds about the signed-in person, as one JSON file (docs/privacy.md).");
        app.MapGet("/api/v1/organisations/{organisationId:guid}/people/{userId:guid}/data-export", PersonData).WithTags("Privacy").RequireAuthorization()
            .WithName("ExportPersonData")
            .WithDescription("Everything Tandem holds about a person of the organisation, as they would download it themselves, for answering their "
                + "request: the organisation's coordinators and administrators; reason (required, at most 160 characters) is written to the audit log first.");
        var retention = app.MapGroup("/api/v1/organisations/{organisationId:guid}/retention").WithTags("Privacy").RequireAuthorization();
        retention.MapGet("/", Retention).WithName("GetRetention");
        retention.MapPut("/", ChangeRetention).WithName("ChangeRetention")
            .WithDescription("closedProgramMonths (1 to 120, default 24): how long after a program closes its personal data is kept before the retention job "
                + "anonymises it. The organisation's coordinators and administrators.");
        retention.MapGet("/runs", RetentionRuns).WithName("ListRetentionRuns")
            .WithDescription("The closed programs whose personal data the retention job anonymised, newest first, with the rows changed by kind.");
        return app;
    }

    private static async Task<Results<Ok<RetentionView>, ProblemHttpResult>> Retention(Guid organisationId, ClaimsPrincipal user, GetRetention useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, ct)).ToOk();

    private static async Task<Results<Ok<RetentionView>, ProblemHttpResult>> ChangeRetention(
        Guid organisationId, RetentionRequest request, ClaimsPrincipal user, ChangeRetention useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<RetentionRunView>>, ProblemHttpResult>> RetentionRuns(
        Guid organisationId, ClaimsPrincipal user, ListRetentionRuns useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct)).ToOk();

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MyData(ClaimsPrincipal user, ExportMyData useCase, CancellationToken ct)
    {
        var bytes = await useCase.RunAsync(Actor.From(user).UserId, ct);
        return bytes is null
            ? new Tandem.Infrastructure.Problems.NotFound("There is no such account.").ToProblem()
            : TypedResults.File(bytes, "application/json", "tandem-my-data.json");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PersonData(
        Guid organisationId, Guid userId, ClaimsPrincipal user, ExportPersonOnRequest useCase, CancellationToken ct, string? reason = null)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, userId, reason, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.File(outcome.Value!, "application/json", "tandem-person-data.json");
    }

    private static async Task<Results<PushStreamHttpResult, FileStreamHttpResult, ProblemHttpResult>> Export(
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
        var outcome = await useCase.RunAsync(Actor.From(user), programId, exportKind, fileFormat, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : await FileAsync(outcome.Value!, fileFormat, $"{ExportCells.Slug(exportKind)}.{fileFormat.ToString().ToLowerInvariant()}", ct);
    }

    private static async Task<Results<PushStreamHttpResult, FileStreamHttpResult, ProblemHttpResult>> ExportSurvey(
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
        var outcome = await useCase.RunAsync(Actor.From(user), surveyId, exportKind, fileFormat, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : await FileAsync(outcome.Value!, fileFormat, ExportSurveyResults.FileName(exportKind, fileFormat), ct);
    }

    /// <summary>
    /// The table as a download, read batch by batch while it is written (ADR 123): CSV straight to the response, XLSX into a
    /// temporary file (deleted when the answer has been sent) that is then sent with its length. Every refusal has been made
    /// by the use case before this point: once the first byte is sent, a failure can only cut the download short.
    /// <paramref name="ct"/> is the request's: a client that goes away stops the reading.
    /// </summary>
    private static async Task<Results<PushStreamHttpResult, FileStreamHttpResult, ProblemHttpResult>> FileAsync(
        ExportTable table, ExportFormat format, string fileName, CancellationToken ct) =>
        format == ExportFormat.Csv
            ? TypedResults.Stream(body => ExportWriter.WriteCsvAsync(table, body, ct), ExportWriter.ContentType(format), fileName)
            : TypedResults.Stream(await ExportWriter.WriteXlsxFileAsync(table, ct), ExportWriter.ContentType(format), fileName);
}
