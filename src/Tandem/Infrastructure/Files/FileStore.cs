using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;

namespace Tandem.Infrastructure.Files;

/// <summary>
/// Files people upload (message attachments), kept in the database in a table of their own, apart from the rows that
/// point at them, under keys the app makes (never a name a user chose). In the database rather than on one node's disk,
/// every node behind the proxy serves every file, a database backup (pg_dump, or `tandem backup` on SQLite) holds them
/// all, and a file and its row are written in one transaction (decision record 47). Uploads are small (at most 5 MB each).
/// </summary>
public sealed class FileStore(TandemDb db)
{
    /// <summary>A new file in <paramref name="area"/>, added to the context: it is stored by the same SaveChanges as the row that points at it, or not at all.</summary>
    public StoredFile Add(string area, byte[] content, DateTime at)
    {
        var file = new StoredFile($"{area}/{Guid.NewGuid():N}", content, at);
        db.Add(file);
        return file;
    }

    /// <summary>The bytes of these files, by key, in one query (absent keys are left out).</summary>
    public Task<Dictionary<string, byte[]>> ReadAllAsync(IReadOnlyCollection<string> keys, CancellationToken ct) =>
        db.Set<StoredFile>().AsNoTracking().Where(f => keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, f => f.Content, ct);

    /// <summary>The stored file for reading, or null when it is gone.</summary>
    public async Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        var content = await db.Set<StoredFile>().AsNoTracking().Where(f => f.Key == key).Select(f => f.Content).SingleOrDefaultAsync(ct);
        return content is null ? null : new MemoryStream(content, writable: false);
    }
}

/// <summary>One uploaded file's bytes.</summary>
public sealed class StoredFile
{
    private StoredFile() { }

    public StoredFile(string key, byte[] content, DateTime createdAt)
    {
        Key = key;
        Content = content;
        Length = content.LongLength;
        CreatedAt = createdAt;
    }

    public string Key { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public long Length { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public void Configure(EntityTypeBuilder<StoredFile> file)
    {
        file.ToTable("StoredFiles");
        file.HasKey(f => f.Key);
        file.Property(f => f.Key).HasMaxLength(100);
        file.Property(f => f.Content).IsRequired();
    }
}
