using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Tandem.Infrastructure.Problems;

/// <summary>
/// What every API operation says about itself in the OpenAPI document, set once on the group every feature maps
/// into: a summary (the endpoint's verb-noun name in words, unless it sets its own) and the ProblemDetails answers
/// the shared pipeline and the use cases can give it (docs/security.md, "No 500 from input").
/// </summary>
public static partial class OperationDescriptions
{
    public static TBuilder DescribeOperations<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(Describe);
        return builder;
    }

    /// <summary>"ListMyRelationships" in words: "List my relationships".</summary>
    public static string Summary(string endpointName)
    {
        var words = Words().Matches(endpointName).Select(m => m.Value).ToList();
        return string.Join(' ', words.Select((w, i) => i == 0 || w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant()));
    }

    /// <summary>The problems an operation can answer, with why; the OpenAPI document lists each with its status.</summary>
    public static IEnumerable<int> ProblemStatuses(string method, RoutePattern route, IReadOnlyList<object> metadata)
    {
        yield return StatusCodes.Status400BadRequest; // a route value, query value or body the app refuses
        var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (signedIn)
        {
            yield return StatusCodes.Status401Unauthorized;
            yield return StatusCodes.Status403Forbidden;
        }
        if (route.Parameters.Count > 0)
        {
            yield return StatusCodes.Status404NotFound; // not there, or not visible to the caller
        }
        if (method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            yield return StatusCodes.Status409Conflict; // the object's state does not allow it
            yield return StatusCodes.Status415UnsupportedMediaType; // a cookie-authenticated form post without antiforgery
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            yield return StatusCodes.Status429TooManyRequests;
        }
        yield return StatusCodes.Status503ServiceUnavailable; // the database cannot be reached
    }

    private static void Describe(EndpointBuilder endpoint)
    {
        if (endpoint is not RouteEndpointBuilder route || route.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) != true)
        {
            return;
        }
        var metadata = endpoint.Metadata;
        if (!metadata.OfType<IEndpointSummaryMetadata>().Any() && metadata.OfType<IEndpointNameMetadata>().LastOrDefault() is { } name)
        {
            metadata.Add(new EndpointSummaryAttribute(Summary(name.EndpointName)));
        }
        var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(p => p.StatusCode).ToHashSet();
        var method = metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods.FirstOrDefault() ?? "GET";
        foreach (var status in ProblemStatuses(method, route.RoutePattern, metadata.ToList()).Where(s => !declared.Contains(s)))
        {
            metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }
    }

    [GeneratedRegex("[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")]
    private static partial Regex Words();
}
