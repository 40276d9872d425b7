using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Matching;

/// <summary>
/// The AVX2 scoring loop of <see cref="FeatureScorer"/>: eight mentors at a time, every criterion
/// fused into one pass. Mentor bitsets are stored word-major (word k of every mentor contiguous) so a
/// vector load takes the same word of consecutive mentors; population counts use the nibble-table
/// method (vpshufb) and a byte sum per 64-bit lane (vpsadbw). Must give exactly the scalar result;
/// the tests compare the two.
/// </summary>
internal sealed class FeatureKernel
{
    private const int Block = 8;

    internal enum Op { Count, Same, Different, Gap }

    internal sealed class Term
    {
        public Op Op;
        public int Weight;
        public bool Required;
        public long HardMinimum;
        public int Words;
        public ulong[][] MentorWords = [];   // [word][mentor], padded
        public ulong[] MenteeWords = [];     // [mentee * Words + word]
        public ulong[] MentorAnyMask = [];   // ~0 when the mentor has a value, padded
        public bool[] MenteeAny = [];
        public double[] MentorNumber = [];   // padded with NaN
        public double[] MenteeNumber = [];
        public double Low, High;
    }

    private readonly Term[] _terms;
    private readonly int _m;

    public static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    public FeatureKernel(Term[] terms, int mentorCount)
    {
        _terms = terms;
        _m = mentorCount;
    }

    public static int Padded(int m) => (m + Block - 1) / Block * Block;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreRow(int mentee, Span<int> row)
    {
        Span<int> tail = stackalloc int[Block];
        var full = _m / Block * Block;
        for (var j = 0; j < full; j += Block)
        {
            var lo = Lanes(mentee, j);
            var hi = Lanes(mentee, j + 4);
            Vector256.Narrow(lo, hi).CopyTo(row.Slice(j, Block));
        }
        if (full < _m)
        {
            var lo = Lanes(mentee, full);
            var hi = Lanes(mentee, full + 4);
            Vector256.Narrow(lo, hi).CopyTo(tail);
            tail[..(_m - full)].CopyTo(row[full..]);
        }
    }

    /// <summary>Scores of mentors <c>from .. from + row.Length - 1</c> (any range; whole blocks are scored and cut).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreRange(int mentee, int from, Span<int> row)
    {
        Span<int> block = stackalloc int[Block];
        var to = from + row.Length;
        for (var b = from / Block * Block; b < to; b += Block)
        {
            Vector256.Narrow(Lanes(mentee, b), Lanes(mentee, b + 4)).CopyTo(block);
            var lo = Math.Max(b, from);
            var hi = Math.Min(b + Block, to);
            block[(lo - b)..(hi - b)].CopyTo(row[(lo - from)..]);
        }
    }

    /// <summary>Scores of four consecutive mentors (int.MinValue when forbidden), as 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<long> Lanes(int mentee, int j)
    {
        var acc = Vector256<long>.Zero;
        var bad = Vector256<long>.Zero;
        var lowNibble = Vector256.Create((byte)0x0F);
        var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        foreach (var t in _terms)
        {
            var w = Vector256.Create((long)t.Weight);
            Vector256<long> met;
            if (t.Op == Op.Gap)
            {
                var d = Vector256.LoadUnsafe(ref t.MentorNumber[j]) - Vector256.Create(t.MenteeNumber[mentee]);
                var ok = Avx.Compare(d, Vector256.Create(t.Low), FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                       & Avx.Compare(d, Vector256.Create(t.High), FloatComparisonMode.OrderedLessThanOrEqualNonSignaling);
                met = ok.AsInt64();
            }
            else
            {
                var bytes = Vector256<byte>.Zero;
                var at = mentee * t.Words;
                for (var k = 0; k < t.Words; k++)
                {
                    var x = (Vector256.LoadUnsafe(ref t.MentorWords[k][j]) & Vector256.Create(t.MenteeWords[at + k])).AsByte();
                    bytes += Avx2.Shuffle(table, x & lowNibble) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & lowNibble);
                }
                var count = Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsInt64();
                if (t.Op == Op.Count)
                {
                    acc += Avx2.Multiply(count.AsInt32(), w.AsInt32());
                    bad |= Avx2.CompareGreaterThan(Vector256.Create(t.HardMinimum), count);
                    continue;
                }
                var none = Avx2.CompareEqual(count, Vector256<long>.Zero);
                met = t.Op == Op.Same
                    ? ~none
                    : t.MenteeAny[mentee] ? none & Vector256.LoadUnsafe(ref t.MentorAnyMask[j]).AsInt64() : Vector256<long>.Zero;
            }
            acc += met & w;
            if (t.Required) bad |= ~met;
        }
        return Vector256.ConditionalSelect(bad, Vector256.Create((long)int.MinValue), acc);
    }
}
