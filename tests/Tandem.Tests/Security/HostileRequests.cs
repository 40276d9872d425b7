using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Tests.Security;

/// <summary>One request of the bad-input sweep, with a line saying what it tries.</summary>
public sealed record Probe(string Method, string Url, Func<HttpContent?> Content, string What);

/// <summary>An operation of the app's OpenAPI document: what the sweep needs to call it well and badly.</summary>
public sealed record ApiOperation(string Method, string Template, IReadOnlyList<ApiParameter> Parameters, JsonObject? JsonBody, bool TakesBody)
{
    public override string ToString() => $"{Method} {Template}";
}

public sealed record ApiParameter(string Name, string In, JsonObject Schema);

/// <summary>
/// Reads the OpenAPI document and makes hostile requests for each operation: NUL characters and
/// extreme numbers in every query parameter, unparseable route values, and bodies that are missing,
/// malformed, of the wrong type, null where an array or object belongs, or hold NUL, lone surrogates
/// and huge strings in every text field. A sample body built from the schema is the starting point,
/// so that one bad field at a time travels as far into the app as it can.
/// </summary>
public sealed class HostileRequests(JsonObject document, IReadOnlyDictionary<string, string> routeValues, Func<string, Guid?> idFor)
{
    private const string Nul = "a\u0000b";
    private static readonly string[] IntegerValues = ["2147483647", "-2147483648", "2147483648", "0", "-1", "1.5", "abc", "99999999999999999999"];
    private static readonly string[] EnumValues = ["Bogus", "99", "-1", ""];
    // No %00: the host refuses a NUL in the path before the app sees it (Kestrel with an empty 400, the test server by throwing).
    private static readonly string[] RouteValues = ["not-a-guid", "%01", "-1", "2147483648", "%C0%80", "%FF%FE", "..%2F..%2Fetc", "%25", new('r', 2000)];

    private JsonObject Schemas => document["components"]!["schemas"]!.AsObject();

