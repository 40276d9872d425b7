using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Programs;

public sealed class ProgramPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static List<KeyValuePair<string, string>> Form(Guid organisationId, string name) =>
    [
        new("Form.OrganisationId", organisationId.ToString()),
        new("Form.Name", name),
        new("Form.Description", "Sixth-formers mentor Year 9 in maths."),
        new("Form.Pairing", "MentorMentee"),
        new("Form.OneToOne", "true"),
        new("Form.Cadence", "Fortnightly"),
        new("Form.StartsOn", "2027-02-01"),
        new("Form.EndsOn", "2027-07-01"),
        new("Form.Objectives[0].Description", "Confidence in maths"),
        new("Form.Objectives[0].Target", "70% of mentees report more confidence"),
        // A browser sends every field of the row, the empty ones too.
        new("Form.Objectives[0].Measure", ""),
        new("Form.Objectives[0].Threshold", ""),
        new("Form.Objectives[0].SurveyId", ""),
        new("Form.Objectives[0].QuestionId", ""),
        new("Form.Objectives[0].OutcomeMeasure", ""),
    ];

    [Fact]
    public async Task TheSignInFormRejectsAWrongPasswordWithAMessage()
    {
        var user = await factory.CreateUserAsync("Form Filler");
        var page = new PageClient(factory.AnonymousClient());

        var response = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", "not it at all")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The e-mail or password is not right.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACoordinatorCreatesAProgramThroughTheForm()
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        var response = await page.SubmitAsync("/programs/new", "program", Form(school.Organisation.Id, "Maths Mentors"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var home = await page.Http.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("<h1>Maths Mentors</h1>", home);
        Assert.Contains("70% of mentees report more confidence", home);
        var list = await page.Http.GetStringAsync("/programs");
        Assert.Contains("Maths Mentors", list);
        var location = response.Headers.Location!;
        var programPath = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
        foreach (var tool in new[] { "applications", "invitations", "matching", "relationships", "health" })
        {
            Assert.Contains($"href=\"{programPath}/{tool}\"", home);
        }
    }

    [Fact]
    public async Task TheProgramFormShowsEachProblemAndSavesNothing()
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var nameless = await page.SubmitAsync("/programs/new", "program", Form(school.Organisation.Id, ""));
        Assert.Contains("Give the program a name.", await nameless.Content.ReadAsStringAsync());
        var fields = Form(school.Organisation.Id, "Half-finished");
        fields.RemoveAll(f => f.Key == "Form.OneToOne");
        fields.RemoveAll(f => f.Key == "Form.EndsOn");
        fields.Add(new("Form.EndsOn", "2026-01-01"));
        fields.RemoveAll(f => f.Key == "Form.Objectives[0].Target");

        var response = await page.SubmitAsync("/programs/new", "program", fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Choose at least one meeting format.", html);
        Assert.Contains("The end date must be on or after the start date.", html);
        Assert.Contains("Objective 1 needs both a description and a measurable target.", html);
        Assert.Contains("Sixth-formers mentor Year 9 in maths.", html);
        Assert.Equal(0, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.CountAsync(p => p.OrganisationId == school.Organisation.Id)));
    }

    [Theory]
    [InlineData("Form.Cadence", "9", "Choose a cadence: Weekly, Fortnightly, Monthly.")]
    [InlineData("Form.Pairing", "7", "Choose how people are paired: mentors and mentees, or peer to peer.")]
    [InlineData("Form.Objectives", "20", "A program has at most 10 objectives; this form has 20.")]
    public async Task AChoiceTheFormDoesNotOfferOrTooManyObjectivesAreRefusedAndNothingIsSaved(string field, string value, string message)
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var fields = Form(school.Organisation.Id, "Hand-posted Mentors");
        if (field == "Form.Objectives")
        {
            for (var i = 1; i < int.Parse(value); i++)
            {
                fields.Add(new($"Form.Objectives[{i}].Description", $"Objective {i + 1}"));
                fields.Add(new($"Form.Objectives[{i}].Target", "80% of pairs"));
            }
        }
        else
        {
            fields.RemoveAll(f => f.Key == field);
            fields.Add(new(field, value));
        }

        var response = await page.SubmitAsync("/programs/new", "program", fields);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains(message, html);
        Assert.Equal(0, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.CountAsync(p => p.OrganisationId == school.Organisation.Id)));
    }

    [Theory]
    [InlineData("Form.StartsOn", "next spring", HttpStatusCode.BadRequest, "Starts on: “next spring” is not a valid value.")]
    [InlineData("Form.Objectives[0].Threshold", "eighty", HttpStatusCode.BadRequest, "Threshold: “eighty” is not a valid value.")]
    [InlineData("Form.Objectives[0].SurveyId", "the spring survey", HttpStatusCode.OK, "Objective 1: “the spring survey” is not a survey id; copy it from the survey's results page.")]
    public async Task AValueTheFormCannotReadIsNamedAndNothingIsSaved(string field, string value, HttpStatusCode status, string message)
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var fields = Form(school.Organisation.Id, "Unreadable Mentors");
        fields.RemoveAll(f => f.Key == field);
        fields.Add(new(field, value));

        var response = await page.SubmitAsync("/programs/new", "program", fields);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, html);
        Assert.Contains("value=\"Unreadable Mentors\"", html);
        Assert.Equal(0, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.CountAsync(p => p.OrganisationId == school.Organisation.Id)));
    }

    [Fact]
    public async Task AMeasuredObjectiveKeepsItsSurveyThroughTheEditor()
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var survey = Guid.NewGuid();
        var fields = Form(school.Organisation.Id, "Surveyed Mentors");
        fields.AddRange([
            new("Form.Objectives[1].Description", "Mentees feel they belong"),
            new("Form.Objectives[1].Target", "Belonging averages 4 of 5"),
            new("Form.Objectives[1].Measure", "SurveyItem"),
            new("Form.Objectives[1].Threshold", "4"),
            new("Form.Objectives[1].SurveyId", $" {survey} "),
            new("Form.Objectives[1].QuestionId", "belonging"),
            new("Form.Objectives[1].OutcomeMeasure", ""),
        ]);

        var created = await page.SubmitAsync("/programs/new", "program", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var programId = Guid.Parse(created.Headers.Location!.OriginalString.TrimEnd('/').Split('/')[^1]);
        var editor = await page.Http.GetStringAsync($"/programs/{programId}/edit");
        Assert.Matches($"<input id=\"survey-2\" name=\"Form.Objectives\\[1\\].SurveyId\"[^>]* value=\"{survey}\"", editor);

        var renamed = fields.Where(f => f.Key != "Form.Name" && f.Key != "Form.OrganisationId").Append(new("Form.Name", "Surveyed Mentors 2")).ToList();
        var saved = await page.SubmitAsync($"/programs/{programId}/edit", "program", renamed);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var program = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.AsNoTracking().Include(p => p.Objectives).SingleAsync(p => p.Id == programId));
        var objectives = program.Objectives.OrderBy(o => o.Position).ToList();
        Assert.Equal("Surveyed Mentors 2", program.Name);
        Assert.Equal(["Confidence in maths", "Mentees feel they belong"], objectives.Select(o => o.Description));
        Assert.Equal(survey, objectives[1].SurveyId);
        Assert.Equal("belonging", objectives[1].QuestionId);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    public async Task SavingTheEditorUnchangedButForTheNameKeepsEveryObjective(int count)
    {
        // The API takes up to ten objectives; the editor showed five rows and saved what it posted, so renaming a program
        // with seven objectives deleted the last two.
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var objectives = Enumerable.Range(1, count).Select(i => new
        {
            description = $"Objective number {i}",
            target = $"Target number {i}",
            measure = i == 6 ? "SessionRating" : null,
            threshold = i == 6 ? 4 : (double?)null,
        }).ToArray();
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", new
        {
            organisationId = school.Organisation.Id, name = "Many Objectives", pairing = "MentorMentee",
            meetingFormats = new[] { "OneToOne" }, cadence = "Weekly", startsOn = "2027-01-10", endsOn = "2027-06-30", objectives,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var programId = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!.Id;
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        var fields = await page.FormFieldsAsync($"/programs/{programId}/edit", "program");
        Assert.Equal(Math.Min(count + 1, 10), fields.Count(f => f.Key.EndsWith("].Description", StringComparison.Ordinal)));
        fields = fields.Select(f => f.Key == "Form.Name" ? new KeyValuePair<string, string>(f.Key, "Many Objectives, renamed") : f).ToList();
        var saved = await page.SubmitAsync($"/programs/{programId}/edit", "program", fields);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var program = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.AsNoTracking().Include(p => p.Objectives).SingleAsync(p => p.Id == programId));
        Assert.Equal("Many Objectives, renamed", program.Name);
        var kept = program.Objectives.OrderBy(o => o.Position).ToList();
        Assert.Equal(objectives.Select(o => o.description), kept.Select(o => o.Description));
        Assert.Equal(objectives.Select(o => o.target), kept.Select(o => o.Target));
        Assert.Equal(4, kept[5].Threshold);
    }

    [Fact]
    public async Task AFormPostedWithoutObjectiveRowsCreatesAProgramWithoutObjectives()
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var fields = Form(school.Organisation.Id, "Rowless Mentors");
        fields.RemoveAll(f => f.Key.StartsWith("Form.Objectives", StringComparison.Ordinal));

        var response = await page.SubmitAsync("/programs/new", "program", fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("<h1>Rowless Mentors</h1>", await page.Http.GetStringAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task AMenteeOpeningTheEditorIsToldOnlyCoordinatorsCanChangeIt()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await coordinator.PostAsync($"/api/v1/programs/{program.Id}/enrolments",
            System.Net.Http.Json.JsonContent.Create(new { school.Mentee.Email, role = "Mentee" }));
        var mentee = await PageClient.SignInAsync(factory, school.Mentee.Email);

        var home = await mentee.Http.GetAsync($"/programs/{program.Id}");
        var edit = await mentee.Http.GetAsync($"/programs/{program.Id}/edit");

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain("Edit program", await home.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        var html = await edit.Content.ReadAsStringAsync();
        Assert.Contains("only its coordinators can change it", html);
        Assert.DoesNotContain("Save changes", html);
    }

    [Fact]
    public async Task AnotherOrganisationsProgramPageIsNotFound()
    {
        var school = await School.CreateAsync(factory);
        var other = await School.CreateAsync(factory);
        var program = await school.CreateProgramAsync(await factory.SignedInClientAsync(school.Coordinator));
        var stranger = await PageClient.SignInAsync(factory, other.Coordinator.Email);

        var response = await stranger.Http.GetAsync($"/programs/{program.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(program.Name, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheStatusButtonsMoveTheProgramOn()
    {
        var school = await School.CreateAsync(factory);
        var program = await school.CreateProgramAsync(await factory.SignedInClientAsync(school.Coordinator));
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        foreach (var role in new[] { "mentor", "mentee" })
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/{role}", new { questions = RecruitmentOpening.MinimalQuestions })).EnsureSuccessStatusCode();
        }
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        var response = await page.SubmitAsync($"/programs/{program.Id}", "status", [new("Next", "Recruiting")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The program is now Recruiting.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheEmbeddedDatabaseRunsInWriteAheadLogModeAndCommitsWithoutWaitingForTheDisk()
    {
        var settings = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            if (TestDatabase.Provider != DatabaseProvider.Sqlite)
            {
                return db.Database.ProviderName;
            }
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = (string?)await command.ExecuteScalarAsync();
            // synchronous: 1 is NORMAL (ADR 79), 2 FULL, SQLite's default, which waits for the disk at every commit.
            command.CommandText = "PRAGMA synchronous";
            return $"{journal} {await command.ExecuteScalarAsync()}";
        });

        Assert.Equal(TestDatabase.Provider == DatabaseProvider.Sqlite ? "wal 1" : "Npgsql.EntityFrameworkCore.PostgreSQL", settings);
        Assert.Equal(HttpStatusCode.OK, (await factory.AnonymousClient().GetAsync("/health/ready")).StatusCode);
    }
}
