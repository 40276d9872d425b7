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

    /// <summary>ProblemDetails for the outcome failures the shared mapping does not know (413, 422 with lines).</summary>
    public static ProblemHttpResult ToOutcomeProblem(this Failure failure) => failure switch
    {
        OutcomeFileTooLarge => TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = failure.Title, Detail = failure.Detail }),
        OutcomeFileInvalid invalid => TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = failure.Title,
            Detail = failure.Detail,
            Extensions = { ["lines"] = invalid.Errors },
        }),
        _ => failure.ToProblem(),
    };

    public static int OutcomeStatusCode(this Failure failure) => failure switch
    {
        OutcomeFileTooLarge => StatusCodes.Status413PayloadTooLarge,
        OutcomeFileInvalid => StatusCodes.Status422UnprocessableEntity,
        _ => failure.StatusCode(),
    };

    private static async Task<Results<Ok<OutcomeImportResult>, ProblemHttpResult>> Import(
        Guid programId, HttpRequest http, ClaimsPrincipal user, ImportOutcomes useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (await useCase.RefusalAsync(actor, programId, ct) is { } refused)
        {
            return refused.ToOutcomeProblem();
        }
        var file = await ReadFileAsync(http, useCase.MaxFileBytes, useCase.TooLargeMessage, ct);
        if (file.Failure is { } unread)
        {
            return unread.ToOutcomeProblem();
        }
        var outcome = await useCase.RunAsync(actor, programId, file.Value!, ct);
        return outcome.Failure is { } failure ? failure.ToOutcomeProblem() : TypedResults.Ok(outcome.Value!);
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

    /// <summary>
    /// The file's bytes, from a text/csv body or the first file of a multipart form, refused with 413 beyond the limit.
    /// Called only once the caller is known to be allowed: nothing is read for a stranger.
    /// </summary>
    private static async Task<Outcome<byte[]>> ReadFileAsync(HttpRequest http, long limit, string tooLargeMessage, CancellationToken ct)
    {
        var tooLarge = new OutcomeFileTooLarge(tooLargeMessage);
        if (http.ContentLength > limit + UploadForms.Slack)
        {
            return tooLarge;
        }
        Stream body;
        if (http.HasFormContentType)
        {
            var read = await UploadForms.ReadAsync(http, limit, tooLarge, ct);
            if (read.Failure is { } unreadable)
            {
                return unreadable;
            }
            var form = read.Value!.Fields;
            var file = form.Files.FirstOrDefault();
            if (file is null)
            {
                return Invalid.Field("file", "Attach the outcome data as a CSV file.");
            }
            if (file.Length > limit)
            {
                return tooLarge;
            }
            body = file.OpenReadStream();
        }
        else
        {
            body = http.Body;
        }
        await using (body)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return tooLarge;
                }
            }
            return buffer.ToArray();
        }
    }
}
