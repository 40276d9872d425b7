using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Outcomes;

public static class OutcomeEndpoints
{
    public static IServiceCollection AddTandemOutcomes(this IServiceCollection services)
    {
        services.AddCheckedOptions<OutcomeOptions>("Outcomes");
        return services
            .AddSingleton<AnalyseOutcomes>()
            .AddScoped<ImportOutcomes>()
            .AddScoped<GetOutcomeReport>()
            .AddScoped<ClearOutcomes>();
    }

    public static IEndpointRouteBuilder MapOutcomes(this IEndpointRouteBuilder app)
    {
        var outcomes = app.MapGroup("/api/v1/programs/{programId:guid}/outcomes").WithTags("Outcomes").RequireAuthorization();
        // Not declared with Accepts(): the content-type matcher would answer 415 before authentication does.
        outcomes.MapPost("/", Import).WithName("ImportOutcomes").DisableAntiforgery()
            .WithDescription("Body: the outcome CSV (header person,group,measure,pre,post; docs/formats.md, \"Outcome CSV\") as text/csv, "
                + "or a multipart/form-data upload with one file; UTF-8, or UTF-16 with a byte-order mark. Replaces the program's whole outcome data set "
                + "in one transaction. 422 with every problem (`lines`: line, column, message) and nothing changed when the file is malformed; "
                + "413 beyond the size limit. Coordinators of the program and administrators only.");
        outcomes.MapGet("/", Report).WithName("GetOutcomeReport")
            .WithDescription("The analysis of the program's outcome data, per measure, in the shape `tandem evaluate` prints (docs/formats.md), "
                + "with when the data were imported; no measures when nothing is imported.");
        outcomes.MapDelete("/", Clear).WithName("ClearOutcomes")
            .WithDescription("Deletes the program's outcome data set.");
        return app;
    }

    private static async Task<Results<Ok<OutcomeImportResult>, ProblemHttpResult>> Import(
        Guid programId, HttpRequest http, ClaimsPrincipal user, ImportOutcomes useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (await useCase.RefusalAsync(actor, programId, ct) is { } refused)
        {
            return refused.ToProblem();
        }
        var file = await UploadForms.ReadFileAsync(http, useCase.MaxFileBytes, useCase.TooLargeMessage, "Attach the outcome data as a CSV file.", ct);
        if (file.Failure is { } unread)
        {
            return unread.ToProblem();
        }
        var outcome = await useCase.RunAsync(actor, programId, file.Value!, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Ok<OutcomeReportView>, ProblemHttpResult>> Report(Guid programId, ClaimsPrincipal user, GetOutcomeReport useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!.ToView());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Clear(Guid programId, ClaimsPrincipal user, ClearOutcomes useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }
}
