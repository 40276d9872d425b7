using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Files;

/// <summary>
/// Files people upload, kept in the data directory's <c>files/</c> folder under keys the app makes (a folder per kind and
/// a random name), never under a name a user chose, so no upload can reach a path outside the store. Backups copy the
/// data directory with the database (docs/operations.md).
/// </summary>
public sealed class FileStore(DataDirectory data)
{
    private string Root => Path.Combine(data.Path, "files");

    /// <summary>Writes the stream to a new key in <paramref name="area"/> and returns the key.</summary>
    public async Task<string> SaveAsync(string area, Stream content, CancellationToken ct)
    {
        var key = $"{area}/{Guid.NewGuid():N}";
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written under a temporary name and moved into place, so a reader never sees half a file.
        var temporary = path + ".partial";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(file, ct);
        }
        File.Move(temporary, path);
        return key;
    }

    /// <summary>The stored file for reading, or null when it is gone.</summary>
    public Stream? Open(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    public void Delete(string key)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(Root, key));
        if (!path.StartsWith(Path.GetFullPath(Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("A file key names a file inside the store.", nameof(key));
        }
        return path;
    }
}
