using System.Text.Json;

namespace Tandem.Matching;

/// <summary>
/// The top level of a problem document, read in one pass with <see cref="Utf8JsonReader"/>. Small
/// properties (participants, criteria, locks) become <see cref="JsonElement"/>s for the strict
/// readers in <see cref="JsonRead"/>; the explicit <c>pairs</c> list, which is nearly all of a large
/// file, is streamed by <see cref="PairReader"/> straight into arrays when the mentors and mentees
/// come before it (as in the documented layout), and otherwise read from its offset once they are known.
/// </summary>
internal sealed class ProblemDocument
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 };

    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private long _pairsAt = -1;
    private PairColumns? _streamed;

    private ProblemDocument(ProblemText text) => Text = text;

    public ProblemText Text { get; }

    /// <summary>Top-level property names, in document order.</summary>
    public IReadOnlyList<string> Names => _names;

    public bool HasPairs => _pairsAt >= 0;

    /// <summary>Reads the top level; syntax errors become <see cref="MatchingProblemException"/>s with line and column.</summary>
    public static ProblemDocument Read(ReadOnlyMemory<byte> utf8)
    {
        var doc = new ProblemDocument(new ProblemText(utf8));
        var reader = new Utf8JsonReader(utf8.Span, Options);
        try
        {
            if (!reader.Read()) throw new MatchingProblemException("", "not valid JSON (the document is empty)");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                throw new MatchingProblemException("", "the problem must be a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (doc._names.Contains(name)) throw doc.Text.Error(name, "appears twice", reader.TokenStartIndex);
                doc._names.Add(name);
                reader.Read();
                if (name == "pairs")
                {
                    doc._pairsAt = reader.TokenStartIndex;
                    if (doc.IdsBeforePairs() is var (mentees, mentors)) doc._streamed = PairReader.Read(ref reader, doc.Text, 0, mentees, mentors);
                    else reader.Skip();
                }
                else
                {
                    doc._properties[name] = JsonElement.ParseValue(ref reader);
                }
            }
            // Anything but white space or comments after the object is an error the reader reports here.
            reader.Read();
        }
        catch (JsonException e)
        {
            throw doc.Text.Syntax(e, 0);
        }
        return doc;
    }

    /// <summary>A top-level property other than <c>pairs</c>'s streamed form; <c>pairs</c> itself is parsed as an element on request (peer problems).</summary>
    public bool TryGetProperty(string name, out JsonElement value)
    {
        if (name == "pairs" && HasPairs)
        {
            if (!_properties.TryGetValue(name, out value))
            {
                var reader = Reader(_pairsAt);
                value = JsonElement.ParseValue(ref reader);
                _properties[name] = value;
            }
            return true;
        }
        return _properties.TryGetValue(name, out value);
    }

    /// <summary>The mentors-and-mentees <c>pairs</c> list: as streamed during the first pass, or read now from its offset.</summary>
    public PairColumns BipartitePairs(IdIndex mentees, IdIndex mentors)
    {
        if (_streamed is not null) return _streamed;
        var reader = Reader(_pairsAt);
        return PairReader.Read(ref reader, Text, _pairsAt, mentees, mentors);
    }

    private Utf8JsonReader Reader(long at)
    {
        // The text was already read through once, so it is well-formed here.
        var reader = new Utf8JsonReader(Text.Utf8.Span[(int)at..], Options);
        reader.Read();
        return reader;
    }

    /// <summary>The ids of mentors and mentees when both arrays came before <c>pairs</c> (and no peer <c>people</c>).</summary>
    private (IdIndex Mentees, IdIndex Mentors)? IdsBeforePairs()
    {
        if (_properties.ContainsKey("people")
            || !_properties.TryGetValue("mentees", out var mentees) || mentees.ValueKind != JsonValueKind.Array
            || !_properties.TryGetValue("mentors", out var mentors) || mentors.ValueKind != JsonValueKind.Array)
            return null;
        return (new IdIndex(Ids(mentees)), new IdIndex(Ids(mentors)));
    }

    /// <summary>Ids by position; a malformed participant gets null here and its error from <see cref="JsonRead.Participants"/>.</summary>
    private static List<string?> Ids(JsonElement participants)
    {
        var ids = new List<string?>(participants.GetArrayLength());
        foreach (var p in participants.EnumerateArray())
            ids.Add(p.ValueKind == JsonValueKind.Object && p.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
        return ids;
    }
}
