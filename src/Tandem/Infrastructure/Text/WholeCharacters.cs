using System.Globalization;

namespace Tandem.Infrastructure.Text;

/// <summary>
/// Text cut to a length without splitting a character: a cut inside a surrogate pair leaves half an emoji, which
/// PostgreSQL refuses to store (invalid UTF-8) and a page shows as a broken glyph; a cut inside a text element parts a
/// letter from its accent.
/// </summary>
public static class WholeCharacters
{
    /// <summary>The longest start of <paramref name="text"/> of at most <paramref name="max"/> UTF-16 units that ends between two text elements.</summary>
    public static string Within(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var end = 0;
        while (end < text.Length)
        {
            var next = StringInfo.GetNextTextElementLength(text.AsSpan(end));
            if (end + next > max)
            {
                break;
            }
            end += next;
        }
        return text[..end];
    }
}
