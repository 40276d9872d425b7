using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Security;

/// <summary>
/// Bad input is a 4xx ProblemDetails naming what was wrong, the same on SQLite and PostgreSQL, and never
/// a 500 (docs/security.md, "No 500 from input"). <see cref="BadInputSweepTests"/> sends the same kinds
/// of input to every documented endpoint; these tests check the answers in detail on a few.
/// </summary>
public sealed class NoServerErrorFromInputTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static StringContent JsonText(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpValidationProblemDetails> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return System.Text.Json.JsonSerializer.Deserialize<HttpValidationProblemDetails>(body, Json.Options)!;
    }

    private static string[] Fields(HttpValidationProblemDetails problem) => problem.Errors.Keys.Order().ToArray();

    private static JsonObject Program(Guid organisationId, string name) =>
        System.Text.Json.JsonSerializer.SerializeToNode(School.ValidProgram(organisationId, name))!.AsObject();

    private Task<int> ProgramsNamedAsync(Guid organisationId) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.CountAsync(p => p.OrganisationId == organisationId));

    [Fact]
    public async Task ANulCharacterInATextFieldIsA400NamingTheFieldAndNothingIsSaved()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);

        var named = await coordinator.PostAsJsonAsync("/api/v1/programs", Program(school.Organisation.Id, "Reading\u0000Buddies"));
        var nested = Program(school.Organisation.Id, "Reading Buddies");
        nested["objectives"]![0]!["target"] = "80%\u0000 of pairs";
        var inObjective = await coordinator.PostAsJsonAsync("/api/v1/programs", nested);

        var problem = await ProblemAsync(named, HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "name" }, Fields(problem));
        Assert.Contains("NUL", problem.Errors["name"].Single());
        Assert.Equal(new[] { "objectives[0].target" }, Fields(await ProblemAsync(inObjective, HttpStatusCode.BadRequest)));
        Assert.Equal(0, await ProgramsNamedAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task ANulCharacterInAnAnswerIsA400AndNothingIsSaved()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var questions = PairingProgram.Questions.Append(new { id = "goal", type = "ShortText", prompt = "What do you hope for?", required = false });
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/questionnaires/mentee", new { questions })).EnsureSuccessStatusCode();
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Nul Applicant"));

        var response = await applicant.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications",
            new { role = "mentee", answers = new Dictionary<string, object> { ["subject"] = "Maths", ["goal"] = "Read\u0000 more" }, acceptsCodeOfConduct = true, submit = true });

        Assert.Equal(new[] { "answers.goal" }, Fields(await ProblemAsync(response, HttpStatusCode.BadRequest)));
        Assert.Empty((await applicant.GetFromJsonAsync<JsonObject>("/api/v1/me/applications"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task ANulCharacterInAQueryValueIsA400NamingTheParameter()
    {
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Query Admin", administrator: true));

        var programs = await admin.GetAsync("/api/v1/programs?search=a%00b");
        var users = await admin.GetAsync("/api/v1/users?search=%00");

        Assert.Equal(new[] { "search" }, Fields(await ProblemAsync(programs, HttpStatusCode.BadRequest)));
        Assert.Equal(new[] { "search" }, Fields(await ProblemAsync(users, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task APageLinkWithANulCharacterWorksWithoutItAndAFormWithOneIsRefused()
    {
        var school = await School.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        KeyValuePair<string, string>[] fields =
        [
            new("Form.OrganisationId", school.Organisation.Id.ToString()),
            new("Form.Name", "Maths\u0000 Mentors"),
            new("Form.Pairing", "MentorMentee"),
            new("Form.OneToOne", "true"),
            new("Form.Cadence", "Fortnightly"),
        ];

        var search = await page.Http.GetAsync("/programs?search=Read%00ing");
        var created = await page.SubmitAsync("/programs/new", "program", fields);
        var multipart = await page.SubmitAsync("/programs/new", "program", fields, multipart: true);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal(new[] { "Form.Name" }, Fields(await ProblemAsync(multipart, HttpStatusCode.BadRequest)));
        Assert.Equal(0, await ProgramsNamedAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task AQueryValueAPageCannotReadIsDroppedNotA500()
    {
        var anonymous = factory.AnonymousClient();

        var home = await anonymous.GetAsync("/?programs=abc&utm=keep");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/?utm=keep", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(home.Headers.Location.OriginalString)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/?programs=2")).StatusCode);

        // Every page with a typed query value, at a word and at a number too big for an int, signed out and as an
        // administrator: never a 5xx (a page that needs signing in sends the visitor to sign in; a made-up id is a not-found page).
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Query Sweeper", administrator: true));
        var pages = typeof(TandemDb).Assembly.GetTypes()
            .Select(t => (Type: t, Routes: t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false)
                .Cast<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => r.Template).ToList()))
            .Where(p => p.Routes.Count > 0)
            .Select(p => (p.Routes, Names: p.Type.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Where(q => q.PropertyType != typeof(string))
                .Select(q => (q.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.SupplyParameterFromQueryAttribute), true)
                    .Cast<Microsoft.AspNetCore.Components.SupplyParameterFromQueryAttribute>().FirstOrDefault(), q.Name))
                .Where(q => q.Item1 is not null).Select(q => q.Item1!.Name ?? q.Name).ToList()))
            .Where(p => p.Names.Count > 0)
            .ToList();
        Assert.True(pages.Count >= 40, $"Only {pages.Count} pages with typed query values were found.");
        var failures = new List<string>();
        foreach (var (routes, names) in pages)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(routes[0], @"\{\*?([^}:?]+)(:[^}?]+)?(\?)?\}", m =>
                m.Groups[3].Success ? "" : m.Groups[2].Value.Contains("guid") ? Guid.NewGuid().ToString() : m.Groups[2].Value.Contains("int") ? "1" : "x");
            foreach (var name in names)
            {
                foreach (var value in new[] { "x", "99999999999" })
                {
                    foreach (var client in new[] { anonymous, admin })
                    {
                        var url = $"{path}?{name}={value}";
                        var response = await client.GetAsync(url);
                        if ((int)response.StatusCode >= 500)
                        {
                            failures.Add($"{url}: {(int)response.StatusCode}");
                        }
                    }
                }
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task PageAndPageSizeAtAnyIntegerAreA400OrAnEmptyPageNeverAnOverflow()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await school.CreateProgramAsync(coordinator, "Maths Buddies");
        var lists = new[] { "/api/v1/programs", $"/api/v1/programs/{program.Id}/enrolments", $"/api/v1/programs/{program.Id}/invitations", "/api/v1/me/notifications" };

        foreach (var list in lists)
        {
            foreach (var (page, size) in new[] { (int.MaxValue, 100), (int.MaxValue, 1), (1 << 30, 50) })
            {
                var response = await coordinator.GetAsync($"{list}?page={page}&pageSize={size}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list}?page={page}&pageSize={size}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var empty = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Empty(empty["items"]!.AsArray());
                Assert.Equal(page, empty["page"]!.GetValue<int>());
            }
            foreach (var (query, field) in new[] { ("page=0", "page"), ("page=-1", "page"), ("page=-2147483648", "page"),
                ("pageSize=0", "pageSize"), ("pageSize=-1", "pageSize"), ("pageSize=101", "pageSize"), ("pageSize=2147483647", "pageSize"),
                ("page=2147483648", "page"), ("pageSize=abc", "pageSize") })
            {
                var refused = await coordinator.GetAsync($"{list}?{query}");
                Assert.Equal(new[] { field }, Fields(await ProblemAsync(refused, HttpStatusCode.BadRequest)));
            }
        }
        var all = (await coordinator.GetFromJsonAsync<JsonObject>($"/api/v1/programs?page=1&pageSize=100"))!;
        Assert.Equal(2, all["totalCount"]!.GetValue<int>());
        Assert.Equal(1, all["totalPages"]!.GetValue<int>());
    }

    [Fact]
    public async Task NullForAnArrayOrObjectInABodyIsA400NamingTheField()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);

        var formats = Program(school.Organisation.Id, "Null Formats");
        formats["meetingFormats"] = null;
        var objective = Program(school.Organisation.Id, "Null Objective");
        objective["objectives"] = new JsonArray((JsonNode?)null);
        var questions = await coordinator.PutAsync($"/api/v1/programs/{program.Id}/questionnaires/mentee", JsonText("""{"questions": null}"""));
        var options = await coordinator.PutAsync($"/api/v1/programs/{program.Id}/questionnaires/mentee",
            JsonText("""{"questions": [{"id": "subject", "type": "SingleChoice", "prompt": "Which subject?", "options": null, "required": true}]}"""));

        var nullFormats = await ProblemAsync(await coordinator.PostAsJsonAsync("/api/v1/programs", formats), HttpStatusCode.BadRequest);
        var nullObjective = await ProblemAsync(await coordinator.PostAsJsonAsync("/api/v1/programs", objective), HttpStatusCode.BadRequest);
        var nullQuestions = await ProblemAsync(questions, HttpStatusCode.BadRequest);
        var nullOptions = await ProblemAsync(options, HttpStatusCode.BadRequest);

        Assert.Contains(nullFormats.Errors.Keys, k => k.Equals("meetingFormats", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(nullObjective.Errors.Keys, k => k.Equals("objectives[0]", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(nullQuestions.Errors.Keys, k => k.Equals("questions", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(nullOptions.Errors.Keys, k => k.Equals("questions[0].options", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, await ProgramsNamedAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task WhatTheFrameworkRefusesBeforeAHandlerRunsIsProblemDetailsNamingTheField()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);

        var malformed = await coordinator.PostAsync("/api/v1/programs", JsonText("""{"name": "Reading" "description": "x"}"""));
        var wrongType = await coordinator.PostAsync("/api/v1/programs", JsonText(Program(school.Organisation.Id, "x").ToJsonString().Replace("\"Weekly\"", "42")));
        var unknownEnum = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Sideways" });
        var numericEnum = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/status", JsonText("""{"status": 7}"""));
        var noBody = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/status", new StringContent("", Encoding.UTF8, "application/json"));
        var badQuery = await coordinator.GetAsync("/api/v1/programs?status=Sideways");
        var badPage = await coordinator.GetAsync("/api/v1/programs?page=two");
        var badId = await coordinator.GetAsync($"/api/v1/organisations/{school.Organisation.Id}/audit?subjectUserId=nobody");
        var badGuid = await coordinator.GetAsync("/api/v1/programs/not-a-guid");
        var wrongContentType = await factory.AnonymousClient().PostAsync("/api/v1/auth/sign-in", new StringContent("email=a", Encoding.UTF8, "text/plain"));

        Assert.Equal(new[] { "body" }, Fields(await ProblemAsync(malformed, HttpStatusCode.BadRequest)));
        Assert.Equal(new[] { "cadence" }, Fields(await ProblemAsync(wrongType, HttpStatusCode.BadRequest)));
        Assert.Equal(new[] { "status" }, Fields(await ProblemAsync(unknownEnum, HttpStatusCode.BadRequest)));
        Assert.Equal(new[] { "status" }, Fields(await ProblemAsync(numericEnum, HttpStatusCode.BadRequest)));
        Assert.Equal(new[] { "body" }, Fields(await ProblemAsync(noBody, HttpStatusCode.BadRequest)));
        var badStatus = await ProblemAsync(badQuery, HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "status" }, Fields(badStatus));
        Assert.Contains("'Sideways' is not a valid programstatus?", badStatus.Detail);
        var badPageProblem = await ProblemAsync(badPage, HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "page" }, Fields(badPageProblem));
        Assert.Contains("'two' is not a valid int.", badPageProblem.Detail);
        Assert.Equal(new[] { "subjectUserId" }, Fields(await ProblemAsync(badId, HttpStatusCode.BadRequest)));
        await ProblemAsync(badGuid, HttpStatusCode.NotFound);
        await ProblemAsync(wrongContentType, HttpStatusCode.UnsupportedMediaType);
    }
}
