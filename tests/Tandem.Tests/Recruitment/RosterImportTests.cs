using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

public sealed class RosterImportTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private Task<int> InvitationCountAsync(Guid programId) =>
        fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Invitation>().CountAsync(i => i.ProgramId == programId));

    [Fact]
    public async Task AnInvalidRosterWritesNothingAndReportsEveryBadRow()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var good = RecruitmentFixture.Email("good");
        var dup = RecruitmentFixture.Email("dup");
        var csv = $"""
            email,first_name,last_name,role,time_zone,shoe_size
            {good},Gus,Good,mentee,Europe/London,
            not-an-email,Bad,Email,mentee,,
            {dup},Dee,Up,mentor,,
            {dup.ToUpperInvariant()},Dee,Again,mentee,,
            {RecruitmentFixture.Email("role")},Rho,Le,captain,,
            {RecruitmentFixture.Email("noname")},,Nameless,mentee,,
            {RecruitmentFixture.Email("zone")},Zed,Zone,mentee,Mars/Olympus,
            {school.Coordinator.Email},Cora,Ordinator,mentee,,
            """;

        var preview = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/preview", Csv(csv));
        Assert.True(preview.StatusCode == HttpStatusCode.OK, await preview.Content.ReadAsStringAsync());
        var report = (await preview.Content.ReadFromJsonAsync<RosterPreview>(Json.Options))!;
        Assert.False(report.IsValid);
        Assert.Equal(8, report.RowCount);
        var errors = report.Errors.Select(e => (e.Row, e.Column)).ToList();
        Assert.Contains((1, "shoe_size"), errors);
        Assert.Contains((3, "email"), errors);
        Assert.Contains((5, "email"), errors);
        Assert.Contains((6, "role"), errors);
        Assert.Contains((7, "first_name"), errors);
        Assert.Contains((8, "time_zone"), errors);
        Assert.DoesNotContain(report.Errors, e => e.Row is 2 or 4 or 9);
        Assert.Contains("duplicate of row 4", report.Errors.Single(e => e.Row == 5).Message);

        var import = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import", Csv(csv));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        var problem = await import.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(report.Errors.Count, problem.GetProperty("rows").GetArrayLength());
        Assert.Equal(0, await InvitationCountAsync(program.Id));
        Assert.Equal(0, fixture.Smtp.CountFor(good));
    }

    [Fact]
    public async Task AMissingRequiredColumnIsReportedOnTheHeaderRow()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();

        var response = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/preview",
            Csv($"email,first_name,role\n{RecruitmentFixture.Email("a")},Ann,mentee\n"));

        var report = (await response.Content.ReadFromJsonAsync<RosterPreview>(Json.Options))!;
        var error = Assert.Single(report.Errors);
        Assert.Equal((1, "last_name"), (error.Row, error.Column));
    }

    [Fact]
    public async Task PeopleAlreadyEnrolledOrInvitedAreReported()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var invited = RecruitmentFixture.Email("invited");
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = invited, role = "Mentor" })).EnsureSuccessStatusCode();

        var response = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import",
            Csv($"email,first_name,last_name,role\n{school.Mentee.Email},Menna,Tee,mentee\n{invited},In,Vited,mentor\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rows = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray().ToList();
        Assert.Contains("already takes part", rows[0].GetProperty("message").GetString());
        Assert.Contains("open invitation", rows[1].GetProperty("message").GetString());
        Assert.Equal(1, await InvitationCountAsync(program.Id));
    }

    [Fact]
    public async Task AValidRosterUploadedAsAFileInvitesEveryRowAndSendsTheirEmails()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var emails = Enumerable.Range(1, 3).Select(i => RecruitmentFixture.Email($"row{i}")).ToList();
        var csv = "\uFEFFEmail,First Name,Last Name,Role,Time Zone,Year\n"
            + $"{emails[0]},\"Smith, Jr.\",Ann,Mentor,Europe/Paris,Year 10\n{emails[1]},Bo,Bee,mentee,,Year 7\n{emails[2]},Cy,Sea,MENTEE,,\n";
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "roster.csv" } };

        // A file upload is a form, which another site could post too: the app's own page supplies the antiforgery token.
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programs/{program.Id}/roster/import") { Content = form };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(coordinator, "/account/password"));
        var response = await coordinator.SendAsync(upload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new RosterImportResult(3, 3), await response.Content.ReadFromJsonAsync<RosterImportResult>(Json.Options));
        foreach (var email in emails)
        {
            var message = Assert.Single(await fixture.Smtp.ForAsync(email));
            RecruitmentFixture.TokenIn(message, program.Id, email == emails[0] ? "mentor" : "mentee");
        }
        var list = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{program.Id}/invitations", Json.Options))!;
        Assert.Equal(3, list.TotalCount);
        Assert.All(list.Items, i => Assert.Equal(InvitationSource.Roster, i.Source));
        Assert.Contains(list.Items, i => i.FirstName == "Smith, Jr.");
    }

    [Fact]
    public async Task ARosterOverTheSizeLimitIsRefusedWith413()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var csv = "email,first_name,last_name,role\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"person{i}@big.test,Big,File,mentee\n"));

        var response = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import", Csv(csv));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await InvitationCountAsync(program.Id));
    }

    [Fact]
    public async Task OnlyCoordinatorsImportRosters()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var outsider = await fixture.SignInAsync(school.Outsider);

        var response = await outsider.PostAsync($"/api/v1/programs/{program.Id}/roster/import", Csv("email,first_name,last_name,role\n"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(int Code, string Out, string Err)> CliAsync(Guid programId, string csv, params string[] extra)
    {
        var path = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv);
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

    [Fact]
    public async Task TheImportCommandExitsWith2AndListsEveryRowErrorWhenTheRosterIsInvalid()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var csv = $"email,first_name,last_name,role\nnope,A,B,mentee\n{RecruitmentFixture.Email("ok")},C,D,pilot\n";

        var (code, _, stderr) = await CliAsync(program.Id, csv);

        Assert.Equal(2, code);
        Assert.Contains("row 2, email:", stderr);
        Assert.Contains("row 3, role:", stderr);
        Assert.Equal(0, await InvitationCountAsync(program.Id));
    }

    [Fact]
    public async Task TheImportCommandImportsAValidRosterAndSendsTheInvitations()
    {
        var (_, _, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("cli");
        var csv = $"email,first_name,last_name,role\n{email},Cli,Ent,mentee\n";

        var (dryCode, dryOut, _) = await CliAsync(program.Id, csv, "--dry-run");
        Assert.Equal(0, dryCode);
        Assert.Contains("1 rows are valid", dryOut);
        Assert.Equal(0, await InvitationCountAsync(program.Id));

        var (code, stdout, stderr) = await CliAsync(program.Id, csv);

        Assert.True(code == 0, stderr);
        Assert.Contains("Invited 1 people; 1 e-mails sent.", stdout);
        Assert.Single(await fixture.Smtp.ForAsync(email));
        Assert.Equal(1, await InvitationCountAsync(program.Id));
    }

    [Fact]
    public async Task TheImportCommandExitsWith1ForAnUnknownProgram()
    {
        var (code, _, stderr) = await CliAsync(Guid.NewGuid(), "email,first_name,last_name,role\n");

        Assert.Equal(1, code);
        Assert.Contains("No program", stderr);
    }
}
