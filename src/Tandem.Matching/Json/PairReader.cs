using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Tandem.Matching;

/// <summary>The problem's UTF-8 text, for turning a byte offset into a line and column in error messages.</summary>
internal sealed class ProblemText(ReadOnlyMemory<byte> utf8)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public MatchingProblemException Error(string field, string reason, long offset)
    {
        var (line, column) = Position(offset);
        return new MatchingProblemException(field, reason, line, column);
    }

    /// <summary>Line and byte column (both from 1) of a byte offset; only called on the error path.</summary>
    public (int Line, int Column) Position(long offset)
    {
        var before = Utf8.Span[..(int)Math.Clamp(offset, 0, Utf8.Length)];
        var line = before.Count((byte)'\n') + 1;
        var column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return (line, column);
    }

    /// <summary>A syntax error of a reader that started at <paramref name="readerStart"/>, placed in the whole text.</summary>
    public MatchingProblemException Syntax(JsonException e, long readerStart)
    {
        var message = $"not valid JSON ({e.Message})";
        if (e.LineNumber is not { } l || e.BytePositionInLine is not { } b) return new MatchingProblemException("", message);
        var (line, column) = Position(readerStart);
        return l == 0
            ? new MatchingProblemException("", message, line, column + (int)b)
            : new MatchingProblemException("", message, line + (int)l, (int)b + 1);
    }
}

/// <summary>
/// Mentee, mentor and score of every listed pair, in input order. The arrays are allocated once, at
/// an upper bound of the pair count that the text's length allows, and uninitialised: a fresh process
/// pays a page fault for every 4 KB it touches, so the bound's unused tail costs nothing, growing
/// never copies, and when the pairs come grouped by mentee (as any writer lists them) the mentor and
/// score arrays become the solver's rows as they are.
/// </summary>
internal sealed class PairColumns
{
    /// <summary>The shortest a listed pair can be: <c>{"mentee":"a","mentor":"b","score":0}</c>.</summary>
    private const int ShortestPair = 38;

    /// <summary>Above this bound (1.6 GB of text), the arrays start small and grow instead.</summary>
    private const long LargestBound = 1L << 26;

    private int[] _mentee;
    private int[] _mentor;
    private long[] _score;
    private int[] _rowCount;
    private int _lastMentee;

    /// <summary>Prepares for at most the pairs that <paramref name="textBytes"/> bytes can hold.</summary>
    public PairColumns(int menteeCount, long textBytes)
    {
        var bound = textBytes / ShortestPair + 1;
        var size = (int)(bound <= LargestBound ? bound : 1 << 16);
        _mentee = GC.AllocateUninitializedArray<int>(size);
        _mentor = GC.AllocateUninitializedArray<int>(size);
        _score = GC.AllocateUninitializedArray<long>(size);
        _rowCount = new int[menteeCount + 1];
    }

    public int Count { get; private set; }

    /// <summary>Whether every mentee's pairs came together, mentees in order.</summary>
    public bool Grouped { get; private set; } = true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int mentee, int mentor, long score)
    {
        var k = Count;
        if (k == _mentee.Length) Grow();
        _mentee[k] = mentee;
        _mentor[k] = mentor;
        _score[k] = score;
        _rowCount[mentee + 1]++;
        if (mentee < _lastMentee) Grouped = false;
        _lastMentee = mentee;
        Count = k + 1;
    }

    private void Grow()
    {
        Array.Resize(ref _mentee, _mentee.Length * 2);
        Array.Resize(ref _mentor, _mentor.Length * 2);
        Array.Resize(ref _score, _score.Length * 2);
    }

    public int MenteeAt(int k) => _mentee[k];
    public int MentorAt(int k) => _mentor[k];
    public long ScoreAt(int k) => _score[k];

    /// <summary>Index of the second listing of pair (i, j) in input order (for the error message).</summary>
    public int SecondListing(int i, int j)
    {
        var seen = false;
        for (var k = 0; k < Count; k++)
            if (_mentee[k] == i && _mentor[k] == j)
            {
                if (seen) return k;
                seen = true;
            }
        return -1;
    }

    /// <summary>
    /// The pairs grouped by mentee, leaving out the <paramref name="forbidden"/> ones: these arrays
    /// themselves when the input was grouped and nothing is left out, else a stable counting sort.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ExplicitRows ToRows(int n, int[] caps, HashSet<long>? forbidden)
    {
        var rowStart = new int[n + 1];
        if (forbidden is null && Grouped)
        {
            for (var i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + _rowCount[i + 1];
            return new ExplicitRows(n, caps, rowStart, _mentor, _score);
        }
        for (var k = 0; k < Count; k++)
            if (forbidden is null || !forbidden.Contains(Key(_mentee[k], _mentor[k]))) rowStart[_mentee[k] + 1]++;
        for (var i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];
        var fill = rowStart[..n];
        var mentor = new int[rowStart[n]];
        var score = new long[rowStart[n]];
        for (var k = 0; k < Count; k++)
        {
            var i = _mentee[k];
            if (forbidden is not null && forbidden.Contains(Key(i, _mentor[k]))) continue;
            var at = fill[i]++;
            mentor[at] = _mentor[k];
            score[at] = _score[k];
        }
        return new ExplicitRows(n, caps, rowStart, mentor, score);
    }

    /// <summary>The pairs in input order, leaving out the <paramref name="forbidden"/> ones.</summary>
    public List<ScoredPair> ToList(HashSet<long>? forbidden)
    {
        var list = new List<ScoredPair>(Count);
        for (var k = 0; k < Count; k++)
            if (forbidden is null || !forbidden.Contains(Key(_mentee[k], _mentor[k]))) list.Add(new ScoredPair(_mentee[k], _mentor[k], _score[k]));
        return list;
    }

    public static long Key(int mentee, int mentor) => ((long)mentee << 32) | (uint)mentor;
}

