using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Programs;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed class ExportJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task AnXlsxExportOpensWithTheExpectedRows()
    {
        var page = await server.NewPageAsync();
        try
        {
            // The coordinator goes from the program to its exports and downloads the participants as Excel.
            await server.SignInAsync(page, "Coordinator");
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}");
            await page.GetByRole(AriaRole.Link, new() { Name = "Exports", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Exports", Level = 1 })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Link, new() { Name = "Excel of participants", Exact = true }).ClickAsync());
            Assert.Equal("participants.xlsx", download.SuggestedFilename);
            var file = Path.Combine(Path.GetTempPath(), $"tandem-participants-{Guid.NewGuid():N}.xlsx");
            await download.SaveAsAsync(file);

            // Opened as a spreadsheet program opens it: one sheet, the header, then one row per participant.
            List<string[]> rows;
            string sheetName;
            try
            {
                using var document = SpreadsheetDocument.Open(file, false);
                var workbook = document.WorkbookPart!;
                var sheet = Assert.Single(workbook.Workbook.Sheets!.Elements<Sheet>());
                sheetName = sheet.Name!;
                var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
                rows = part.Worksheet.Descendants<Row>()
                    .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray())
                    .ToList();
            }
            finally
            {
                File.Delete(file);
            }

            Assert.Equal("Participants", sheetName);
            Assert.Equal(["Name", "Email", "Role", "Enrolled (UTC)"], rows[0]);
            var expected = await ParticipantsAsync();
            Assert.Equal(expected.Count, rows.Count - 1);
            Assert.Equal(expected.OrderBy(p => p.Email, StringComparer.Ordinal), rows.Skip(1).Select(r => (r[0], r[1], r[2])).OrderBy(p => p.Item2, StringComparer.Ordinal));
            Assert.Contains(rows, r => r[..3].SequenceEqual(["Morgan Mentor", server.Demo.For("Mentor").Email, "Mentor"]));
            Assert.Contains(rows, r => r[..3].SequenceEqual(["Jamie Mentee", server.Demo.For("Mentee").Email, "Mentee"]));
            Assert.DoesNotContain(rows, r => r[1] == server.Demo.For("Coordinator").Email); // staff are not participants
            Assert.All(rows.Skip(1), r => Assert.True(double.TryParse(r[3], System.Globalization.CultureInfo.InvariantCulture, out _), $"'{r[3]}' is not a date serial"));
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "export-xlsx", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The demo program's mentors and mentees as the database holds them.</summary>
    private async Task<List<(string Name, string Email, string Role)>> ParticipantsAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var roles = new[] { ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer };
        var enrolled = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId && roles.Contains(e.Role))
            .Select(e => new { e.User!.DisplayName, e.User.Email, e.Role }).ToListAsync();
        return enrolled.Select(e => (e.DisplayName, e.Email!, e.Role.ToString())).ToList();
    }
}
