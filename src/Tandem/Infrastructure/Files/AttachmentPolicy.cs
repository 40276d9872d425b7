using System.Text;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Infrastructure.Files;

/// <summary>An uploaded file as the use case sees it, whatever it came through (the API's multipart form, the page's form).</summary>
public sealed record IncomingFile(string FileName, string? ContentType, long Length, Func<Stream> Open);

/// <summary>An attachment as checked: the name to keep, the type read from its bytes, and the bytes.</summary>
public sealed record CheckedAttachment(string Name, string ContentType, byte[] Content);

/// <summary>
/// The one upload check for files people download (message attachments, training files, the resource library): one
/// picture (PNG, JPEG), PDF or plain-text file of at most 5 MB. The type is read from the
/// file's first bytes, not taken from the name or the browser's word for it, and the file is served back with that type
/// as a download, so an upload can never become a page or a script on Tandem's address.
/// </summary>
public static class AttachmentPolicy
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public const int NameMax = 200;
    public const string Allowed = "a PNG or JPEG picture, a PDF, or a plain-text file";

    /// <summary>The file read once, with its checked name and type, or the failure to show.</summary>
    public static async Task<Outcome<CheckedAttachment>> ReadAsync(IncomingFile file, CancellationToken ct)
    {
        if (file.Length > MaxBytes)
        {
            return new TooLarge($"An attachment can be at most {MaxBytes / (1024 * 1024)} MB; this one is {file.Length / (1024.0 * 1024):0.#} MB.");
        }
        if (file.Length == 0)
        {
            return Invalid.Field("file", "The attachment is empty.");
        }
        var content = new byte[file.Length];
        await using (var stream = file.Open())
        {
            await stream.ReadExactlyAsync(content, ct);
        }
        var head = content.AsSpan(0, (int)Math.Min(content.Length, 8192));
        var type = Sniff(head, content.Length <= head.Length);
        return type is null
            ? Invalid.Field("file", $"“{SafeName(file.FileName)}” is not {Allowed}.")
            : new CheckedAttachment(SafeName(file.FileName), type, content);
    }

    private static string? Sniff(ReadOnlySpan<byte> head, bool whole)
    {
        if (head.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        // Plain text: UTF-8 without NUL or other control characters than tab and line breaks (a cut at the end of the
        // sample may split a character, so only a whole file must decode completely).
        var end = head.Length;
        if (!whole)
        {
            // Drop the last character, which the sample may have cut: its continuation bytes, then its lead byte.
            for (var k = 0; k < 3 && end > 0 && (head[end - 1] & 0xC0) == 0x80; k++) end--;
            if (end > 0 && head[end - 1] >= 0xC0) end--;
        }
        var sample = head[..end];
        if (sample.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || sample.IndexOfAnyInRange((byte)14, (byte)31) >= 0 || sample.Contains((byte)11) || sample.Contains((byte)12))
        {
            return null;
        }
        try
        {
            new UTF8Encoding(false, true).GetCharCount(sample);
            return "text/plain";
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The name to keep and show: the last part of what the browser sent, without control characters, at most
    /// <paramref name="max"/> characters (UTF-16 units, as the columns count them).
    /// </summary>
    /// <remarks>
    /// A longer name loses the end of its stem, never its extension (a long "….pdf" cut short was no longer named for
    /// what it is, and the training and resource uploads refused it), and is cut between whole characters: a cut inside
    /// an emoji's surrogate pair left half a character that PostgreSQL's driver cannot encode, and the message failed with a 500.
    /// </remarks>
    public static string SafeName(string? name, int max = NameMax)
    {
        var last = Path.GetFileName((name ?? "").Replace('\\', '/').Split('/')[^1]);
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0)
        {
            clean = "attachment";
        }
        if (clean.Length <= max)
        {
            return clean;
        }
        var extension = Path.GetExtension(clean);
        if (extension.Length > ExtensionMax || extension.Length >= clean.Length)
        {
            extension = "";
        }
        var stem = WholeCharacters.Within(clean[..^extension.Length], max - extension.Length).TrimEnd();
        if (stem.Length > 0)
        {
            return stem + extension;
        }
        // One "character" longer than the limit (a letter under hundreds of combining marks): cut it, but never inside a surrogate pair.
        var whole = WholeCharacters.Within(clean, max);
        return whole.Length > 0 ? whole : clean[..(char.IsHighSurrogate(clean[max - 1]) ? max - 1 : max)];
    }

    /// <summary>An extension longer than this is taken as part of the name (a "name.with a long sentence" has none to keep).</summary>
    private const int ExtensionMax = 10;

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".pdf"] = "application/pdf",
        [".txt"] = "text/plain",
        [".md"] = "text/plain",
        [".csv"] = "text/plain",
    };

    /// <summary>
    /// Why the file's name or declared type does not match its contents (read from its bytes); null when they agree: a name
    /// ending .pdf (or a browser's word application/pdf) must hold a PDF, so a file whose extension lies is refused.
    /// </summary>
    public static string? Mismatch(CheckedAttachment file, string? declaredType)
    {
        var extension = Path.GetExtension(file.Name);
        if (!ByExtension.TryGetValue(extension, out var named))
        {
            return $"“{file.Name}” should be named for what it is: .pdf, .png, .jpg, .txt or .md.";
        }
        if (named != file.ContentType)
        {
            return $"“{file.Name}” is named as {Describe(named)} but its contents are {Describe(file.ContentType)}; it was not stored.";
        }
        var declared = declaredType?.Split(';')[0].Trim().ToLowerInvariant();
        if (declared is { Length: > 0 } and not "application/octet-stream" && declared != file.ContentType
            && !(file.ContentType == "text/plain" && declared.StartsWith("text/", StringComparison.Ordinal)))
        {
            return $"“{file.Name}” was sent as {declared} but its contents are {Describe(file.ContentType)}; it was not stored.";
        }
        return null;
    }

    private static string Describe(string type) => type switch
    {
        "image/png" => "a PNG picture",
        "image/jpeg" => "a JPEG picture",
        "application/pdf" => "a PDF",
        _ => "plain text",
    };
}