/// <summary>
/// Streams the explicit <c>pairs</c> list of a mentors-and-mentees problem straight from the JSON
/// reader into <see cref="PairColumns"/>: ids are resolved from the reader's bytes, and no document,
/// element or string is built per pair. Errors name the pair's JSON path and its line and column.
/// </summary>
internal static class PairReader
{
    private static readonly string Expected = "unknown property (expected one of: mentee, mentor, score)";

    /// <summary>Reads the array at the reader's current token (which must be its start).</summary>
    /// <param name="r">A reader on the array's first token.</param>
    /// <param name="text">The whole problem text, for positions.</param>
    /// <param name="readerStart">Offset in the whole text where <paramref name="r"/> started.</param>
    /// <param name="mentees">Mentee ids.</param>
    /// <param name="mentors">Mentor ids.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PairColumns Read(ref Utf8JsonReader r, ProblemText text, long readerStart, IdIndex mentees, IdIndex mentors)
    {
        var menteeCount = mentees.Count;
        if (r.TokenType != JsonTokenType.StartArray) throw text.Error("pairs", "must be an array", readerStart + r.TokenStartIndex);
        var pairs = new PairColumns(menteeCount, text.Utf8.Length - (readerStart + r.TokenStartIndex));
        Span<byte> scratch = stackalloc byte[256];
        var k = 0;
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) break;
            var at = readerStart + r.TokenStartIndex;
            if (r.TokenType != JsonTokenType.StartObject)
                throw text.Error(Path(k, null), "must be an object {\"mentee\", \"mentor\", \"score\"}", at);
            int i = -1, j = -1;
            var hasScore = false;
            long s = 0;
            while (true)
            {
                Next(ref r);
                if (r.TokenType == JsonTokenType.EndObject) break;
                var nameAt = readerStart + r.TokenStartIndex;
                if (r.ValueTextEquals("mentee"u8))
                {
                    Next(ref r);
                    i = Resolve(ref r, text, readerStart, mentees, k, "mentee", scratch);
                }
                else if (r.ValueTextEquals("mentor"u8))
                {
                    Next(ref r);
                    j = Resolve(ref r, text, readerStart, mentors, k, "mentor", scratch);
                }
                else if (r.ValueTextEquals("score"u8))
                {
                    Next(ref r);
                    if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out s))
                        throw text.Error(Path(k, "score"), "must be a whole number", readerStart + r.TokenStartIndex);
                    if (s is < -OptimalAssignment.MaxExplicitScore or > OptimalAssignment.MaxExplicitScore)
                        throw text.Error(Path(k, "score"), $"must be between {-OptimalAssignment.MaxExplicitScore} and {OptimalAssignment.MaxExplicitScore}", readerStart + r.TokenStartIndex);
                    hasScore = true;
                }
                else
                {
                    throw text.Error(Path(k, r.GetString()), Expected, nameAt);
                }
            }
            if (i < 0) throw text.Error(Path(k, "mentee"), "required", at);
            if (j < 0) throw text.Error(Path(k, "mentor"), "required", at);
            if (!hasScore) throw text.Error(Path(k, "score"), "required", at);
            pairs.Add(i, j, s);
            k++;
        }
        return pairs;
    }

    private static int Resolve(ref Utf8JsonReader r, ProblemText text, long readerStart, IdIndex index, int k, string what, scoped Span<byte> scratch)
    {
        var at = readerStart + r.TokenStartIndex;
        if (r.TokenType != JsonTokenType.String) throw text.Error(Path(k, what), "must be a non-empty string", at);
        scoped ReadOnlySpan<byte> id;
        if (!r.ValueIsEscaped) id = r.ValueSpan;
        else if (r.ValueSpan.Length <= scratch.Length) id = scratch[..r.CopyString(scratch)];
        else id = Encoding.UTF8.GetBytes(r.GetString()!);
        var found = index.Find(id);
        if (found >= 0) return found;
        var s = Encoding.UTF8.GetString(id);
        throw string.IsNullOrWhiteSpace(s)
            ? text.Error(Path(k, what), "must be a non-empty string", at)
            : text.Error(Path(k, what), $"unknown {what} '{s}'", at);
    }

    // A complete reader only runs out inside a value on truncated text, which Read reports itself; this is a guard.
    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw new JsonException("The JSON text ends inside the pairs list.");
    }

    private static string Path(int k, string? name) => name is null ? $"pairs[{k}]" : $"pairs[{k}].{name}";
}
