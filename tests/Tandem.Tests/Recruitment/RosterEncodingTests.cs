using System.Text;
using Tandem.Features.Recruitment;

namespace Tandem.Tests.Recruitment;

/// <summary>How the bytes of a roster file become text: never with U+FFFD in someone's name.</summary>
public sealed class RosterEncodingTests
{
    private const string Header = "email,first_name,last_name,role\n";

    /// <summary>"zoe@x.test,Zoë,Brontë,mentee" as Excel on Windows saves it: ë is the single byte 0xEB.</summary>
    public static byte[] Windows1252Row => [.. Encoding.ASCII.GetBytes(Header + "zoe@x.test,Zo"), 0xEB, .. ","u8, .. "Bront"u8, 0xEB, .. ",mentee\n"u8];

    [Fact]
    public void Utf16LittleAndBigEndianWithAByteOrderMarkAreReadCorrectly()
    {
        var text = Header + "zoe@x.test,Zoë,Brontë,mentee\n";
        byte[] little = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];
        byte[] big = [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)];

        var fromLittle = RosterEncoding.Decode(new RosterFile(little, null));
        var fromBig = RosterEncoding.Decode(new RosterFile(big, null));

        Assert.Equal((text, "utf-16le"), (fromLittle.Value!.Text, fromLittle.Value.Encoding));
        Assert.Equal((text, "utf-16be"), (fromBig.Value!.Text, fromBig.Value.Encoding));
    }

    [Fact]
    public void AUtf8ByteOrderMarkIsDroppedAndTheRestReadAsUtf8()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Header + "zoe@x.test,Zoë,Brontë,mentee\n")];

        var decoded = RosterEncoding.Decode(new RosterFile(bytes, "windows-1252"));

        Assert.Equal(Header + "zoe@x.test,Zoë,Brontë,mentee\n", decoded.Value!.Text);
        Assert.Equal("utf-8", decoded.Value.Encoding);
    }

    [Fact]
    public void DeclaredWindows1252IsReadAsWindows1252()
    {
        var decoded = RosterEncoding.Decode(new RosterFile(Windows1252Row, "windows-1252"));

        Assert.Equal(Header + "zoe@x.test,Zoë,Brontë,mentee\n", decoded.Value!.Text);
        Assert.Equal("windows-1252", decoded.Value.Encoding);
    }

    [Fact]
    public void UndeclaredBytesThatAreClearlyWindows1252AreReadAsWindows1252()
    {
        var decoded = RosterEncoding.Decode(new RosterFile(Windows1252Row, null));

        Assert.Equal(Header + "zoe@x.test,Zoë,Brontë,mentee\n", decoded.Value!.Text);
        Assert.Equal("windows-1252", decoded.Value.Encoding);
    }

    [Fact]
    public void UndeclaredBytesThatAreNeitherUtf8NorClearlyWindows1252AreRefusedNamingTheRow()
    {
        // "Иван,Петров" in Windows-1251 (Cyrillic): whole words of high bytes, which Windows-1252 would turn into nonsense.
        byte[] cyrillic = [.. Encoding.ASCII.GetBytes(Header + "ivan@x.test,"), 0xC8, 0xE2, 0xE0, 0xED, .. ","u8, 0xCF, 0xE5, 0xF2, 0xF0, 0xEE, 0xE2, .. ",mentee\n"u8];

        var decoded = RosterEncoding.Decode(new RosterFile(cyrillic, null));

        var error = Assert.Single(Assert.IsType<RosterInvalid>(decoded.Failure).Errors);
        Assert.Equal(2, error.Row);
        Assert.Contains("not valid UTF-8", error.Message);
        Assert.Contains("0xC8", error.Message);
    }

    [Fact]
    public void DeclaredUtf8ThatIsNotUtf8IsRefusedNotReplaced()
    {
        var decoded = RosterEncoding.Decode(new RosterFile(Windows1252Row, "utf-8"));

        var error = Assert.Single(Assert.IsType<RosterInvalid>(decoded.Failure).Errors);
        Assert.Equal(2, error.Row);
        Assert.Contains("windows-1252", error.Message);
    }

    [Fact]
    public void BytesWindows1252LeavesUndefinedAreRefusedEvenWhenDeclared()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes(Header + "a@x.test,A"), 0x81, .. ",B,mentee\n"u8];

        var decoded = RosterEncoding.Decode(new RosterFile(bytes, "windows-1252"));

        Assert.Equal(2, Assert.Single(Assert.IsType<RosterInvalid>(decoded.Failure).Errors).Row);
    }

    [Fact]
    public void BrokenUtf16AndUnknownCharsetsAreRefused()
    {
        byte[] loneSurrogate = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("email"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes(",x\n")];

        Assert.IsType<RosterInvalid>(RosterEncoding.Decode(new RosterFile(loneSurrogate, null)).Failure);
        Assert.Contains("not supported", Assert.IsType<RosterInvalid>(RosterEncoding.Decode(new RosterFile("a"u8.ToArray(), "ebcdic")).Failure).Errors[0].Message);
    }

    [Fact]
    public void NoDecodedRosterEverHoldsAReplacementCharacter()
    {
        var random = new Random(20270101);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            // (UTF-16 is strict too, but random pairs can spell U+FFFD itself.)
            foreach (var charset in new[] { null, "utf-8", "windows-1252" })
            {
                var decoded = RosterEncoding.Decode(new RosterFile(bytes, charset));
                Assert.True(decoded.Failure is not null || !decoded.Value!.Text.Contains('\uFFFD'), $"U+FFFD from {Convert.ToHexString(bytes)} as {charset}");
            }
        }
    }
}
