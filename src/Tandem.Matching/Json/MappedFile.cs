using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Tandem.Matching;

/// <summary>
/// A problem file mapped read-only into memory and seen as <see cref="ReadOnlyMemory{T}"/>. Mapping
/// the page cache instead of copying a 55 MB file into a fresh array saves the copy and, more, the
/// page faults of touching 55 MB of new memory, which cost a fresh process more than reading does.
/// </summary>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;

    private MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, int length)
    {
        _map = map;
        _view = view;
        _pointer = pointer;
        _length = length;
    }

    /// <summary>Maps a seekable, non-empty file; see <see cref="MatchingProblemJson.SolveFile"/> for the others.</summary>
    public static MappedFile Open(FileStream stream)
    {
        var length = stream.Length;
        if (length > int.MaxValue) throw new IOException($"'{stream.Name}' is larger than 2 GB.");
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        return new MappedFile(map, view, pointer + view.PointerOffset, (int)length);
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
