using System.Data.Common;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

public sealed record Person(UserSummary User, HttpClient Client);

/// <summary>
/// A program with a coordinator, mentees and mentors enrolled directly (members of the school), on an app with a
/// clock of its own so a test may move time.
/// </summary>
public sealed record SurveyProgram(
    TandemFactory Factory, WebApplicationFactory<Program> App, FakeTimeProvider Clock, School School, ProgramDetails Program,
    HttpClient Coordinator, IReadOnlyList<Person> Mentees, IReadOnlyList<Person> Mentors)
{
    public static async Task<SurveyProgram> CreateAsync(TandemFactory factory, int mentees = 5, int mentors = 1)
    {
        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        var app = factory.WithClock(clock);
        var school = await School.CreateAsync(factory);
        var coordinator = await app.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        async Task<Person> EnrolAsync(string name, string role)
        {
            var user = await factory.CreateUserAsync(name);
            await factory.AddMemberAsync(school.Organisation.Id, user, OrganisationRole.Member);
            (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = user.Email, role })).EnsureSuccessStatusCode();
            return new Person(user, await app.SignedInClientAsync(user));
        }
        var menteeList = new List<Person>();
        for (var i = 0; i < mentees; i++)
        {
            menteeList.Add(await EnrolAsync($"Mentee {i}", "Mentee"));
        }
        var mentorList = new List<Person>();
        for (var i = 0; i < mentors; i++)
        {
            mentorList.Add(await EnrolAsync($"Mentor {i}", "Mentor"));
        }
        return new SurveyProgram(factory, app, clock, school, program, coordinator, menteeList, mentorList);
    }

    public async Task<SurveyView> CreateAsync(object body)
    {
        var response = await Coordinator.PostAsJsonAsync($"/api/v1/programs/{Program.Id}/surveys", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
    }

    public async Task<SurveyView> SendAsync(Guid surveyId)
    {
        var response = await Coordinator.PostAsync($"/api/v1/surveys/{surveyId}/send", Json.Empty());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
    }

    public static async Task<IReadOnlyList<MySurveySummary>> MineAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<MySurveySummary>>("/api/v1/me/surveys", Json.Options))!.Items;

    public static Task<HttpResponseMessage> AnswerAsync(HttpClient client, Guid invitationId, object answers) =>
        client.PostAsJsonAsync($"/api/v1/me/surveys/{invitationId}/answers", new { answers });

    public Task<SurveyRun> RunJobAsync() => WithScopeAsync(s => s.GetRequiredService<DispatchSurveys>().RunAsync());

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}

/// <summary>Every row of every table, as text, to compare what one action wrote (the anonymity tests).</summary>
public static class DatabaseRows
{
    public sealed record Row(string Table, IReadOnlyDictionary<string, string?> Values)
    {
        public string Key => Values.TryGetValue("Id", out var id) && id is not null ? id : string.Join("|", Values.Values);
        public override string ToString() => $"{Table}: {string.Join(", ", Values.Select(v => $"{v.Key}={v.Value}"))}";
    }

    public static Task<List<Row>> ReadAllAsync(IServiceProvider services) => ReadAsync(services.GetRequiredService<TandemDb>());

    private static async Task<List<Row>> ReadAsync(TandemDb db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var tables = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = TestDatabase.Provider == DatabaseProvider.Postgres
                    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }
            Assert.Contains("SurveyResponses", tables);
            var rows = new List<Row>();
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var values = new Dictionary<string, string?>();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        values[reader.GetName(i)] = await reader.IsDBNullAsync(i) ? null : Text(reader.GetValue(i));
                    }
                    rows.Add(new Row(table, values));
                }
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Text(object value) => value switch
    {
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToHexString(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Rows that are new, and rows whose values changed (before, after), between two readings.</summary>
    public static (List<Row> Added, List<(Row Before, Row After)> Changed, List<Row> Removed) Diff(List<Row> before, List<Row> after)
    {
        string Id(Row r) => $"{r.Table}#{r.Key}";
        var old = before.GroupBy(Id).ToDictionary(g => g.Key, g => g.First());
        var fresh = after.GroupBy(Id).ToDictionary(g => g.Key, g => g.First());
        var added = fresh.Where(f => !old.ContainsKey(f.Key)).Select(f => f.Value).ToList();
        var removed = old.Where(o => !fresh.ContainsKey(o.Key)).Select(o => o.Value).ToList();
        var changed = fresh.Where(f => old.TryGetValue(f.Key, out var o) && o.ToString() != f.Value.ToString())
            .Select(f => (old[f.Key], f.Value)).ToList();
        return (added, changed, removed);
    }
}
