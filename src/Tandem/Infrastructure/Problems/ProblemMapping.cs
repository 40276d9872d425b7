using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Problems;

public static class ProblemMapping
{
    public static int StatusCode(this Failure failure) => failure switch
    {
        NotFound => StatusCodes.Status404NotFound,
        Forbidden => StatusCodes.Status403Forbidden,
        Conflict => StatusCodes.Status409Conflict,
        Invalid => StatusCodes.Status400BadRequest,
        TooLarge => StatusCodes.Status413PayloadTooLarge,
        Unprocessable => StatusCodes.Status422UnprocessableEntity,
        TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The problem, and for a rate limit the Retry-After header it needs on the response.</summary>
    public static ProblemHttpResult ToProblem(this Failure failure, HttpResponse response)
    {
        if (failure is TooManyRequests limited)
        {
            response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString();
        }
        return failure.ToProblem();
    }

    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        ProblemDetails problem = failure is Invalid invalid
            ? new HttpValidationProblemDetails(invalid.Errors.ToDictionary(e => e.Key, e => e.Value))
            : new ProblemDetails();
        problem.Status = failure.StatusCode();
        problem.Title = failure.Title;
        problem.Detail = failure.Detail;
        if (failure is Unprocessable unprocessable)
        {
            problem.Extensions[unprocessable.ListName] = unprocessable.List;
        }
        return TypedResults.Problem(problem);
    }
}

public static class OutcomeResults
{
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Outcome<T> outcome) =>
        outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
}
