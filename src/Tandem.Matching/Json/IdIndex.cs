using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Tandem.Matching;

/// <summary>
/// Participant ids looked up by their UTF-8 bytes, straight from the JSON reader's buffer: resolving
/// 2.4 million references in a large pairs list then allocates no strings.
/// </summary>
internal sealed class IdIndex
{
    // A per-process seed, so that a crafted file cannot aim its ids at one bucket.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    private readonly byte[] _keys;
    private readonly int[] _keyStart;
    private readonly int[] _table; // index + 1 of the id in each slot, 0 for empty
    private readonly int _mask;

    /// <summary>Indexes ids by position; a null id (malformed, reported elsewhere) is skipped, a repeated id keeps its first position.</summary>
    public IdIndex(IReadOnlyList<string?> ids)
    {
        var size = 16;
        while (size < ids.Count * 2) size <<= 1;
        _table = new int[size];
        _mask = size - 1;
        _keyStart = new int[ids.Count + 1];
        var total = 0;
        foreach (var id in ids) total += id is null ? 0 : Encoding.UTF8.GetByteCount(id);
        _keys = new byte[total];
        var at = 0;
        for (var k = 0; k < ids.Count; k++)
        {
            _keyStart[k] = at;
            if (ids[k] is { } id) at += Encoding.UTF8.GetBytes(id, _keys.AsSpan(at));
            _keyStart[k + 1] = at;
            if (ids[k] is null || Find(_keys.AsSpan(_keyStart[k], at - _keyStart[k])) >= 0) continue;
            var slot = (int)Hash(_keys.AsSpan(_keyStart[k], at - _keyStart[k])) & _mask;
            while (_table[slot] != 0) slot = (slot + 1) & _mask;
            _table[slot] = k + 1;
        }
    }

    /// <summary>Number of positions (ids given, malformed ones included).</summary>
    public int Count => _keyStart.Length - 1;

    /// <summary>Position of the id, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(ReadOnlySpan<byte> utf8)
    {
        var slot = (int)Hash(utf8) & _mask;
        while (true)
        {
            var k = _table[slot] - 1;
            if (k < 0) return -1;
            if (utf8.SequenceEqual(_keys.AsSpan(_keyStart[k], _keyStart[k + 1] - _keyStart[k]))) return k;
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<byte> s)
    {
        var h = Seed ^ ((ulong)s.Length * 0x9E3779B97F4A7C15UL);
        while (s.Length >= 8)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(s)) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
            s = s[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < s.Length; i++) tail |= (ulong)s[i] << (8 * i);
        h = (h ^ tail) * 0x94D049BB133111EBUL;
        return h ^ (h >> 29);
    }
}
