using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tandem.Matching;

/// <summary>
/// Scores mentee–mentor pairs from participant features and criteria, and explains each score.
/// Value sets and the 168 weekly hour slots are packed into 64-bit words, so counting what two
/// people have in common is an AND and a population count per word.
/// </summary>
public sealed class FeatureScorer : IPairScoreSource, IRangeScoreSource
{
    /// <summary>Largest possible score magnitude (sum over criteria of |weight| x largest count).</summary>
    public const int MaxScoreMagnitude = 1 << 24;

    private const int Violated = int.MinValue / 2;
    private const int ViolatedBelow = -(1 << 29);

    private readonly Compiled[] _criteria;
    private readonly IReadOnlyList<Participant> _mentees;
    private readonly IReadOnlyList<Participant> _mentors;
    private readonly FeatureKernel? _kernel;

    /// <summary>Whether <see cref="ScoreRow"/> uses the vectorised kernel (tests turn it off to compare).</summary>
    internal bool UseKernel { get; set; }

    /// <summary>Whether the kernel uses its AVX-512 loop where the processor has one (tests turn it off to compare).</summary>
    internal bool UseWideKernel
    {
        get => _kernel?.UseWide ?? false;
        set { if (_kernel is not null) _kernel.UseWide = value; }
    }

    private enum Mode { Count, Same, Different, Gap }

    private sealed class Compiled
    {
        public required Criterion Criterion { get; init; }
        public required Mode Mode { get; init; }
        public int Words { get; init; }
        public ulong[] MenteeBits { get; init; } = [];
        public ulong[] MentorBits { get; init; } = [];
        public bool[] MenteeAny { get; init; } = [];
        public bool[] MentorAny { get; init; } = [];
        public string[] Vocabulary { get; init; } = [];
        public bool IsAvailability { get; init; }
        public int HardMinimum { get; init; }
        public int MetMinimum { get; init; }
        public double[] MenteeNumber { get; init; } = [];
        public double[] MentorNumber { get; init; } = [];
        public double Low { get; init; }
        public double High { get; init; }
    }

