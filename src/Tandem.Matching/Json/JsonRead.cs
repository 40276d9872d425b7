using System.Text.Json;

namespace Tandem.Matching;

/// <summary>A participant as read from a problem document.</summary>
internal sealed record ParsedParticipant(string Id, int Capacity, Participant Features, string[]? Preferences, string Path);

/// <summary>Strict readers for the pieces of a problem document; each error names its JSON path.</summary>
internal static class JsonRead
{
    private static readonly string[] ParticipantProperties = ["id", "capacity", "values", "availability", "numbers", "preferences"];
    private static readonly string[] CriterionProperties = ["name", "kind", "weight", "required", "field", "menteeField", "mentorField", "minimum", "maximum"];

    public static void NoUnknownProperties(JsonElement obj, string path, string[] known)
    {
        foreach (var p in obj.EnumerateObject())
            if (!known.Contains(p.Name))
                throw new MatchingProblemException(Join(path, p.Name), $"unknown property (expected one of: {string.Join(", ", known)})");
    }

    public static void NoUnknownProperties(ProblemDocument doc, string[] known)
    {
        foreach (var name in doc.Names)
            if (!known.Contains(name))
                throw new MatchingProblemException(name, $"unknown property (expected one of: {string.Join(", ", known)})");
    }

    private static string Join(string path, string name) => string.IsNullOrEmpty(path) ? name : $"{path}.{name}";

    public static JsonElement Array(ProblemDocument root, string name, bool required)
    {
        if (!root.TryGetProperty(name, out var el))
        {
            if (required) throw new MatchingProblemException(name, "required array is missing");
            return default;
        }
        if (el.ValueKind != JsonValueKind.Array) throw new MatchingProblemException(name, "must be an array");
        return el;
    }

