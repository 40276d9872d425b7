using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// Turns what the framework refuses before a handler runs (a body that is not JSON or not of the
/// endpoint's shape, a query or route value that does not parse, a missing body, the wrong content
/// type, a body over the size limit) into a ProblemDetails answer with the framework's status code,
/// naming the field where one is to blame, instead of an empty 4xx.
/// </summary>
public sealed partial class BadRequestProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }
        var (title, errors) = Describe(bad);
        ProblemDetails problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        problem.Status = bad.StatusCode;
        problem.Title = title;
        problem.Detail = errors is null ? title : DetailOf(title, errors);
        await TypedResults.Problem(problem).ExecuteAsync(context);
        return true;
    }

    private static (string Title, Dictionary<string, string[]>? Errors) Describe(BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return ("The request body is too large.", null);
            case StatusCodes.Status415UnsupportedMediaType:
                return ("Send the request body as application/json.", null);
            case not StatusCodes.Status400BadRequest:
                return (bad.Message, null);
        }
        if (bad.InnerException is JsonException json)
        {
            return ("The request body could not be read.", Explain(json));
        }
        if (FailedToBind().Match(bad.Message) is { Success: true } failed)
        {
            return Unread(failed.Groups["name"].Value, failed.Groups["value"].Value, failed.Groups["type"].Value);
        }
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return ("The request needs a JSON body.", new() { ["body"] = ["A JSON body is required."] });
        }
        if (NotProvided().Match(bad.Message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value == "body"
                ? ("The request needs a JSON body.", new() { ["body"] = ["A JSON body is required."] })
                : ("A required value is missing.", new() { [missing.Groups["name"].Value] = ["This value is required."] });
        }
        return ("The request could not be read.", null);
    }

    /// <summary>The problem of a query or route value that does not parse as its type (also for <see cref="UnreadValues"/>).</summary>
    internal static (string Title, Dictionary<string, string[]> Errors) Unread(string name, string value, string typeName) =>
        ("A value in the request could not be read.", new() { [name] = [$"'{value}' is not a valid {typeName.ToLowerInvariant()}."] });

    internal static string DetailOf(string title, Dictionary<string, string[]> errors) =>
        $"{title} {string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}";

    private static Dictionary<string, string[]> Explain(JsonException json)
    {
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        if (MissingProperties().Match(message) is { Success: true } missing)
        {
            return missing.Groups["names"].Value.Split(", ").Select(n => n.Trim('\''))
                .ToDictionary(n => n, _ => new[] { "This value is required." });
        }
        // A syntax error comes from the reader (an internal JsonReaderException): the body as a whole is to blame.
        if (json.InnerException?.GetType().Name == "JsonReaderException")
        {
            return new() { ["body"] = [$"is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})."] };
        }
        var at = json.Path is null or "$" ? "" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path[1..];
        if (json is InvalidFieldException invalid)
        {
            return new() { [at.Length == 0 ? invalid.Field : $"{at}.{invalid.Field}"] = [message] };
        }
        var field = at.Length == 0 ? "body" : at;
        var explained = message.Contains("doesn't allow setting null values", StringComparison.Ordinal) ? JsonInput.NullMessage
            : "has the wrong type or format.";
        return new() { [field] = [explained] };
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*?) ?(?<name>\w+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "[^"]*? ?(?<name>\w+)" was not provided from (?<source>\w+)""")]
    private static partial Regex NotProvided();

    [GeneratedRegex("missing required properties including: (?<names>.*)\\.$")]
    private static partial Regex MissingProperties();
}
