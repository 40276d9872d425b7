using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// A query or route value that does not parse, for an optional parameter. The request delegates are generated at build
/// time (ADR 78), and for an optional parameter (<c>int page = 1</c>, <c>ProgramStatus? status</c>) the generated code
/// (SDK 10.0.401) sets a 400 without saying which value failed, where for a required one it reports the value and
/// <see cref="BadRequestProblems"/> names it. These two pieces give the optional ones the same answer.
/// </summary>
public static class UnreadValues
{
    /// <summary>
    /// For a 400 the endpoint answered without a body: names the first parameter read from text whose value does not
    /// parse (the endpoint's parameter metadata says which are), in the words used for a required one.
    /// </summary>
    public static void NameUnreadValue(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status400BadRequest
            || problem is HttpValidationProblemDetails || problem.Extensions.ContainsKey("errors")
            || context.HttpContext.GetEndpoint() is not { } endpoint)
        {
            return;
        }
        var request = context.HttpContext.Request;
        foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            if (!parameter.HasTryParse || parameter.HasBindAsync)
            {
                continue;
            }
            var values = request.RouteValues.TryGetValue(parameter.Name, out var routeValue) && routeValue is string fromRoute
                ? new Microsoft.Extensions.Primitives.StringValues(fromRoute)
                : request.Query[parameter.Name];
            var type = parameter.ParameterInfo.ParameterType;
            var element = type.IsArray ? type.GetElementType()! : type;
            var plain = Nullable.GetUnderlyingType(element) ?? element;
            var unread = values.FirstOrDefault(v => !string.IsNullOrEmpty(v) && !Parses(plain, v));
            if (unread is not null)
            {
                var (title, errors) = BadRequestProblems.Unread(parameter.Name, unread, (Keywords.GetValueOrDefault(plain) ?? plain.Name) + (plain != element ? "?" : ""));
                problem.Title = title;
                problem.Extensions["errors"] = errors;
                problem.Detail = BadRequestProblems.DetailOf(title, errors);
                return;
            }
        }
    }

    /// <summary>
    /// Lets no filter run on the defaults that stand in for a value that did not parse: the generated code still calls an
    /// endpoint's filters after setting the 400 (the paging check would answer "page starts at 1." for <c>page=two</c>).
    /// Set first on the group every feature maps into, so it runs before every other filter; the 400 then goes out empty
    /// and <see cref="NameUnreadValue"/> names the value.
    /// </summary>
    public static TBuilder StopAtUnreadValues<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((invocation, next) => invocation.HttpContext.Response.StatusCode == StatusCodes.Status400BadRequest
            ? ValueTask.FromResult<object?>(Results.Empty)
            : next(invocation));

    /// <summary>Whether the text parses as the generated code parses it: an enum by name or number, anything else by its <c>TryParse</c> with the invariant culture.</summary>
    private static bool Parses(Type type, string text)
    {
        if (type == typeof(string))
        {
            return true;
        }
        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: false, out _);
        }
        var withCulture = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static,
            [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        if (withCulture is not null)
        {
            return (bool)withCulture.Invoke(null, [text, CultureInfo.InvariantCulture, null])!;
        }
        var plain = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
        return plain is null || (bool)plain.Invoke(null, [text, null])!;
    }

    /// <summary>The C# names the run-time binder's messages use for these types.</summary>
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(int)] = "int", [typeof(long)] = "long", [typeof(short)] = "short", [typeof(byte)] = "byte", [typeof(bool)] = "bool",
        [typeof(decimal)] = "decimal", [typeof(double)] = "double", [typeof(float)] = "float",
    };
}