    public static List<ParsedParticipant> Participants(ProblemDocument root, string name, bool withCapacity, bool withPreferences)
    {
        var arr = Array(root, name, required: true);
        var list = new List<ParsedParticipant>();
        var k = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var path = $"{name}[{k++}]";
            if (el.ValueKind != JsonValueKind.Object) throw new MatchingProblemException(path, "must be an object");
            NoUnknownProperties(el, path, ParticipantProperties);
            var id = RequiredString(el, path, "id");
            var capacity = 1;
            if (el.TryGetProperty("capacity", out var cap))
            {
                if (!withCapacity) throw new MatchingProblemException($"{path}.capacity", "only mentors have a capacity");
                if (cap.ValueKind != JsonValueKind.Number || !cap.TryGetInt32(out capacity) || capacity < 0)
                    throw new MatchingProblemException($"{path}.capacity", "must be a whole number of at least 0");
            }
            Dictionary<string, IReadOnlyList<string>>? values = null;
            if (el.TryGetProperty("values", out var vals))
            {
                if (vals.ValueKind != JsonValueKind.Object) throw new MatchingProblemException($"{path}.values", "must be an object of field: [values]");
                values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var f in vals.EnumerateObject())
                {
                    var fp = $"{path}.values.{f.Name}";
                    values[f.Name] = f.Value.ValueKind switch
                    {
                        JsonValueKind.String => [f.Value.GetString()!],
                        JsonValueKind.Array => f.Value.EnumerateArray().Select((v, x) => v.ValueKind == JsonValueKind.String
                            ? v.GetString()!
                            : throw new MatchingProblemException($"{fp}[{x}]", "must be a string")).ToArray(),
                        _ => throw new MatchingProblemException(fp, "must be a string or an array of strings"),
                    };
                }
            }
            List<int>? slots = null;
            if (el.TryGetProperty("availability", out var av))
            {
                if (av.ValueKind != JsonValueKind.Array) throw new MatchingProblemException($"{path}.availability", "must be an array like [\"Tue 16-18\", \"Thu 17\"]");
                slots = new List<int>();
                var x = 0;
                foreach (var s in av.EnumerateArray())
                {
                    var sp = $"{path}.availability[{x++}]";
                    if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var slot) && slot is >= 0 and < WeeklySlots.Count) slots.Add(slot);
                    else if (s.ValueKind == JsonValueKind.String && WeeklySlots.TryParse(s.GetString()!, out var parsed)) slots.AddRange(parsed);
                    else throw new MatchingProblemException(sp, "must be \"Day HH\" or \"Day HH-HH\" (e.g. \"Tue 16-18\") or a slot number 0–167");
                }
            }
            Dictionary<string, double>? numbers = null;
            if (el.TryGetProperty("numbers", out var nums))
            {
                if (nums.ValueKind != JsonValueKind.Object) throw new MatchingProblemException($"{path}.numbers", "must be an object of field: number");
                numbers = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var f in nums.EnumerateObject())
                {
                    if (f.Value.ValueKind != JsonValueKind.Number || !f.Value.TryGetDouble(out var d) || !double.IsFinite(d))
                        throw new MatchingProblemException($"{path}.numbers.{f.Name}", "must be a number");
                    numbers[f.Name] = d;
                }
            }
            string[]? prefs = null;
            if (el.TryGetProperty("preferences", out var pr))
            {
                if (!withPreferences) throw new MatchingProblemException($"{path}.preferences", "preferences are only read with the \"stable\" objective");
                if (pr.ValueKind != JsonValueKind.Array) throw new MatchingProblemException($"{path}.preferences", "must be an array of ids, most preferred first");
                prefs = pr.EnumerateArray().Select((v, x) => v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : throw new MatchingProblemException($"{path}.preferences[{x}]", "must be an id (string)")).ToArray();
            }
            list.Add(new ParsedParticipant(id, capacity, new Participant(id, values, slots, numbers), prefs, path));
        }
        return list;
    }

    public static Dictionary<string, int> IndexById(List<ParsedParticipant> ps, string name)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ps.Count; i++)
            if (!index.TryAdd(ps[i].Id, i)) throw new MatchingProblemException($"{name}[{i}].id", $"duplicate id '{ps[i].Id}'");
        return index;
    }

    public static string RequiredString(JsonElement el, string path, string name)
    {
        if (!el.TryGetProperty(name, out var v)) throw new MatchingProblemException(Join(path, name), "required");
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
            throw new MatchingProblemException(Join(path, name), "must be a non-empty string");
        return v.GetString()!;
    }

    private static int Ref(JsonElement el, string path, string name, Dictionary<string, int> index, string what)
    {
        var id = RequiredString(el, path, name);
        return index.TryGetValue(id, out var i) ? i : throw new MatchingProblemException(Join(path, name), $"unknown {what} '{id}'");
    }

    public static long Integer(JsonElement el, string path, string name, long min, long max)
    {
        if (!el.TryGetProperty(name, out var v)) throw new MatchingProblemException(Join(path, name), "required");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var x))
            throw new MatchingProblemException(Join(path, name), "must be a whole number");
        if (x < min || x > max) throw new MatchingProblemException(Join(path, name), $"must be between {min} and {max}");
        return x;
    }

    public static List<MenteeMentor> PairRefs(ProblemDocument root, string name, Dictionary<string, int> mentees, Dictionary<string, int> mentors)
    {
        var list = new List<MenteeMentor>();
        var arr = Array(root, name, required: false);
        if (arr.ValueKind != JsonValueKind.Array) return list;
        var k = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var path = $"{name}[{k++}]";
            if (el.ValueKind != JsonValueKind.Object) throw new MatchingProblemException(path, "must be an object {\"mentee\", \"mentor\"}");
            NoUnknownProperties(el, path, ["mentee", "mentor"]);
            list.Add(new MenteeMentor(Ref(el, path, "mentee", mentees, "mentee"), Ref(el, path, "mentor", mentors, "mentor")));
        }
        return list;
    }

    public static List<Criterion> Criteria(JsonElement arr, bool peer = false)
    {
        if (arr.ValueKind != JsonValueKind.Array) throw new MatchingProblemException("criteria", "must be an array");
        var list = new List<Criterion>();
        var k = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var path = $"criteria[{k++}]";
            if (el.ValueKind != JsonValueKind.Object) throw new MatchingProblemException(path, "must be an object");
            NoUnknownProperties(el, path, CriterionProperties);
            var kindText = RequiredString(el, path, "kind");
            var kind = kindText switch
            {
                "shared" => CriterionKind.SharedValues,
                "availability" => CriterionKind.AvailabilityOverlap,
                "same" => CriterionKind.SameValue,
                "different" => CriterionKind.DifferentValue,
                "gap" => CriterionKind.NumericGap,
                _ => throw new MatchingProblemException($"{path}.kind", "must be one of \"shared\", \"availability\", \"same\", \"different\", \"gap\""),
            };
            string? field = el.TryGetProperty("field", out _) ? RequiredString(el, path, "field") : null;
            string? menteeField = el.TryGetProperty("menteeField", out _) ? RequiredString(el, path, "menteeField") : field;
            string? mentorField = el.TryGetProperty("mentorField", out _) ? RequiredString(el, path, "mentorField") : field;
            if (kind != CriterionKind.AvailabilityOverlap && (menteeField is null || mentorField is null))
                throw new MatchingProblemException($"{path}.field", peer
                    ? "required (or both \"menteeField\" for what a person seeks and \"mentorField\" for what the other offers)"
                    : "required (or both \"menteeField\" and \"mentorField\")");
            var name = el.TryGetProperty("name", out _) ? RequiredString(el, path, "name") : field ?? kindText;
            var weight = el.TryGetProperty("weight", out _) ? (int)Integer(el, path, "weight", -1_000_000, 1_000_000) : 1;
            var required = false;
            if (el.TryGetProperty("required", out var req))
            {
                if (req.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new MatchingProblemException($"{path}.required", "must be true or false");
                required = req.GetBoolean();
            }
            double? minimum = null, maximum = null;
            if (el.TryGetProperty("minimum", out var mn))
            {
                if (mn.ValueKind != JsonValueKind.Number) throw new MatchingProblemException($"{path}.minimum", "must be a number");
                minimum = mn.GetDouble();
                if (kind is CriterionKind.SharedValues or CriterionKind.AvailabilityOverlap && (minimum < 0 || minimum != Math.Floor(minimum.Value) || minimum > 1_000_000))
                    throw new MatchingProblemException($"{path}.minimum", "must be a whole number of at least 0");
                if (kind is CriterionKind.SameValue or CriterionKind.DifferentValue)
                    throw new MatchingProblemException($"{path}.minimum", $"not used by \"{kindText}\" criteria");
            }
            if (el.TryGetProperty("maximum", out var mx))
            {
                if (kind != CriterionKind.NumericGap) throw new MatchingProblemException($"{path}.maximum", "only \"gap\" criteria have a maximum");
                if (mx.ValueKind != JsonValueKind.Number) throw new MatchingProblemException($"{path}.maximum", "must be a number");
                maximum = mx.GetDouble();
                if (minimum is { } lo && lo > maximum) throw new MatchingProblemException($"{path}.maximum", "must not be below minimum");
            }
            list.Add(new Criterion(name, kind, weight, required, menteeField, mentorField, minimum, maximum));
        }
        return list;
    }

    public static FeatureScorer Scorer(List<Criterion> criteria, List<ParsedParticipant> mentees, List<ParsedParticipant> mentors)
    {
        try
        {
            return new FeatureScorer(criteria, mentees.Select(p => p.Features).ToList(), mentors.Select(p => p.Features).ToList());
        }
        catch (ArgumentException e)
        {
            throw new MatchingProblemException("criteria", e.Message);
        }
    }
}
