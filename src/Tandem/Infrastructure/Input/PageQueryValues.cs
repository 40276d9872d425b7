using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// A page reads its query values into typed properties (<c>[SupplyParameterFromQuery] int? PageNumber</c>), and Blazor
/// throws, a 500, when one does not parse: <c>/?programs=abc</c>, <c>/notifications?unread=maybe</c>, a mistyped or cut
/// shared link. Before the page runs, a value its property cannot hold is dropped, so the page shows its default (the
/// first page, no filter) as it does when the value is left out: a GET is redirected to the address without it, so an
/// interactive page, which reads the browser's address again, reads the same; other methods have it removed in place.
/// The API is not concerned: its parameters are bound by the minimal APIs, which answer 400.
/// </summary>
public static class PageQueryValues
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> Typed = new();

    public static IApplicationBuilder UsePageQueryValueGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.QueryString.HasValue
            && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is { } page
            && TypedOf(page.Type) is { Count: > 0 } typed
            && request.Query.Where(q => typed.TryGetValue(q.Key, out var type) && q.Value.Any(v => !Reads(type, v))).Select(q => q.Key).ToList() is { Count: > 0 } unreadable)
        {
            var kept = QueryString.Create(request.Query.Where(q => !unreadable.Contains(q.Key)));
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                context.Response.Redirect(request.PathBase + request.Path + kept);
                return;
            }
            request.QueryString = kept;
        }
        await next(context);
    });

    /// <summary>The page's typed query properties by query name (case-insensitive, as Blazor matches them); strings take anything.</summary>
    private static IReadOnlyDictionary<string, Type> TypedOf(Type component) => Typed.GetOrAdd(component, static type =>
    {
        var found = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        for (var t = type; t is not null && t != typeof(ComponentBase); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (property.GetCustomAttribute<SupplyParameterFromQueryAttribute>() is { } query && property.PropertyType != typeof(string))
                {
                    found.TryAdd(query.Name ?? property.Name, property.PropertyType);
                }
            }
        }
        return found;
    });

    /// <summary>Whether Blazor's query binding reads <paramref name="value"/> as <paramref name="type"/> (invariant culture; empty is null for a nullable).</summary>
    internal static bool Reads(Type type, string? value)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (string.IsNullOrEmpty(value))
        {
            return underlying is not null;
        }
        var target = underlying ?? type;
        var invariant = CultureInfo.InvariantCulture;
        return target == typeof(int) ? int.TryParse(value, NumberStyles.Integer, invariant, out _)
            : target == typeof(long) ? long.TryParse(value, NumberStyles.Integer, invariant, out _)
            : target == typeof(bool) ? bool.TryParse(value, out _)
            : target == typeof(Guid) ? Guid.TryParse(value, out _)
            : target == typeof(double) ? double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, invariant, out _)
            : target == typeof(decimal) ? decimal.TryParse(value, NumberStyles.Number, invariant, out _)
            : target == typeof(DateTime) ? DateTime.TryParse(value, invariant, DateTimeStyles.None, out _)
            : target == typeof(DateOnly) ? DateOnly.TryParse(value, invariant, DateTimeStyles.None, out _)
            : target.IsEnum ? Enum.TryParse(target, value, ignoreCase: true, out _)
            : true;
    }
}