    public IReadOnlyList<ApiOperation> Operations()
    {
        var operations = new List<ApiOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                var operation = node!.AsObject();
                var parameters = (operation["parameters"]?.AsArray() ?? [])
                    .Select(p => new ApiParameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), Resolve(p["schema"]!.AsObject())))
                    .ToList();
                var json = operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject();
                operations.Add(new ApiOperation(method.ToUpperInvariant(), template, parameters, json is null ? null : Resolve(json),
                    operation["requestBody"] is not null || method is "post" or "put"));
            }
        }
        return operations;
    }

    /// <summary>Every hostile request for the operation; <paramref name="full"/> false gives a few of each kind (enough for callers who are refused before anything is read).</summary>
    public IEnumerable<Probe> For(ApiOperation op, bool full)
    {
        var goodPath = Path(op, null, null);
        var goodBody = op.JsonBody is null ? null : Sample(op.JsonBody, "", 0);
        Func<HttpContent?> good = op.JsonBody is not null ? () => Json(goodBody!.ToJsonString())
            : op.TakesBody ? () => Json("{}") : () => null;

        yield return new Probe(op.Method, goodPath, good, "a plausible request");

        foreach (var parameter in op.Parameters.Where(p => p.In == "path"))
        {
            foreach (var value in full ? RouteValues : RouteValues.Take(2))
            {
                yield return new Probe(op.Method, Path(op, parameter.Name, value), good, $"route value {parameter.Name}={Shorten(value)}");
            }
        }

        foreach (var parameter in op.Parameters.Where(p => p.In == "query"))
        {
            foreach (var value in QueryValues(parameter.Schema).Take(full ? int.MaxValue : 2))
            {
                yield return new Probe(op.Method, $"{goodPath}?{parameter.Name}={value}", good, $"query {parameter.Name}={Shorten(value)}");
            }
        }
        if (op.Parameters.Any(p => p.Name == "page") && op.Parameters.Any(p => p.Name == "pageSize"))
        {
            foreach (var (page, size) in new[] { ("2147483647", "100"), ("2147483647", "1"), ("1073741824", "50"), ("2147483647", "2147483647") })
            {
                yield return new Probe(op.Method, $"{goodPath}?page={page}&pageSize={size}", good, $"page={page}&pageSize={size}");
            }
        }

        if (!op.TakesBody)
        {
            yield break;
        }
        foreach (var (content, what) in RawBodies(full))
        {
            yield return new Probe(op.Method, goodPath, content, what);
        }
        if (goodBody is null)
        {
            yield break;
        }
        yield return new Probe(op.Method, goodPath, () => Json(Rewrite(goodBody, _ => JsonValue.Create(Nul)).ToJsonString()), "NUL in every string field");
        if (!full)
        {
            yield break;
        }
        yield return new Probe(op.Method, goodPath, () => Json(Rewrite(goodBody, _ => JsonValue.Create(new string('z', 100_000))).ToJsonString()), "100,000 characters in every string field");
        yield return new Probe(op.Method, goodPath, () => Json(Rewrite(goodBody, _ => JsonValue.Create("lone-surrogate")).ToJsonString().Replace("lone-surrogate", "\\uD800")), "a lone surrogate in every string field");
        foreach (var (path, kind) in Slots(goodBody, ""))
        {
            yield return new Probe(op.Method, goodPath, () => Json(Replace(goodBody, path, null).ToJsonString()), $"{path} = null");
            yield return new Probe(op.Method, goodPath, () => Json(Replace(goodBody, path, WrongType(kind)).ToJsonString()), $"{path} of the wrong type");
            if (kind is "string")
            {
                yield return new Probe(op.Method, goodPath, () => Json(Replace(goodBody, path, JsonValue.Create(Nul)).ToJsonString()), $"{path} holds NUL");
            }
            if (kind is "integer" or "number")
            {
                yield return new Probe(op.Method, goodPath, () => Json(Replace(goodBody, path, JsonValue.Create(2147483648L)).ToJsonString()), $"{path} = 2147483648");
                yield return new Probe(op.Method, goodPath, () => Json(Replace(goodBody, path, JsonValue.Create(-2147483648L)).ToJsonString()), $"{path} = -2147483648");
            }
        }
    }

    private static IEnumerable<(Func<HttpContent?> Content, string What)> RawBodies(bool full)
    {
        yield return (() => null, "no body");
        yield return (() => Json("{"), "malformed JSON");
        if (!full)
        {
            yield break;
        }
        yield return (() => Json(""), "an empty JSON body");
        yield return (() => Json("null"), "the JSON body null");
        yield return (() => Json("[]"), "a JSON array for a body");
        yield return (() => Json("\"text\""), "a JSON string for a body");
        yield return (() => Json("{\"a\":\"\\u0000\"}"), "an unknown field holding NUL");
        yield return (() => new StringContent("name,email\nA\u0000,a@b.example", Encoding.UTF8, "text/plain"), "text/plain");
        yield return (() => new StringContent("<a/>", Encoding.UTF8, "application/xml"), "application/xml");
        yield return (() => new StringContent("email,role\n\u0000,\u0000\n", Encoding.UTF8, "text/csv"), "CSV with NUL");
        yield return (() => new ByteArrayContent([0xFF, 0xFE, 0x00, 0xD8, 0x7B]) { Headers = { { "Content-Type", "application/json" } } }, "bytes that are not UTF-8");
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private IEnumerable<string> QueryValues(JsonObject schema)
    {
        yield return "a%00b";
        yield return "%00";
        var type = TypeOf(schema);
        IEnumerable<string> more = schema["enum"] is not null ? EnumValues
            : type is "integer" or "number" ? IntegerValues
            : type is "boolean" ? ["maybe", "2"]
            : schema["format"]?.GetValue<string>() is "date-time" or "date" ? ["not-a-date", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00%2B14:00"]
            : [new string('q', 5000), "%27%20OR%201%3D1%20--", "%EF%BF%BF", "%ED%A0%80"];
        foreach (var value in more)
        {
            yield return value;
        }
    }

    private string Path(ApiOperation op, string? replaced, string? value)
    {
        var path = op.Template;
        foreach (var parameter in op.Parameters.Where(p => p.In == "path"))
        {
            var v = parameter.Name == replaced ? value! : Uri.EscapeDataString(routeValues.GetValueOrDefault(parameter.Name) ?? Guid.NewGuid().ToString());
            path = path.Replace("{" + parameter.Name + "}", v);
        }
        return path;
    }

    private JsonObject Resolve(JsonObject schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Resolve(Schemas[reference.Split('/').Last()]!.AsObject());
        }
        if ((schema["oneOf"] ?? schema["anyOf"])?.AsArray() is { } choices)
        {
            var chosen = choices.Select(c => c!.AsObject()).FirstOrDefault(c => TypeOf(c) != "null") ?? choices[0]!.AsObject();
            return Resolve(chosen);
        }
        return schema;
    }

    private static string TypeOf(JsonObject schema)
    {
        var type = schema["type"];
        if (type is JsonArray types)
        {
            var names = types.Select(t => t!.GetValue<string>()).ToList();
            return new[] { "integer", "number", "boolean", "array", "object", "string" }.FirstOrDefault(names.Contains) ?? "null";
        }
        return type?.GetValue<string>() ?? (schema["properties"] is not null ? "object" : schema["enum"] is not null ? "string" : "any");
    }

    /// <summary>A value the schema accepts, as far as names and formats tell (ids of the sweep's own data where the name says which).</summary>
    private JsonNode? Sample(JsonObject raw, string name, int depth)
    {
        var schema = Resolve(raw);
        if (schema["enum"]?.AsArray() is { Count: > 0 } values)
        {
            return values[0]!.DeepClone();
        }
        var minimum = schema["minimum"]?.GetValue<double>();
        switch (TypeOf(schema))
        {
            case "integer":
                return JsonValue.Create((int)Math.Max(minimum ?? 1, 1));
            case "number":
                return JsonValue.Create(Math.Max(minimum ?? 1, 1));
            case "boolean":
                return JsonValue.Create(true);
            case "array":
                var count = Math.Max(1, schema["minItems"]?.GetValue<int>() ?? 1);
                var items = schema["items"]?.AsObject();
                return depth > 4 || items is null ? new JsonArray()
                    : new JsonArray(Enumerable.Range(0, count).Select(i => Sample(items, Singular(name), depth + 1)).ToArray());
            case "object":
                var result = new JsonObject();
                if (depth > 4)
                {
                    return result;
                }
                foreach (var (key, property) in schema["properties"]?.AsObject() ?? [])
                {
                    result[key] = Sample(property!.AsObject(), key, depth + 1);
                }
                if (schema["additionalProperties"] is JsonObject additional)
                {
                    result["sample"] = Sample(additional, "sample", depth + 1);
                }
                return result;
            default:
                return JsonValue.Create(SampleText(schema, name));
        }
    }

    private string SampleText(JsonObject schema, string name)
    {
        var format = schema["format"]?.GetValue<string>();
        var lower = name.ToLowerInvariant();
        var text = format switch
        {
            "uuid" => (idFor(name) ?? Guid.NewGuid()).ToString(),
            "date" => "2027-03-01",
            "date-time" => "2027-03-01T10:00:00Z",
            _ when lower.Contains("email") => "sweep.someone@test.example",
            _ when lower.Contains("password") => "another horse battery",
            _ when lower.Contains("timezone") => "Europe/London",
            _ when lower.Contains("link") || lower.Contains("url") => "https://meet.example/sweep",
            _ => "Sweep sample",
        };
        var minLength = schema["minLength"]?.GetValue<int>() ?? 0;
        return text.Length >= minLength ? text : text.PadRight(minLength, 's');
    }

    private static string Singular(string name) => name.EndsWith("Ids", StringComparison.Ordinal) ? name[..^1] : name.TrimEnd('s');

    /// <summary>Every property and array item in the sample, with its JSON kind, as "$.a.b[0].c".</summary>
    private static IEnumerable<(string Path, string Kind)> Slots(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childPath = $"{path}.{key}";
                    yield return (childPath, KindOf(child));
                    if (child is not null)
                    {
                        foreach (var slot in Slots(child, childPath))
                        {
                            yield return slot;
                        }
                    }
                }
                break;
            case JsonArray array when array.Count > 0 && array[0] is { } first:
                yield return ($"{path}[0]", KindOf(first));
                foreach (var slot in Slots(first, $"{path}[0]"))
                {
                    yield return slot;
                }
                break;
        }
    }

    private static string KindOf(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "number",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static JsonNode WrongType(string kind) => kind switch
    {
        "string" => JsonValue.Create(12345),
        "number" or "integer" => JsonValue.Create("twelve"),
        "boolean" => JsonValue.Create("yes"),
        "array" => new JsonObject { ["a"] = 1 },
        "object" => new JsonArray(1, 2),
        _ => new JsonArray(),
    };

    private static JsonNode Replace(JsonNode root, string path, JsonNode? value)
    {
        var copy = root.DeepClone();
        var segments = System.Text.RegularExpressions.Regex.Matches(path, @"\.([^.\[]+)|\[(\d+)\]");
        JsonNode current = copy;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            var s = segments[i];
            if (s.Groups[1].Success)
            {
                if (last)
                {
                    current.AsObject()[s.Groups[1].Value] = value;
                    return copy;
                }
                current = current[s.Groups[1].Value]!;
            }
            else
            {
                var index = int.Parse(s.Groups[2].Value);
                if (last)
                {
                    current.AsArray()[index] = value;
                    return copy;
                }
                current = current[index]!;
            }
        }
        return copy;
    }

    /// <summary>A copy of the sample with every string replaced.</summary>
    private static JsonNode Rewrite(JsonNode node, Func<string, JsonNode> text) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Rewrite(p.Value, text)))),
        JsonArray array => new JsonArray(array.Select(i => i is null ? null : Rewrite(i, text)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => text(v.GetValue<string>()),
        _ => node.DeepClone(),
    };

    private static string Shorten(string value) => value.Length > 40 ? $"{value[..12]}…({value.Length} chars)" : value;
}
