using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>Roster files as people really save them (encodings, stray NUL bytes), and uploads from people who may not make them.</summary>
public sealed partial class RosterUploadTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private const string Header = "email,first_name,last_name,role\n";

    private static ByteArrayContent Bytes(byte[] bytes, string contentType) =>
        new(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private Task<List<Invitation>> InvitationsAsync(Guid programId) =>
        fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Invitation>().Where(i => i.ProgramId == programId).ToListAsync());

    /// <summary>One mentee row in Windows-1252 bytes: ë is the single byte 0xEB.</summary>
    private static byte[] Windows1252(string email) =>
        [.. Encoding.ASCII.GetBytes($"{Header}{email},Zo"), 0xEB, .. ","u8, .. "Bront"u8, 0xEB, .. ",mentee\n"u8];

    [Fact]
    public async Task ARosterDeclaredAsWindows1252IsImportedWithItsAccents()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("zoe");
        var body = Bytes(Windows1252(email), "text/csv; charset=windows-1252");

        var preview = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/preview", Bytes(Windows1252(email), "text/csv; charset=windows-1252"));
        var import = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import", body);

        var json = await preview.Content.ReadAsStringAsync();
        var report = JsonSerializer.Deserialize<RosterPreview>(json, Json.Options)!;
        Assert.Equal("windows-1252", JsonDocument.Parse(json).RootElement.GetProperty("encoding").GetString());
        Assert.Equal(("Zoë", "Brontë"), (report.Rows.Single().FirstName, report.Rows.Single().LastName));
        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        var invitation = Assert.Single(await InvitationsAsync(program.Id));
        Assert.Equal(("Zoë", "Brontë"), (invitation.FirstName, invitation.LastName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AUtf16RosterWithAByteOrderMarkIsImportedCorrectly(bool bigEndian)
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("utf16");
        var text = $"{Header}{email},Zoë,Ødegård,mentee\n";
        var encoding = bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode;
        byte[] file = [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programs/{program.Id}/roster/import")
        {
            Content = new MultipartFormDataContent { { Bytes(file, "text/csv"), "file", "roster.csv" } },
        };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(coordinator, "/account/password"));

        var response = await coordinator.SendAsync(upload);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var invitation = Assert.Single(await InvitationsAsync(program.Id));
        Assert.Equal((email, "Zoë", "Ødegård"), (invitation.Email, invitation.FirstName, invitation.LastName));
    }

    [Fact]
    public async Task ARosterThatIsNotUtf8IsReportedAndNeverImportedWithReplacementCharacters()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        // Windows-1251 (Cyrillic) bytes: not UTF-8, and not clearly Windows-1252 either.
        byte[] file = [.. Encoding.ASCII.GetBytes($"{Header}{RecruitmentFixture.Email("ivan")},"), 0xC8, 0xE2, 0xE0, 0xED, .. ",Petrov,mentee\n"u8];

        var preview = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/preview", Bytes(file, "text/csv"));
        var import = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import", Bytes(file, "text/csv"));

        var report = (await preview.Content.ReadFromJsonAsync<RosterPreview>(Json.Options))!;
        var error = Assert.Single(report.Errors);
        Assert.Equal(2, error.Row);
        Assert.Contains("not valid UTF-8", error.Message);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        Assert.Contains("not valid UTF-8", (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0].GetProperty("message").GetString());
        Assert.Empty(await InvitationsAsync(program.Id));
    }

    [Fact]
    public async Task ARosterRowHoldingANulCharacterIsReportedInThePreviewAndNothingIsImported()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var csv = $"{Header}{RecruitmentFixture.Email("ok")},Ann,Able,mentee\n{RecruitmentFixture.Email("nul")},Nu\0l,Byte,mentee\n";

        var preview = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/preview", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var import = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var error = Assert.Single((await preview.Content.ReadFromJsonAsync<RosterPreview>(Json.Options))!.Errors);
        Assert.Equal((3, "first_name"), (error.Row, error.Column));
        Assert.Contains("NUL", error.Message);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        Assert.Empty(await InvitationsAsync(program.Id));
    }

    [Fact]
    public async Task AStrangersUploadIsRefusedWith404BeforeItsBodyIsRead()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var stranger = await fixture.SignInAsync(school.Outsider);
        const long size = 8 * 1024 * 1024; // far over the fixture's 20 KB limit

        foreach (var action in new[] { "preview", "import" })
        {
            var body = new CountingStream(size);
            var content = new StreamContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };

            var response = await stranger.PostAsync($"/api/v1/programs/{program.Id}/roster/{action}", content);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(body.BytesRead < size / 2, $"{action}: the server read {body.BytesRead} bytes of a stranger's upload");
        }
    }

    [Fact]
    public async Task TheRosterPageReadsAWindows1252FileWhenAskedAndSaysSo()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var path = $"/programs/{program.Id}/roster";
        var email = RecruitmentFixture.Email("page-zoe");
        var page = await coordinator.GetStringAsync(path);
        var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value)), "__RequestVerificationToken" },
            { new StringContent("upload"), "_handler" },
            { new StringContent("windows-1252"), "Encoding" },
            { new ByteArrayContent(Windows1252(email)), "RosterFile", "roster.csv" },
        };

        var previewed = await coordinator.PostAsync(path, form);
        var html = WebUtility.HtmlDecode(await previewed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        Assert.Contains("read as Windows-1252", html);
        Assert.Contains("Zoë Brontë", html);
        var confirmed = await new PageClient(coordinator).SubmitAsync(path, "confirm", [new("Csv", HiddenCsv().Match(html).Groups[1].Value)]);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("Zoë", Assert.Single(await InvitationsAsync(program.Id)).FirstName);
    }

    [Fact]
    public async Task TheImportCommandReadsWindows1252AndRefusesBytesThatAreNotText()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("cli-zoe");

        var (code, _, stderr) = await CliAsync(program.Id, Windows1252(email), "--encoding", "windows-1252");
        var (badCode, _, badStderr) = await CliAsync(program.Id, [.. Encoding.ASCII.GetBytes($"{Header}{RecruitmentFixture.Email("x")},"), 0xC8, 0xE2, 0xE0, 0xED, .. ",P,mentee\n"u8]);

        Assert.True(code == 0, stderr);
        Assert.Equal("Brontë", Assert.Single(await InvitationsAsync(program.Id)).LastName);
        Assert.Equal(2, badCode);
        Assert.Contains("row 2: The file is not valid UTF-8", badStderr);
    }

    private async Task<(int Code, string Out, string Err)> CliAsync(Guid programId, byte[] file, params string[] extra)
    {
        var path = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, file);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await TandemCli.RunAsync(
            [
                "import", "roster", path, "--program", programId.ToString(), .. extra,
                $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}",
                "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={fixture.Smtp.Port}", "--Email:Smtp:Security=None",
                "--Email:PublicBaseUrl=https://tandem.test", "--Logging:LogLevel:Default=Warning",
            ], stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("name=\"Csv\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenCsv();

    /// <summary>A request body of the given size that counts how much of it the server pulled.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            buffer.AsSpan(offset, n).Fill((byte)'a');
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
