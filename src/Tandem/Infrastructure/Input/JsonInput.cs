using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// How the API reads request bodies, for every endpoint at once (docs/security.md, "No 500 from input").
/// Enums are read by name only, and a constructor parameter without a default must be present. Then each
/// object read from a body is checked as a whole (<see cref="Check"/>): no NUL character in any string
/// (PostgreSQL cannot store one, so it is refused here on either database), dictionary keys and free-form
/// answers included; no <c>null</c> where the request type does not declare a nullable value; no null item
/// in a list. What does not fit is a 400 ProblemDetails naming the field (<see cref="BadRequestProblems"/>)
/// before any handler runs. The checks run after reading rather than in converters, so the OpenAPI document
/// still describes every type exactly, and responses are written as before.
/// </summary>
public static class JsonInput
{
    public const string NulMessage = "must not contain the NUL character (U+0000).";
    public const string NullMessage = "must not be null.";
    public const string NullItemMessage = "must not hold null items.";

    public static IServiceCollection AddTandemInput(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        // Binding failures throw instead of ending in an empty 400, so that BadRequestProblems can say what was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        return services;
    }

    /// <summary>
    /// One converter and one resolver for every host in the process. System.Text.Json shares what it learns about each type
    /// (its contract, and the accessors it compiles) between options that are equal, and options are equal only when they hold
    /// the same converter and resolver instances: made anew per host, each app started in the same process (every test
    /// class starts its own) worked out every request and response type again (docs/benchmarks.md, "Test suite").
    /// </summary>
    private static readonly JsonStringEnumConverter EnumNames = new(allowIntegerValues: false);
    private static readonly IJsonTypeInfoResolver CheckedReflection = new DefaultJsonTypeInfoResolver().WithAddedModifier(CheckAfterReading);

    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(EnumNames);
        options.RespectRequiredConstructorParameters = true;
        options.TypeInfoResolver = options.TypeInfoResolver is null || options.TypeInfoResolver is DefaultJsonTypeInfoResolver { Modifiers.Count: 0 } plain && plain.GetType() == typeof(DefaultJsonTypeInfoResolver)
            ? CheckedReflection
            : options.TypeInfoResolver.WithAddedModifier(CheckAfterReading);
    }

    private static void CheckAfterReading(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || type.Type.Namespace?.StartsWith("Tandem", StringComparison.Ordinal) != true)
        {
            return;
        }
        var nullability = new NullabilityInfoContext();
        var rules = type.Properties
            .Where(p => p.Get is not null)
            .Select(p => new FieldRule(p.Name, p.Get!, NotNull(nullability, p), ItemsNotNull(p.PropertyType)))
            .ToArray();
        var before = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            before?.Invoke(value);
            Check(value, rules);
        };
    }

    private sealed record FieldRule(string Name, Func<object, object?> Get, bool NotNull, bool ItemsNotNull);

    private static void Check(object target, FieldRule[] rules)
    {
        foreach (var rule in rules)
        {
            var value = rule.Get(target);
            if (value is null)
            {
                if (rule.NotNull)
                {
                    throw new InvalidFieldException(rule.Name, NullMessage);
                }
                continue;
            }
            if (FirstProblem(value, rule.ItemsNotNull) is { } problem)
            {
                throw new InvalidFieldException(rule.Name + problem.Path, problem.Message);
            }
        }
    }

    /// <summary>Where below the value a NUL or a null item is, as a path relative to it (".key", "[2]"), and what is wrong.</summary>
    private static (string Path, string Message)? FirstProblem(object value, bool itemsNotNull)
    {
        switch (value)
        {
            case string text:
                return text.Contains('\0') ? ("", NulMessage) : null;
            case JsonElement element:
                return FirstNul(element, "");
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var path = $".{entry.Key}";
                    if (entry.Key is string key && key.Contains('\0'))
                    {
                        return (path, NulMessage);
                    }
                    if (entry.Value is not null && FirstProblem(entry.Value, false) is { } inner)
                    {
                        return (path + inner.Path, inner.Message);
                    }
                }
                return null;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        if (itemsNotNull)
                        {
                            return ($"[{index}]", NullItemMessage);
                        }
                    }
                    else if (FirstProblem(item, false) is { } inner)
                    {
                        return ($"[{index}]" + inner.Path, inner.Message);
                    }
                    index++;
                }
                return null;
            default:
                return null; // Objects of the app's own types are checked when they are read.
        }
    }

    private static (string Path, string Message)? FirstNul(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains('\0') ? (path, NulMessage) : null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstNul(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains('\0'))
                    {
                        return ($"{path}.{property.Name}", NulMessage);
                    }
                    if (FirstNul(property.Value, $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Whether the property (or the constructor parameter it is read through) is declared without <c>?</c>.</summary>
    private static bool NotNull(NullabilityInfoContext context, JsonPropertyInfo property)
    {
        if (property.PropertyType.IsValueType)
        {
            return false;
        }
        var state = property.AttributeProvider switch
        {
            PropertyInfo p => context.Create(p).WriteState is var write && write != NullabilityState.Unknown ? write : context.Create(p).ReadState,
            FieldInfo f => context.Create(f).WriteState,
            _ => NullabilityState.Unknown,
        };
        return state == NullabilityState.NotNull;
    }

    private static bool ItemsNotNull(Type type)
    {
        if (type == typeof(string) || typeof(IDictionary).IsAssignableFrom(type))
        {
            return false;
        }
        var item = type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        // Type arguments carry no nullability at run time: no request of the app means a list to hold nulls.
        return item is not null && !item.IsValueType;
    }
}

/// <summary>A value read from a body breaks one of <see cref="JsonInput"/>'s rules; the field is relative to the object being read.</summary>
public sealed class InvalidFieldException(string field, string message) : JsonException(message)
{
    public string Field { get; } = field;
}
