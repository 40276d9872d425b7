using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Exports;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Surveys;
using static Tandem.Tests.Exports.ExportTests;

namespace Tandem.Tests.Exports;

/// <summary>
/// A survey's results as CSV and XLSX (issue 11, item 6): what its results page and its list by person show, under
/// the same rules (nothing for fewer than five answers, nobody behind an anonymous answer), for its coordinators only.
/// </summary>
public sealed class SurveyExportTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly object[] Questions =
    [
        new { id = "topic", type = "SingleChoice", prompt = "What did you work on?", options = new[] { "Reading", "Maths" }, required = true },
        new { id = "help", type = "MultipleChoice", prompt = "What helped?", options = new[] { "Listening", "Examples", "Practice" } },
        new { id = "useful", type = "Rating", prompt = "How useful was it?", required = true },
        new { id = "word", type = "ShortText", prompt = "One word for it" },
        new { id = "rare", type = "LongText", prompt = "Anything else?" },
    ];

    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";

    /// <summary>Five mentees answer (the first one also the rare question, and a word that is a formula).</summary>
    private static async Task<(SurveyProgram World, Guid SurveyId)> AnsweredAsync(TandemFactory factory, bool anonymous, int answers = 5)
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 5, mentors: 0);
        var survey = await world.CreateAsync(new { title = "After the first month", anonymous, questions = Questions, audience = new[] { "Mentee" }, trigger = "Now" });
        await world.SendAsync(survey.Id);
        for (var i = 0; i < answers; i++)
        {
            var client = world.Mentees[i].Client;
            var invitation = (await SurveyProgram.MineAsync(client))[0].Id;
            object given = i == 0
                ? new { topic = "Reading", help = new[] { "Practice", "Listening" }, useful = 9, word = Formula, rare = "Only I wrote this" }
                : new { topic = i % 2 == 0 ? "Reading" : "Maths", useful = i, word = $"word{i}" };
            (await SurveyProgram.AnswerAsync(client, invitation, given)).EnsureSuccessStatusCode();
            world.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        return (world, survey.Id);
    }

    [Fact]
    public async Task ResultsAreExportedAsTheResultsPageShowsThemInCsvAndExcel()
    {
        var (world, surveyId) = await AnsweredAsync(factory, anonymous: false);
        var url = $"/api/v1/surveys/{surveyId}/exports/results";

        var csv = await CsvAsync(await world.Coordinator.GetAsync(url));

        Assert.Equal(ExportSurveyResults.ResultColumns, csv[0]);
        var topic = csv.Where(r => r[0] == "topic").ToList();
        Assert.Equal([["topic", "What did you work on?", "SingleChoice", "5", "Reading", "3"], ["topic", "What did you work on?", "SingleChoice", "5", "Maths", "2"]],
            topic.Select(r => r[..6]));
        var useful = csv.Where(r => r[0] == "useful").ToList();
        Assert.Equal(11, useful.Count); // 0 to 10
        Assert.All(useful, r => Assert.Equal(((9 + 1 + 2 + 3 + 4) / 5.0).ToString(System.Globalization.CultureInfo.InvariantCulture), r[6]));
        Assert.Equal("1", useful.Single(r => r[4] == "9")[5]);
        Assert.Equal(["'" + Formula, "word1", "word2", "word3", "word4"], csv.Where(r => r[0] == "word").Select(r => r[4]).Order(StringComparer.Ordinal));
        var rare = Assert.Single(csv, r => r[0] == "rare");
        Assert.Equal(["1", "", ""], rare[3..6]);
        Assert.Equal("Fewer than 5 answered this question, so its answers are not shown.", rare[9]);
        Assert.DoesNotContain(csv, r => r.Contains("Only I wrote this"));
        // "help": one person chose twice; four left it out, so fewer than five answered it.
        Assert.Equal("1", Assert.Single(csv, r => r[0] == "help")[3]);

        var (sheet, rows, cells) = await XlsxAsync(await world.Coordinator.GetAsync($"{url}?format=xlsx"));
        Assert.Equal("Survey results", sheet);
        // The same rows (text answers are shuffled on each reading, as on the page).
        Assert.Equal(csv.Select(r => string.Join("|", r)).Order(StringComparer.Ordinal), rows.Select(r => string.Join("|", r)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(cells, c => c.CellFormula is not null);
    }

    [Fact]
    public async Task BelowFiveAnswersTheExportSaysWhatThePageSaysAndHoldsNoAnswer()
    {
        var (world, surveyId) = await AnsweredAsync(factory, anonymous: false, answers: 4);
        var results = (await world.Coordinator.GetFromJsonAsync<Tandem.Features.Surveys.SurveyResults>($"/api/v1/surveys/{surveyId}/results", Json.Options))!;

        var csv = await CsvAsync(await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/results"));

        var only = Assert.Single(csv.Skip(1));
        Assert.Equal(["", "All questions", "", "4"], only[..4]);
        Assert.Equal(results.Message, only[9]);
        Assert.Contains("at least 5", only[9]);
        Assert.DoesNotContain(csv, r => r.Any(c => c.Contains("word", StringComparison.Ordinal) || c.Contains("HYPERLINK", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ANamedSurveysAnswersAreExportedPersonByPersonWithFormulasNeutralised()
    {
        var (world, surveyId) = await AnsweredAsync(factory, anonymous: false);
        var url = $"/api/v1/surveys/{surveyId}/exports/responses";

        var csv = await CsvAsync(await world.Coordinator.GetAsync(url));

        Assert.Equal(["Name", "Role", "Submitted (UTC)", "What did you work on?", "What helped?", "How useful was it?", "One word for it", "Anything else?"], csv[0]);
        Assert.Equal(["Mentee 4", "Mentee 3", "Mentee 2", "Mentee 1", "Mentee 0"], csv.Skip(1).Select(r => r[0])); // newest first, as the list
        var first = csv.Single(r => r[0] == "Mentee 0");
        var answeredAt = world.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5); // the first of five answers, a minute apart
        // Choices in the order the question lists them, as stored.
        Assert.Equal(["Mentee 0", "Mentee", answeredAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), "Reading", "Listening; Practice", "9", "'" + Formula, "Only I wrote this"], first);
        Assert.Equal(["Maths", "", "1", "word1", ""], csv.Single(r => r[0] == "Mentee 1")[3..]);

        var (sheet, rows, cells) = await XlsxAsync(await world.Coordinator.GetAsync($"{url}?format=xlsx"));
        Assert.Equal("Answers by person", sheet);
        Assert.Equal(csv.Select(r => r.Where((_, i) => i != 2)), rows.Select(r => r.Where((_, i) => i != 2))); // the time is a real date in Excel
        Assert.Equal(5, cells.Count(c => c.StyleIndex?.Value == 1));
        Assert.DoesNotContain(cells, c => c.CellFormula is not null);
    }

    [Fact]
    public async Task AnAnonymousSurveysExportNamesNobodyAndHasNoAnswersByPerson()
    {
        var (world, surveyId) = await AnsweredAsync(factory, anonymous: true);

        var csv = await CsvAsync(await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/results"));
        var (_, rows, _) = await XlsxAsync(await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/results?format=xlsx"));

        Assert.Contains(csv, r => r[4] == "word3"); // the answers are there, as totals and shuffled texts
        foreach (var text in csv.Concat(rows).SelectMany(r => r))
        {
            foreach (var mentee in world.Mentees)
            {
                Assert.DoesNotContain(mentee.User.DisplayName, text);
                Assert.DoesNotContain(mentee.User.Email, text);
                Assert.DoesNotContain(mentee.User.Id.ToString(), text);
            }
        }
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var refused = await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/responses?format={format}");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            Assert.Contains("anonymous", await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task OnlyTheSurveysCoordinatorsCanExportIt()
    {
        var (world, surveyId) = await AnsweredAsync(factory, anonymous: false);
        var otherProgram = await world.School.CreateProgramAsync(world.Coordinator, "Maths Circle");
        var otherCoordinator = await factory.CreateUserAsync("Otto Coordinator");
        await factory.AddMemberAsync(world.School.Organisation.Id, otherCoordinator, Tandem.Features.Organisations.OrganisationRole.Member);
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{otherProgram.Id}/enrolments", new { email = otherCoordinator.Email, role = "Coordinator" })).EnsureSuccessStatusCode();
        var otherSchool = await School.CreateAsync(factory);

        foreach (var kind in new[] { "results", "responses" })
        {
            var url = $"/api/v1/surveys/{surveyId}/exports/{kind}?format=xlsx";
            foreach (var client in new[]
            {
                world.Mentees[0].Client, await world.App.SignedInClientAsync(otherCoordinator), await world.App.SignedInClientAsync(otherSchool.Coordinator),
            })
            {
                var refused = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await factory.AnonymousClient().GetAsync(url)).StatusCode);
        }
        var unknown = await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/grades");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("results or responses", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await world.Coordinator.GetAsync($"/api/v1/surveys/{surveyId}/exports/results?format=pdf")).StatusCode);
    }

    [Fact]
    public async Task TheExportsPageAndTheSurveyPageLinkTheSurveysDownloads()
    {
        var (world, named) = await AnsweredAsync(factory, anonymous: false, answers: 0);
        var anonymous = (await world.CreateAsync(new { template = "NeedsAssessment" })).Id;

        var exports = await world.Coordinator.GetStringAsync($"/programs/{world.Program.Id}/exports");
        var namedPage = await world.Coordinator.GetStringAsync($"/surveys/{named}");
        var anonymousPage = await world.Coordinator.GetStringAsync($"/surveys/{anonymous}");

        foreach (var format in new[] { "csv", "xlsx" })
        {
            Assert.Contains($"/api/v1/surveys/{named}/exports/results?format={format}", exports);
            Assert.Contains($"/api/v1/surveys/{named}/exports/responses?format={format}", exports);
            Assert.Contains($"/api/v1/surveys/{anonymous}/exports/results?format={format}", exports);
            Assert.DoesNotContain($"/api/v1/surveys/{anonymous}/exports/responses", exports);
            Assert.Contains($"/api/v1/surveys/{named}/exports/results?format={format}", namedPage);
            Assert.Contains($"/api/v1/surveys/{named}/exports/responses?format={format}", namedPage);
            Assert.Contains($"/api/v1/surveys/{anonymous}/exports/results?format={format}", anonymousPage);
            Assert.DoesNotContain("exports/responses", anonymousPage);
        }
        var refused = await world.Mentees[0].Client.GetAsync($"/programs/{world.Program.Id}/exports");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("/exports/results", await refused.Content.ReadAsStringAsync());
    }
}
