using System.Text;
using Tandem.Features.Home;

namespace Tandem.Tests.Home;

/// <summary>The initials on a home page are whole characters, never half of one (ADR 120).</summary>
public sealed class InitialsTests
{
    [Theory]
    [InlineData("Ada Lovelace", "AL")]
    [InlineData("\U0001D504da \U0001D505yron", "\U0001D504\U0001D505")] // mathematical Fraktur letters: two UTF-16 units each
    [InlineData("\U0001F469\u200D\U0001F4BB Coder", "\U0001F469\u200D\U0001F4BBC")] // a woman technologist: one character of five units
    [InlineData("e\u0301mile zola", "E\u0301Z")] // an e and its combining accent stay together
    [InlineData("\U0001F600", "\U0001F600")]
    [InlineData("  ", "?")]
    public void InitialsAreWholeCharacters(string name, string expected)
    {
        var initials = GetMyHome.Initials(name);

        Assert.Equal(expected, initials);
        // Valid UTF-16: a lone surrogate would not survive a strict encoder.
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(initials);
    }
}