    /// <summary>Compiles criteria and participants into bitsets.</summary>
    /// <param name="criteria">The criteria, in the order explanations list them.</param>
    /// <param name="mentees">The mentees.</param>
    /// <param name="mentors">The mentors.</param>
    /// <exception cref="ArgumentException">A criterion is incomplete, or the weights could overflow the score range.</exception>
    public FeatureScorer(IReadOnlyList<Criterion> criteria, IReadOnlyList<Participant> mentees, IReadOnlyList<Participant> mentors)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        _mentees = mentees ?? throw new ArgumentNullException(nameof(mentees));
        _mentors = mentors ?? throw new ArgumentNullException(nameof(mentors));
        _criteria = new Compiled[criteria.Count];
        long magnitude = 0;
        for (var c = 0; c < criteria.Count; c++)
        {
            var cr = criteria[c] ?? throw new ArgumentException($"Criterion {c} is missing.");
            if (string.IsNullOrWhiteSpace(cr.Name)) throw new ArgumentException($"Criterion {c} needs a name.");
            if (Math.Abs((long)cr.Weight) > 1_000_000) throw new ArgumentException($"Criterion '{cr.Name}': weight magnitude above 1,000,000.");
            _criteria[c] = Compile(cr, out var maxCount);
            magnitude += Math.Abs((long)cr.Weight) * maxCount;
            if (magnitude > MaxScoreMagnitude)
                throw new ArgumentException($"Criterion '{cr.Name}': weights times possible counts exceed {MaxScoreMagnitude} in total.");
        }
        // Byte-wise popcount sums must not overflow: at most 31 words (1,984 values) per criterion.
        if (FeatureKernel.IsSupported && _criteria.All(c => c.Mode == Mode.Gap || c.Words <= 31))
        {
            _kernel = new FeatureKernel(_criteria.Select(KernelTerm).ToArray(), _mentors.Count);
            UseKernel = true;
        }
    }

    private FeatureKernel.Term KernelTerm(Compiled c)
    {
        var m = _mentors.Count;
        var padded = FeatureKernel.Padded(m);
        var t = new FeatureKernel.Term
        {
            Op = c.Mode switch { Mode.Count => FeatureKernel.Op.Count, Mode.Same => FeatureKernel.Op.Same, Mode.Different => FeatureKernel.Op.Different, _ => FeatureKernel.Op.Gap },
            Weight = c.Criterion.Weight,
            Required = c.Criterion.Required,
            HardMinimum = c.HardMinimum,
            Words = c.Words,
            MenteeWords = c.MenteeBits,
            MenteeAny = c.MenteeAny,
            MenteeNumber = c.MenteeNumber,
            Low = c.Low,
            High = c.High,
        };
        if (c.Mode == Mode.Gap)
        {
            t.MentorNumber = new double[padded];
            Array.Fill(t.MentorNumber, double.NaN);
            Array.Copy(c.MentorNumber, t.MentorNumber, m);
        }
        else
        {
            t.MentorWords = new ulong[c.Words][];
            for (var k = 0; k < c.Words; k++)
            {
                var col = new ulong[padded];
                for (var j = 0; j < m; j++) col[j] = c.MentorBits[j * c.Words + k];
                t.MentorWords[k] = col;
            }
            t.MentorAnyMask = new ulong[padded];
            for (var j = 0; j < m; j++) t.MentorAnyMask[j] = c.MentorAny[j] ? ulong.MaxValue : 0;
        }
        if (FeatureKernel.WideIsSupported)
        {
            // Copies on cache-line boundaries for the AVX-512 loop (a 64-byte load across two lines costs twice).
            t.WideNumber = Aligned<double>.Of(t.MentorNumber);
            t.WideWords = t.MentorWords.Select(Aligned<ulong>.Of).ToArray();
            t.WideAnyMask = Aligned<ulong>.Of(t.MentorAnyMask);
        }
        return t;
    }

    /// <inheritdoc />
    public int MenteeCount => _mentees.Count;

    /// <inheritdoc />
    public int MentorCount => _mentors.Count;

    private Compiled Compile(Criterion cr, out long maxCount)
    {
        switch (cr.Kind)
        {
            case CriterionKind.SharedValues:
            case CriterionKind.SameValue:
            case CriterionKind.DifferentValue:
            {
                if (string.IsNullOrWhiteSpace(cr.MenteeField) || string.IsNullOrWhiteSpace(cr.MentorField))
                    throw new ArgumentException($"Criterion '{cr.Name}': a field is required.");
                var vocab = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                var names = new List<string>();
                void Collect(IReadOnlyList<Participant> ps, string field)
                {
                    foreach (var p in ps)
                        if (p.Values is not null && p.Values.TryGetValue(field, out var vs))
                            foreach (var v in vs)
                            {
                                var t = v.Trim();
                                if (t.Length > 0 && vocab.TryAdd(t, names.Count)) names.Add(t);
                            }
                }
                Collect(_mentees, cr.MenteeField);
                Collect(_mentors, cr.MentorField);
                var words = Math.Max(1, (names.Count + 63) / 64);
                var (aBits, aAny) = Pack(_mentees, cr.MenteeField, vocab, words);
                var (bBits, bAny) = Pack(_mentors, cr.MentorField, vocab, words);
                var mode = cr.Kind switch { CriterionKind.SameValue => Mode.Same, CriterionKind.DifferentValue => Mode.Different, _ => Mode.Count };
                var min = CountMinimum(cr);
                maxCount = mode == Mode.Count ? Math.Max(1, names.Count) : 1;
                return new Compiled
                {
                    Criterion = cr, Mode = mode, Words = words, MenteeBits = aBits, MentorBits = bBits,
                    MenteeAny = aAny, MentorAny = bAny, Vocabulary = names.ToArray(),
                    HardMinimum = mode == Mode.Count ? min.Hard : 0, MetMinimum = min.Met,
                };
            }
            case CriterionKind.AvailabilityOverlap:
            {
                var (aBits, aAny) = PackSlots(_mentees);
                var (bBits, bAny) = PackSlots(_mentors);
                var min = CountMinimum(cr);
                maxCount = WeeklySlots.Count;
                return new Compiled
                {
                    Criterion = cr, Mode = Mode.Count, Words = 3, MenteeBits = aBits, MentorBits = bBits,
                    MenteeAny = aAny, MentorAny = bAny, IsAvailability = true, HardMinimum = min.Hard, MetMinimum = min.Met,
                };
            }
            case CriterionKind.NumericGap:
            {
                if (string.IsNullOrWhiteSpace(cr.MenteeField) || string.IsNullOrWhiteSpace(cr.MentorField))
                    throw new ArgumentException($"Criterion '{cr.Name}': a field is required.");
                if (cr.Minimum is { } lo && cr.Maximum is { } hi && lo > hi)
                    throw new ArgumentException($"Criterion '{cr.Name}': minimum is above maximum.");
                maxCount = 1;
                return new Compiled
                {
                    Criterion = cr, Mode = Mode.Gap,
                    MenteeNumber = Numbers(_mentees, cr.MenteeField), MentorNumber = Numbers(_mentors, cr.MentorField),
                    Low = cr.Minimum ?? double.NegativeInfinity, High = cr.Maximum ?? double.PositiveInfinity,
                };
            }
            default:
                throw new ArgumentException($"Criterion '{cr.Name}': unknown kind.");
        }
    }

    private static (int Hard, int Met) CountMinimum(Criterion cr)
    {
        if (cr.Minimum is { } min && (min < 0 || min != Math.Floor(min) || min > 1_000_000))
            throw new ArgumentException($"Criterion '{cr.Name}': minimum must be a whole number of at least 0.");
        var m = (int)(cr.Minimum ?? (cr.Required ? 1 : 0));
        // A stated minimum is a hard rule; "required" without a minimum means at least one in common.
        return (m, Math.Max(1, m));
    }

    private static (ulong[] Bits, bool[] Any) Pack(IReadOnlyList<Participant> ps, string field, Dictionary<string, int> vocab, int words)
    {
        var bits = new ulong[ps.Count * words];
        var any = new bool[ps.Count];
        for (var p = 0; p < ps.Count; p++)
            if (ps[p].Values is { } values && values.TryGetValue(field, out var vs))
                foreach (var v in vs)
                    if (vocab.TryGetValue(v.Trim(), out var bit))
                    {
                        bits[p * words + (bit >> 6)] |= 1UL << (bit & 63);
                        any[p] = true;
                    }
        return (bits, any);
    }

    private static (ulong[] Bits, bool[] Any) PackSlots(IReadOnlyList<Participant> ps)
    {
        var bits = new ulong[ps.Count * 3];
        var any = new bool[ps.Count];
        for (var p = 0; p < ps.Count; p++)
            foreach (var s in ps[p].Availability ?? [])
            {
                if ((uint)s >= WeeklySlots.Count) throw new ArgumentException($"Participant '{ps[p].Id}': availability slot {s} is outside 0–167.");
                bits[p * 3 + (s >> 6)] |= 1UL << (s & 63);
                any[p] = true;
            }
        return (bits, any);
    }

    private static double[] Numbers(IReadOnlyList<Participant> ps, string field)
    {
        var xs = new double[ps.Count];
        for (var p = 0; p < ps.Count; p++)
            xs[p] = ps[p].Numbers is { } nums && nums.TryGetValue(field, out var x) ? x : double.NaN;
        return xs;
    }

    /// <inheritdoc />
    public void ScoreRow(int mentee, Span<int> row)
    {
        var m = _mentors.Count;
        if (row.Length < m) throw new ArgumentException("The row is shorter than the number of mentors.", nameof(row));
        row = row[..m];
        if (UseKernel && _kernel is not null)
        {
            _kernel.ScoreRow(mentee, row);
            return;
        }
        row.Clear();
        foreach (var c in _criteria)
        {
            var w = c.Criterion.Weight;
            var req = c.Criterion.Required;
            switch (c.Mode)
            {
                case Mode.Count:
                    CountRow(c, mentee, row, w);
                    break;
                case Mode.Same:
                {
                    var a = c.MenteeBits[mentee];
                    var b = c.MentorBits;
                    if (c.Words == 1)
                    {
                        for (var j = 0; j < row.Length; j++)
                        {
                            var met = (a & b[j]) != 0;
                            row[j] = req && !met ? Violated : row[j] + (met ? w : 0);
                        }
                    }
                    else
                    {
                        for (var j = 0; j < row.Length; j++)
                        {
                            var met = Common(c, mentee, j) > 0;
                            row[j] = req && !met ? Violated : row[j] + (met ? w : 0);
                        }
                    }
                    break;
                }
                case Mode.Different:
                {
                    var aAny = c.MenteeAny[mentee];
                    for (var j = 0; j < row.Length; j++)
                    {
                        var met = aAny && c.MentorAny[j] && (c.Words == 1 ? (c.MenteeBits[mentee] & c.MentorBits[j]) == 0 : Common(c, mentee, j) == 0);
                        row[j] = req && !met ? Violated : row[j] + (met ? w : 0);
                    }
                    break;
                }
                case Mode.Gap:
                {
                    var a = c.MenteeNumber[mentee];
                    var b = c.MentorNumber;
                    var lo = c.Low;
                    var hi = c.High;
                    for (var j = 0; j < row.Length; j++)
                    {
                        var d = b[j] - a;
                        var met = d >= lo && d <= hi; // false when either is missing (NaN)
                        row[j] = req && !met ? Violated : row[j] + (met ? w : 0);
                    }
                    break;
                }
            }
        }
        for (var j = 0; j < row.Length; j++) if (row[j] < ViolatedBelow) row[j] = PairScores.Forbidden;
    }

    void IRangeScoreSource.ScoreRange(int mentee, int from, Span<int> scores)
    {
        if (UseKernel && _kernel is not null)
        {
            _kernel.ScoreRange(mentee, from, scores);
            return;
        }
        for (var k = 0; k < scores.Length; k++) scores[k] = PairScore(mentee, from + k);
    }

    /// <inheritdoc />
    // Compiled fully optimised at the first call: the certificate check scores a few columns once or twice per
    // solve, too few calls for tiered compilation to replace unoptimised code in time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreColumn(int mentor, Span<int> scores)
    {
        if (scores.Length < _mentees.Count) throw new ArgumentException("The column is shorter than the number of mentees.", nameof(scores));
        for (var i = 0; i < _mentees.Count; i++) scores[i] = PairScore(i, mentor);
    }

    /// <summary>The same arithmetic as <see cref="ScoreRow"/>, for one pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PairScore(int i, int j)
    {
        var total = 0;
        foreach (var c in _criteria)
        {
            var w = c.Criterion.Weight;
            var req = c.Criterion.Required;
            bool met;
            switch (c.Mode)
            {
                case Mode.Count:
                {
                    var cnt = Common(c, i, j);
                    if (cnt < c.HardMinimum) return PairScores.Forbidden;
                    total += w * cnt;
                    continue;
                }
                case Mode.Same:
                    met = Common(c, i, j) > 0;
                    break;
                case Mode.Different:
                    met = c.MenteeAny[i] && c.MentorAny[j] && Common(c, i, j) == 0;
                    break;
                default:
                {
                    var d = c.MentorNumber[j] - c.MenteeNumber[i];
                    met = d >= c.Low && d <= c.High;
                    break;
                }
            }
            if (req && !met) return PairScores.Forbidden;
            if (met) total += w;
        }
        return total;
    }

    private static void CountRow(Compiled c, int mentee, Span<int> row, int w)
    {
        var min = c.HardMinimum;
        var b = c.MentorBits;
        switch (c.Words)
        {
            case 1:
            {
                var a0 = c.MenteeBits[mentee];
                for (var j = 0; j < row.Length; j++)
                {
                    var cnt = BitOperations.PopCount(a0 & b[j]);
                    row[j] = cnt < min ? Violated : row[j] + w * cnt;
                }
                break;
            }
            case 3:
            {
                var at = mentee * 3;
                var a0 = c.MenteeBits[at];
                var a1 = c.MenteeBits[at + 1];
                var a2 = c.MenteeBits[at + 2];
                for (var j = 0; j < row.Length; j++)
                {
                    var k = j * 3;
                    var cnt = BitOperations.PopCount(a0 & b[k]) + BitOperations.PopCount(a1 & b[k + 1]) + BitOperations.PopCount(a2 & b[k + 2]);
                    row[j] = cnt < min ? Violated : row[j] + w * cnt;
                }
                break;
            }
            default:
                for (var j = 0; j < row.Length; j++)
                {
                    var cnt = Common(c, mentee, j);
                    row[j] = cnt < min ? Violated : row[j] + w * cnt;
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Common(Compiled c, int mentee, int mentor)
    {
        var cnt = 0;
        var a = mentee * c.Words;
        var b = mentor * c.Words;
        for (var k = 0; k < c.Words; k++) cnt += BitOperations.PopCount(c.MenteeBits[a + k] & c.MentorBits[b + k]);
        return cnt;
    }

    /// <summary>Score of one pair, or <see cref="PairScores.Forbidden"/> when a hard rule forbids it.</summary>
    /// <param name="mentee">Mentee index.</param>
    /// <param name="mentor">Mentor index.</param>
    public int Score(int mentee, int mentor)
    {
        var e = Explain(mentee, mentor);
        return e.Allowed ? (int)e.Score : PairScores.Forbidden;
    }

    /// <summary>Per-criterion breakdown of one pair's score, naming the shared values.</summary>
    /// <param name="mentee">Mentee index.</param>
    /// <param name="mentor">Mentor index.</param>
    public PairExplanation Explain(int mentee, int mentor)
    {
        var items = new List<CriterionExplanation>(_criteria.Length);
        long total = 0;
        var allowed = true;
        foreach (var c in _criteria)
        {
            var cr = c.Criterion;
            long points;
            bool met;
            string text;
            switch (c.Mode)
            {
                case Mode.Count:
                {
                    var common = CommonBits(c, mentee, mentor);
                    var cnt = common.Count;
                    met = cnt >= c.MetMinimum;
                    if (cnt < c.HardMinimum) allowed = false;
                    points = (long)cr.Weight * cnt;
                    text = c.IsAvailability ? AvailabilityText(common, c.HardMinimum) : SharedText(cr, common.Select(b => c.Vocabulary[b]).ToList(), c.HardMinimum);
                    break;
                }
                case Mode.Same:
                {
                    var common = CommonBits(c, mentee, mentor);
                    met = common.Count > 0;
                    if (cr.Required && !met) allowed = false;
                    points = met ? cr.Weight : 0;
                    text = met ? $"same {cr.Name}: {string.Join(", ", common.Select(b => c.Vocabulary[b]))}" : $"different {cr.Name}";
                    break;
                }
                case Mode.Different:
                {
                    var common = CommonBits(c, mentee, mentor);
                    met = c.MenteeAny[mentee] && c.MentorAny[mentor] && common.Count == 0;
                    if (cr.Required && !met) allowed = false;
                    points = met ? cr.Weight : 0;
                    text = met ? $"different {cr.Name}"
                        : common.Count > 0 ? $"same {cr.Name}: {string.Join(", ", common.Select(b => c.Vocabulary[b]))}"
                        : $"{cr.Name} unknown";
                    break;
                }
                default:
                {
                    var d = c.MentorNumber[mentor] - c.MenteeNumber[mentee];
                    met = d >= c.Low && d <= c.High;
                    if (cr.Required && !met) allowed = false;
                    points = met ? cr.Weight : 0;
                    text = GapText(cr, d);
                    break;
                }
            }
            total += points;
            items.Add(new CriterionExplanation(cr.Name, points, met, cr.Required || (c.Mode == Mode.Count && c.HardMinimum > 0), text));
        }
        return new PairExplanation(total, allowed, items);
    }

    private static List<int> CommonBits(Compiled c, int mentee, int mentor)
    {
        var bits = new List<int>();
        for (var k = 0; k < c.Words; k++)
        {
            var x = c.MenteeBits[mentee * c.Words + k] & c.MentorBits[mentor * c.Words + k];
            while (x != 0)
            {
                var t = BitOperations.TrailingZeroCount(x);
                bits.Add(k * 64 + t);
                x &= x - 1;
            }
        }
        return bits;
    }

    private static string SharedText(Criterion cr, List<string> common, int hardMinimum)
    {
        var sameField = string.Equals(cr.MenteeField, cr.MentorField, StringComparison.Ordinal);
        var prefix = sameField ? "both" : "mentor offers what mentee seeks";
        var text = common.Count == 0 ? $"no {cr.Name} in common" : $"{prefix}: {string.Join(", ", common)}";
        if (common.Count < hardMinimum) text += $" (at least {hardMinimum} required)";
        return text;
    }

    private static string AvailabilityText(List<int> slots, int hardMinimum)
    {
        string text;
        if (slots.Count == 0) text = "no common free hours";
        else
        {
            var days = slots.Select(s => s / 24).Distinct().Select(d => WeeklySlots.DayName(d * 24));
            text = $"{slots.Count} common free hour{(slots.Count == 1 ? "" : "s")} on {string.Join("/", days)}";
        }
        if (slots.Count < hardMinimum) text += $" (at least {hardMinimum} required)";
        return text;
    }

    private static string GapText(Criterion cr, double d)
    {
        if (double.IsNaN(d)) return $"{cr.Name} unknown";
        var abs = Math.Abs(d).ToString("0.##", CultureInfo.InvariantCulture);
        var field = cr.MentorField ?? cr.Name;
        if (field.Contains("year", StringComparison.OrdinalIgnoreCase) || cr.Name.Contains("year", StringComparison.OrdinalIgnoreCase))
        {
            if (d == 0) return "same year";
            var unit = Math.Abs(d) == 1 ? "year" : "years";
            return d > 0 ? $"mentor is {abs} {unit} ahead" : $"mentor is {abs} {unit} behind";
        }
        if (d == 0) return $"same {field}";
        return d > 0 ? $"mentor's {field} is {abs} above" : $"mentor's {field} is {abs} below";
    }
}
