using System.Buffers;
using System.Text;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>A roster file as it arrived: its bytes and the charset it declared (a Content-Type parameter, the page's choice, the CLI's --encoding), if any.</summary>
public sealed record RosterFile(byte[] Bytes, string? Charset);

/// <summary>A roster's text and the encoding it was read with (null when it arrived as text, e.g. a confirmation).</summary>
public sealed record RosterText(string Text, string? Encoding);

/// <summary>
/// Turns a roster file's bytes into text without ever guessing silently (docs/formats.md, "Roster CSV"):
/// a byte-order mark decides (UTF-8, UTF-16 LE or BE); otherwise a declared charset decides; otherwise the
/// bytes must be UTF-8, or be clearly Windows-1252 (what Excel on Windows saves as "CSV (Comma delimited)").
/// Bytes that are invalid in the chosen encoding are an error naming the row, never U+FFFD replacement
/// characters in someone's name.
/// </summary>
public static class RosterEncoding
{
    public const string Utf8 = "utf-8";
    public const string Utf16LittleEndian = "utf-16le";
    public const string Utf16BigEndian = "utf-16be";
    public const string Windows1252 = "windows-1252";

    /// <summary>The charsets a roster may declare, as the page offers them.</summary>
    public static readonly IReadOnlyList<string> Declarable = [Utf8, Utf16LittleEndian, Utf16BigEndian, Windows1252];

    // In the .NET shared framework but not registered by default; used directly so that no global state changes.
    private static readonly Encoding Windows1252Strict =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;

    // Bytes Windows-1252 leaves undefined: a file holding them is not Windows-1252 text.
    private static readonly SearchValues<byte> Undefined1252 = SearchValues.Create([0x81, 0x8D, 0x8F, 0x90, 0x9D]);

    private const string HowToFix = "Save it as \"CSV UTF-8\" and upload it again, or, if it was saved as Windows-1252 (\"CSV (Comma delimited)\" in Excel on Windows), choose that encoding (charset=windows-1252).";

    public static Outcome<RosterText> Decode(RosterFile file)
    {
        var bytes = file.Bytes.AsSpan();
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return DecodeUtf8(bytes[3..]);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return DecodeUtf16(bytes[2..], bigEndian: false);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return DecodeUtf16(bytes[2..], bigEndian: true);
        }
        switch (Canonical(file.Charset))
        {
            case null:
                if (System.Text.Unicode.Utf8.IsValid(bytes))
                {
                    return DecodeUtf8(bytes);
                }
                return IsClearlyWindows1252(bytes) ? DecodeWindows1252(bytes) : DecodeUtf8(bytes);
            case Utf8:
                return DecodeUtf8(bytes);
            case Utf16LittleEndian:
                return DecodeUtf16(bytes, bigEndian: false);
            case Utf16BigEndian:
                return DecodeUtf16(bytes, bigEndian: true);
            case Windows1252:
                return DecodeWindows1252(bytes);
            default:
                return Refuse(1, $"The encoding '{file.Charset}' is not supported; use UTF-8, UTF-16 or Windows-1252.");
        }
    }

    /// <summary>The encoding a declared charset names, null when none is declared, "" when it is unknown.</summary>
    public static string? Canonical(string? charset)
    {
        var name = charset?.Trim().Trim('"').ToLowerInvariant();
        return name switch
        {
            null or "" or "auto" => null,
            "utf-8" or "utf8" or "us-ascii" or "ascii" => Utf8,
            "utf-16" or "utf-16le" or "unicode" => Utf16LittleEndian,
            "utf-16be" => Utf16BigEndian,
            // WHATWG: iso-8859-1 and latin1 labels mean windows-1252, which is what such files really hold.
            "windows-1252" or "cp1252" or "iso-8859-1" or "latin1" or "l1" => Windows1252,
            _ => "",
        };
    }

    private static Outcome<RosterText> DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            return Refuse(RowAt(bytes, read), $"The file is not valid UTF-8 (byte 0x{bytes[read]:X2} on this row cannot be read). {HowToFix}");
        }
        return new RosterText(new string(chars, 0, written), Utf8);
    }

    private static Outcome<RosterText> DecodeUtf16(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true);
        try
        {
            return new RosterText(encoding.GetString(bytes), bigEndian ? Utf16BigEndian : Utf16LittleEndian);
        }
        catch (DecoderFallbackException)
        {
            return Refuse(1, $"The file is marked as UTF-16{(bigEndian ? " (big-endian)" : "")} but is not valid UTF-16. {HowToFix}");
        }
    }

    private static Outcome<RosterText> DecodeWindows1252(ReadOnlySpan<byte> bytes)
    {
        var undefined = bytes.IndexOfAny(Undefined1252);
        if (undefined >= 0)
        {
            return Refuse(RowAt(bytes, undefined), $"The file is not Windows-1252 text (byte 0x{bytes[undefined]:X2} on this row is not a character in it). Save it as \"CSV UTF-8\" and upload it again.");
        }
        return new RosterText(Windows1252Strict.GetString(bytes), Windows1252);
    }

    /// <summary>
    /// Not UTF-8, but Western European text in Windows-1252: every run of non-ASCII bytes is at most three long
    /// and touches an ASCII letter (Zoë, José, Müßig), there are no control bytes and no bytes Windows-1252
    /// leaves undefined. Text in another single-byte code page (Cyrillic, Greek) is whole words of non-ASCII
    /// bytes and fails this, so it is refused rather than read as nonsense.
    /// </summary>
    internal static bool IsClearlyWindows1252(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOfAny(Undefined1252) >= 0)
        {
            return false;
        }
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
            if (b < 0x80)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < bytes.Length && bytes[i] >= 0x80)
            {
                i++;
            }
            var touchesLetter = (start > 0 && char.IsAsciiLetter((char)bytes[start - 1])) || (i < bytes.Length && char.IsAsciiLetter((char)bytes[i]));
            if (i - start > 3 || !touchesLetter)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The spreadsheet row (1-based) holding a byte offset.</summary>
    private static int RowAt(ReadOnlySpan<byte> bytes, int offset) => bytes[..Math.Min(offset, bytes.Length)].Count((byte)'\n') + 1;

    private static RosterInvalid Refuse(int row, string message) => new([new RosterError(row, null, message)]);
}
