using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Relationships;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Surveys;
using static Tandem.Tests.Exports.ExportTests;

namespace Tandem.Tests.Exports;

/// <summary>
/// ADR 122 for exports and erasure: a coordinator's export on an adult's request leaves out what staff never read (their
/// messages, the words of mentor requests); a CSV's header cells are neutralised like its cells; an erasure reads the
/// outbox after its transaction, not holding every other writer back while it parses each message.
/// </summary>
public sealed class ExportsLeaveOutTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";

    [Fact]
    public async Task ACoordinatorsExportOnAnAdultsRequestHasNeitherTheirMessagesNorTheWordsOfMentorRequests()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages",
            new { body = "MESSAGE-9d8c only for my mentor" })).StatusCode);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && (e.UserId == pair.Mentee.Id || e.UserId == pair.Mentor.Id))
                .ToDictionaryAsync(e => e.UserId, e => e.Id);
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            var request = new MentorRequest(pair.ProgramId, enrolments[pair.Mentee.Id], pair.Mentee.Id, enrolments[pair.Mentor.Id], pair.Mentor.Id,
                "ASKED-4b3a about my exams", null, 60, now, now.AddDays(7));
            request.Decline(now, "ANSWERED-2f1e I am away");
            db.Add(request);
            return await db.SaveChangesAsync();
        });

        var response = await pair.Coordinator.GetAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/people/{pair.Mentee.Id}/data-export?reason=Her%20letter");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("MESSAGE-9d8c", text);
        Assert.DoesNotContain("ASKED-4b3a", text);
        Assert.DoesNotContain("ANSWERED-2f1e", text);
        var document = JsonNode.Parse(text)!;
        Assert.Null(document["messagesSent"]);
        var request = Assert.Single(document["mentorRequests"]!.AsArray())!;
        Assert.Equal(("sent", "Declined"), ((string?)request["mine"], (string?)request["status"]));
        Assert.Contains("messages you sent", (string?)document["about"]);
        // Their own download has all of it.
        var own = await mentee.GetStringAsync("/api/v1/me/data-export");
        Assert.Contains("MESSAGE-9d8c", own);
        Assert.Contains("ASKED-4b3a", own);
        Assert.Contains("ANSWERED-2f1e", own);
    }

    [Fact]
    public async Task ASurveyQuestionWhosePromptIsAFormulaIsAPlainHeaderInTheAnswersByPerson()
    {
        var world = await SurveyProgram.CreateAsync(fixture.Tandem, mentees: 1, mentors: 0);
        var survey = await world.CreateAsync(new
        {
            title = "Headers", anonymous = false, audience = new[] { "Mentee" }, trigger = "Now",
            questions = new object[] { new { id = "word", type = "ShortText", prompt = Formula, required = true } },
        });
        await world.SendAsync(survey.Id);
        var invitation = (await SurveyProgram.MineAsync(world.Mentees[0].Client))[0].Id;
        (await SurveyProgram.AnswerAsync(world.Mentees[0].Client, invitation, new { word = "plain" })).EnsureSuccessStatusCode();

        var csv = await CsvAsync(await world.Coordinator.GetAsync($"/api/v1/surveys/{survey.Id}/exports/responses"));

        Assert.Equal(["Name", "Role", "Submitted (UTC)", "'" + Formula], csv[0]);
        Assert.Equal("plain", csv[1][3]);
    }

    [Fact]
    public async Task AnErasureReadsTheOutboxOutsideItsTransaction()
    {
        var pair = await fixture.PairAsync();
        await using var scope = fixture.App.Services.CreateAsyncScope();
        // A context of its own, not one from the pool: EF caches for a second that nobody listens to a pooled context's commands.
        await using var db = new TandemDb(scope.ServiceProvider.GetRequiredService<DbContextOptions<TandemDb>>());
        using var commands = new CommandsOf(db);
        var places = ActivatorUtilities.CreateInstance<Tandem.Features.Events.EventPlaces>(scope.ServiceProvider, db);
        var erase = ActivatorUtilities.CreateInstance<ErasePerson>(scope.ServiceProvider, db, places);

        await erase.RunAsync(pair.Mentee.Id);

        var outboxReads = commands.Seen.Where(c => c.Text.Contains("OutgoingEmails")).ToList();
        Assert.NotEmpty(outboxReads);
        Assert.All(outboxReads, c => Assert.False(c.InTransaction, "The outbox was read inside the erasure's write transaction."));
        // And the mail to them is gone, as before.
        Assert.Empty(await fixture.OutboxForAsync(pair.Mentee.Email));
    }

    /// <summary>The SQL one DbContext runs, and whether each ran in a transaction (EF Core's diagnostic events).</summary>
    private sealed class CommandsOf : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly DbContext context;
        private readonly IDisposable all;
        private readonly List<IDisposable> listeners = [];

        public CommandsOf(DbContext context)
        {
            this.context = context;
            all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public List<(string Text, bool InTransaction)> Seen { get; } = [];

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (listeners)
                {
                    listeners.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data && ReferenceEquals(data.Context, context))
            {
                lock (Seen)
                {
                    Seen.Add((data.Command.CommandText, data.Command.Transaction is not null));
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            all.Dispose();
            lock (listeners)
            {
                listeners.ForEach(l => l.Dispose());
            }
        }
    }
}
