using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Problems;

/// <summary>
/// A sentence for a ProblemDetails answer that has none of its own (a 404 from routing, a 405, the framework's
/// status pages), so that every problem's <c>detail</c> tells a person what happened (issue 10, item 6).
/// </summary>
public static class ProblemSentences
{
    /// <summary>Gives a problem without a detail one: its field errors' messages, or the sentence for its status.</summary>
    public static void Fill(ProblemDetails problem, int responseStatus)
    {
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            return;
        }
        problem.Detail = problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid
            ? string.Join(" ", invalid.Errors.SelectMany(e => e.Value))
            : For(problem.Status ?? responseStatus);
    }

    public static string For(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read; check the values and try again.",
        StatusCodes.Status401Unauthorized => "Sign in to do this.",
        StatusCodes.Status403Forbidden => "You are not allowed to do this.",
        StatusCodes.Status404NotFound => "There is nothing at this address, or it is not visible to you.",
        StatusCodes.Status405MethodNotAllowed => "This address does not accept that kind of request.",
        StatusCodes.Status409Conflict => "This clashes with the current state of the record; reload it and try again.",
        StatusCodes.Status413PayloadTooLarge => "The request is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Send the request body as application/json.",
        StatusCodes.Status422UnprocessableEntity => "Some of the values need correcting.",
        StatusCodes.Status429TooManyRequests => "Too many attempts; wait a moment and try again.",
        StatusCodes.Status503ServiceUnavailable => "Tandem cannot do this right now; try again in a moment.",
        >= 500 => "Something went wrong on our side; it has been logged.",
        _ => "The request could not be completed.",
    };
}
