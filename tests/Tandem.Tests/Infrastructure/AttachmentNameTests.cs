using System.Text;
using Tandem.Infrastructure.Files;

namespace Tandem.Tests.Infrastructure;

/// <summary>The name an upload is kept under (AttachmentPolicy.SafeName): short enough for its column, whole characters, its extension kept.</summary>
public sealed class AttachmentNameTests
{
    [Fact]
    public void ALongNameKeepsItsExtension()
    {
        var name = AttachmentPolicy.SafeName(new string('x', 300) + ".pdf");
        Assert.Equal(AttachmentPolicy.NameMax, name.Length);
        Assert.EndsWith("x.pdf", name);
    }

    [Fact]
    public void ALongNameIsNeverCutInsideACharacter()
    {
        // 199 letters then emoji: the 200th and 201st UTF-16 units are one emoji, which used to be cut in half.
        var name = AttachmentPolicy.SafeName(new string('a', 199) + string.Concat(Enumerable.Repeat("😀", 10)));
        Assert.Equal(new string('a', 199), name);
        var withExtension = AttachmentPolicy.SafeName(new string('b', 195) + string.Concat(Enumerable.Repeat("😀", 10)) + ".txt");
        Assert.Equal(new string('b', 195) + ".txt", withExtension);
        foreach (var kept in new[] { name, withExtension, AttachmentPolicy.SafeName(string.Concat(Enumerable.Repeat("👩‍👩‍👧", 60)) + ".png") })
        {
            Assert.True(kept.Length <= AttachmentPolicy.NameMax);
            // Strict UTF-8 refuses a lone surrogate, as PostgreSQL's driver does.
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(kept);
        }
    }

    [Theory]
    [InlineData("drawing.png", "drawing.png")]
    [InlineData("../../drawing.png", "drawing.png")]
    [InlineData("C:\\Users\\me\\notes.txt", "notes.txt")]
    [InlineData("  ", "attachment")]
    public void AShortNameIsItsLastPart(string sent, string kept) => Assert.Equal(kept, AttachmentPolicy.SafeName(sent));

    [Fact]
    public void AVeryLongLastCharacterIsStillCutShort()
    {
        var name = AttachmentPolicy.SafeName("e" + new string('\u0301', 400));
        Assert.Equal(AttachmentPolicy.NameMax, name.Length);
    }
}
