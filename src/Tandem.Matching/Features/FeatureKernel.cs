using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        public Aligned<ulong>[] WideWords = [];   // the same on 64-byte boundaries, for the AVX-512 loop
        public Aligned<ulong> WideAnyMask;
        public Aligned<double> WideNumber;
        public bool[] MenteeAny = [];
        public double[] MentorNumber = [];   // padded with NaN
        public double[] MenteeNumber = [];
        public double Low, High;
    }

    private readonly Term[] _terms;
    private readonly int _m;

    public static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Whether the AVX-512 loop can run: eight mentors per 512-bit vector instead of four per 256-bit one
    /// (the same nibble-table population counts and the same integer arithmetic, so the same scores).
    /// </summary>
    public static bool WideIsSupported => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Whether this kernel uses the AVX-512 loop (tests turn it off to compare with the AVX2 one).</summary>
    internal bool UseWide { get; set; } = WideIsSupported;

    public FeatureKernel(Term[] terms, int mentorCount)
    {
        _terms = terms;
        _m = mentorCount;
    }

    public static int Padded(int m) => (m + Block - 1) / Block * Block;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreRow(int mentee, Span<int> row)
    {
        // Two methods, so that each inlines its own vector loop.
        if (UseWide && WideIsSupported) ScoreRowWide(mentee, row);
        else ScoreRowNarrow(mentee, row);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreRowWide(int mentee, Span<int> row)
    {
        var full = _m / Block * Block;
        ref var at = ref MemoryMarshal.GetReference(row);
        for (var j = 0; j < full; j += Block) Wide(mentee, j).StoreUnsafe(ref at, (nuint)j);
        if (full < _m)
        {
            Span<int> tail = stackalloc int[Block];
            Wide(mentee, full).CopyTo(tail);
            tail[..(_m - full)].CopyTo(row[full..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreRowNarrow(int mentee, Span<int> row)
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
            if (UseWide && WideIsSupported) Wide(mentee, b).CopyTo(block);
            else Vector256.Narrow(Lanes(mentee, b), Lanes(mentee, b + 4)).CopyTo(block);
            var lo = Math.Max(b, from);
            var hi = Math.Min(b + Block, to);
            block[(lo - b)..(hi - b)].CopyTo(row[(lo - from)..]);
        }
    }

    /// <summary>Scores of eight consecutive mentors (int.MinValue when forbidden): <see cref="Lanes"/> on 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> Wide(int mentee, int j)
    {
        var acc = Vector512<long>.Zero;
        var bad = Vector512<long>.Zero;
        var lowNibble = Vector512.Create((byte)0x0F);
        var table = Vector512.Create(Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        foreach (var t in _terms)
        {
            var w = Vector512.Create((long)t.Weight);
            Vector512<long> met;
            if (t.Op == Op.Gap)
            {
                // Ordered compares: a missing number (NaN) meets nothing, as in the AVX2 loop.
                var d = Vector512.LoadUnsafe(ref t.WideNumber[j]) - Vector512.Create(t.MenteeNumber[mentee]);
                met = (Vector512.GreaterThanOrEqual(d, Vector512.Create(t.Low)) & Vector512.LessThanOrEqual(d, Vector512.Create(t.High))).AsInt64();
            }
            else if (t.Op != Op.Count)
            {
                // Same or different value: only whether anything is in common, no count needed.
                var common = Vector512<ulong>.Zero;
                var at = mentee * t.Words;
                for (var k = 0; k < t.Words; k++) common |= Vector512.LoadUnsafe(ref t.WideWords[k][j]) & Vector512.Create(t.MenteeWords[at + k]);
                var none = Vector512.Equals(common, Vector512<ulong>.Zero).AsInt64();
                met = t.Op == Op.Same
                    ? ~none
                    : t.MenteeAny[mentee] ? none & Vector512.LoadUnsafe(ref t.WideAnyMask[j]).AsInt64() : Vector512<long>.Zero;
            }
            else
            {
                var bytes = Vector512<byte>.Zero;
                var at = mentee * t.Words;
                for (var k = 0; k < t.Words; k++)
                {
                    var x = (Vector512.LoadUnsafe(ref t.WideWords[k][j]) & Vector512.Create(t.MenteeWords[at + k])).AsByte();
                    bytes += Avx512BW.Shuffle(table, x & lowNibble) + Avx512BW.Shuffle(table, Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & lowNibble);
                }
                var count = Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsInt64();
                acc += Avx512F.Multiply(count.AsInt32(), w.AsInt32());
                bad |= Vector512.GreaterThan(Vector512.Create(t.HardMinimum), count);
                continue;
            }
            acc += met & w;
            if (t.Required) bad |= ~met;
        }
        // Scores fit in 32 bits (FeatureScorer.MaxScoreMagnitude) and int.MinValue narrows to itself.
        return Avx512F.ConvertToVector256Int32(Vector512.ConditionalSelect(bad, Vector512.Create((long)int.MinValue), acc));
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
            else if (t.Op != Op.Count)
            {
                // Same or different value: only whether anything is in common, no count needed.
                var common = Vector256<ulong>.Zero;
                var at = mentee * t.Words;
                for (var k = 0; k < t.Words; k++) common |= Vector256.LoadUnsafe(ref t.MentorWords[k][j]) & Vector256.Create(t.MenteeWords[at + k]);
                var none = Vector256.Equals(common, Vector256<ulong>.Zero).AsInt64();
                met = t.Op == Op.Same
                    ? ~none
                    : t.MenteeAny[mentee] ? none & Vector256.LoadUnsafe(ref t.MentorAnyMask[j]).AsInt64() : Vector256<long>.Zero;
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
                acc += Avx2.Multiply(count.AsInt32(), w.AsInt32());
                bad |= Avx2.CompareGreaterThan(Vector256.Create(t.HardMinimum), count);
                continue;
            }
            acc += met & w;
            if (t.Required) bad |= ~met;
        }
        return Vector256.ConditionalSelect(bad, Vector256.Create((long)int.MinValue), acc);
    }
}

/// <summary>
/// An array whose element 0 starts on a 64-byte boundary (a cache line), so that the kernels' vector loads
/// of eight mentors never straddle two lines. It lives on the pinned-object heap, so it never moves.
/// </summary>
internal readonly struct Aligned<T> where T : unmanaged
{
    private const int Line = 64;
    private readonly T[] _array;
    private readonly int _at;

    public Aligned(int length)
    {
        var size = Unsafe.SizeOf<T>();
        _array = GC.AllocateArray<T>(length + Line / size, pinned: true);
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        var address = (long)handle.AddrOfPinnedObject();
        handle.Free();
        _at = (int)((Line - address % Line) % Line / size);
        Length = length;
    }

    public int Length { get; }

    /// <summary>An aligned copy of <paramref name="source"/>.</summary>
    public static Aligned<T> Of(T[] source)
    {
        var copy = new Aligned<T>(source.Length);
        source.CopyTo(copy.AsSpan());
        return copy;
    }

    public ref T this[int j] => ref _array[_at + j];

    public Span<T> AsSpan() => _array.AsSpan(_at, Length);
}
