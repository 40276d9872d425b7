using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Training;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Training;

/// <summary>
/// Issue 13 item 1 (ADR 61): training modules by role, quizzes scored on the server, private reflections, a coordinator's
/// view of completion per person, ready-made templates, the module's file, and the requirement before matching.
/// </summary>
public sealed class TrainingTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    internal static string Modules(Guid programId) => $"/api/v1/programs/{programId}/training/modules";

    internal static object Module(string title = "Safeguarding basics", string audience = "Everyone", int passMark = 60, int minutes = 25, bool scenario = true) => new
    {
        title,
        content = "## What to do\n\nTell the coordinator **the same day**.",
        audience,
        minutes,
        passMarkPercent = passMark,
        videoLinks = new[] { "https://videos.example.org/safeguarding" },
        questions = new object[]
        {
            new { text = "When do you report a worry?", options = new[] { "Next week", "The same day", "Never" }, correct = 1 },
            new { text = "Can you promise to keep a secret?", options = new[] { "Yes", "No, not if someone may be at risk" }, correct = 1 },
            new { text = "Who do you tell?", options = new[] { "The coordinator", "Other mentees", "Nobody" }, correct = 0 },
        },
        scenarios = scenario ? new object[] { new { prompt = "Your mentee asks you to keep a secret. What do you say?" } } : [],
    };

    internal static async Task<TrainingModuleView> CreateAsync(HttpClient coordinator, Guid programId, object module)
    {
        var response = await coordinator.PostAsJsonAsync(Modules(programId), module);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
    }

    /// <summary>Answers the quiz with the right option for the first <paramref name="right"/> questions and a wrong one for the rest.</summary>
    internal static Task<HttpResponseMessage> AnswerAsync(HttpClient participant, TrainingModuleView module, int right) =>
        participant.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/quiz", new
        {
            answers = module.Questions.Select((q, i) => new { questionId = q.Id, option = i < right ? q.Correct : (q.Correct + 1) % q.Options.Count }).ToArray(),
        });

    private static async Task<MyTrainingModuleView> ReadAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<MyTrainingModuleView>(Json.Options))!;
    }

    [Fact]
    public async Task AModuleDeletedBetweenReadingAndSavingIsNotFoundForADeleteAnEditOrAFile()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var coordinator = new Actor(program.School.Coordinator.Id, IsAdministrator: false);
        Task GoneAsync(TandemDb db, Guid moduleId) => db.Set<TrainingModule>().Where(m => m.Id == moduleId).ExecuteDeleteAsync();

        // A delete clicked twice: the second request read the module before the first deleted it. It used to end in a 500.
        var twice = await CreateAsync(program.Coordinator, programId, Module("Clicked twice"));
        var second = await DeletedMeanwhile.RunAsync<ManageTraining, Failure?>(factory, db => GoneAsync(db, twice.Id), m => m.DeleteAsync(coordinator, programId, twice.Id));
        Assert.Equal(404, Assert.IsType<NotFound>(second).StatusCode());
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.DeleteAsync($"{Modules(programId)}/{twice.Id}")).StatusCode);

        // An edit sent from a tab opened before another coordinator deleted the module.
        var edited = await CreateAsync(program.Coordinator, programId, Module("Edited in an old tab"));
        var saved = await DeletedMeanwhile.RunAsync<ManageTraining, Outcome<TrainingModuleView>>(factory, db => GoneAsync(db, edited.Id),
            m => m.UpdateAsync(coordinator, programId, edited.Id, new TrainingModuleRequest("Renamed", "Text")));
        Assert.IsType<NotFound>(saved.Failure);

        // A file for a module deleted meanwhile: nothing is stored, and the module's old file is not deleted by a save that failed.
        var withFile = await CreateAsync(program.Coordinator, programId, Module("With a file"));
        static IncomingFile Pdf(string name) => new(name, "application/pdf", 9, () => new MemoryStream("%PDF-1.4\n"u8.ToArray()));
        var first = await factory.WithScopeAsync(s => s.GetRequiredService<ManageTraining>().AttachFileAsync(coordinator, programId, withFile.Id, Pdf("first.pdf")));
        Assert.Null(first.Failure);
        var oldKey = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<TrainingModule>().Where(m => m.Id == withFile.Id).Select(m => m.FileKey).SingleAsync());
        var filesBefore = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<StoredFile>().CountAsync(f => f.Key.StartsWith("training/")));
        var replaced = await DeletedMeanwhile.RunAsync<ManageTraining, Outcome<TrainingModuleView>>(factory,
            db => GoneAsync(db, withFile.Id),
            m => m.AttachFileAsync(coordinator, programId, withFile.Id, Pdf("second.pdf")));
        Assert.IsType<NotFound>(replaced.Failure);
        Assert.Equal(filesBefore, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<StoredFile>().CountAsync(f => f.Key.StartsWith("training/"))));
        Assert.True(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<StoredFile>().AnyAsync(f => f.Key == oldKey)));
    }

    [Fact]
    public async Task AGatedMentorIsLeftOutOfMatchingAndCannotBeMatchedUntilTheModuleIsPassed()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var programId = program.Program.Id;
        var module = await CreateAsync(program.Coordinator, programId, Module("Safeguarding for mentors", audience: "Mentors", scenario: false));
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/training/settings",
            new { requiredBeforeMatching = true, requiredBeforeStart = false })).StatusCode);
        var ned = await program.SignInAsync("Ned Mentor");
        Assert.True((await ReadAsync(await AnswerAsync(ned, module, 3))).QuizPassed);

        // Maya has not passed: the run leaves her out and says why; Ned (trained) is matched.
        var draft = await program.RunAsync();
        var maya = Assert.Single(draft.UnmatchedPeople, p => p.Name == "Maya Mentor");
        Assert.Contains("Safeguarding for mentors", maya.Reason);
        Assert.DoesNotContain(draft.Pairs(), p => p.Contains("Maya Mentor"));
        Assert.Contains("Ned Mentor–Finn Mentee", draft.Pairs());
        // Nor can a coordinator start her relationship by hand: 409 naming the module.
        var refused = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/relationships", new
        {
            memberEnrolmentIds = new[] { program.People["Maya Mentor"].EnrolmentId, program.People["Ella Mentee"].EnrolmentId },
            kind = "Pair", startsOn = factory.Today.ToString("yyyy-MM-dd"), source = "Manual",
        });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Maya Mentor", problem);
        Assert.Contains("Safeguarding for mentors", problem);
        Assert.Contains("application/problem+json", refused.Content.Headers.ContentType!.ToString());

        // A failed attempt does not open the gate; a pass does.
        var mayaClient = await program.SignInAsync("Maya Mentor");
        Assert.False((await ReadAsync(await AnswerAsync(mayaClient, module, 1))).QuizPassed);
        Assert.Contains(((await program.RunAsync()).UnmatchedPeople), p => p.Name == "Maya Mentor");
        var passed = await ReadAsync(await AnswerAsync(mayaClient, module, 3));
        Assert.Equal(TrainingState.Completed, passed.State);
        var after = await program.RunAsync();
        Assert.Contains("Maya Mentor–Ella Mentee", after.Pairs());
        Assert.DoesNotContain(after.UnmatchedPeople, p => p.Name == "Maya Mentor");
        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{after.Id}/publish", new { startsOn = factory.Today.ToString("yyyy-MM-dd") });
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequiredBeforeTheStartAMatchMayBeProposedButNotStarted()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Tara Mentor", "mentor");
        var mentee = await program.ApproveAsync("Tim Mentee", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module("Boundaries", scenario: false));
        await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/training/settings", new { requiredBeforeMatching = false, requiredBeforeStart = true });

        await AnswerAsync(mentor.Client, module, 3);
        var refused = await program.TryStartAsync(null, mentor, mentee);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Tim Mentee has not completed Boundaries", problem);
        Assert.DoesNotContain("Tara Mentor", problem);

        await AnswerAsync(mentee.Client, module, 3);
        Assert.Equal(HttpStatusCode.Created, (await program.TryStartAsync(null, mentor, mentee)).StatusCode);
    }

    [Fact]
    public async Task TheQuizIsScoredOnTheServerAgainstThePassMark()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Quinn Mentee", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module(passMark: 60, minutes: 40));

        var one = await ReadAsync(await AnswerAsync(mentee.Client, module, 1));
        Assert.Equal((33, false, 1, TrainingState.InProgress), (one.QuizScorePercent, one.QuizPassed, one.QuizAttempts, one.State));
        var two = await ReadAsync(await AnswerAsync(mentee.Client, module, 2));
        Assert.Equal((66, true, 2), (two.QuizScorePercent, two.QuizPassed, two.QuizAttempts));
        // Passed but the role-play is still to answer: not complete yet.
        Assert.Equal(TrainingState.InProgress, two.State);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.Client.PostAsync($"/api/v1/training/modules/{module.Id}/complete", Json.Empty())).StatusCode);
        var reflected = await ReadAsync(await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = "I would say I cannot promise, and explain why." }));
        Assert.Equal(TrainingState.Completed, reflected.State);
        Assert.NotNull(reflected.CompletedAt);
        // A later, worse attempt does not take the pass back.
        var worse = await ReadAsync(await AnswerAsync(mentee.Client, module, 0));
        Assert.Equal((0, true, TrainingState.Completed), (worse.QuizScorePercent, worse.QuizPassed, worse.State));

        // Every question must be answered, with one of its options.
        var partial = await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/quiz",
            new { answers = new[] { new { questionId = module.Questions[0].Id, option = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        Assert.Contains("Who do you tell?", await partial.Content.ReadAsStringAsync());
        var outOfRange = await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/quiz",
            new { answers = module.Questions.Select(q => new { questionId = q.Id, option = 7 }).ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        // A mentor-only module is not the mentee's: 404.
        var mentorsOnly = await CreateAsync(program.Coordinator, program.Program.Id, Module("For mentors", audience: "Mentors"));
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(mentee.Client, mentorsOnly, 3)).StatusCode);
    }

    [Fact]
    public async Task TheCorrectAnswersAreNotSentBeforeTheParticipantHasAnswered()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Cleo Mentee", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());

        var before = JsonNode.Parse(await mentee.Client.GetStringAsync($"/api/v1/training/modules/{module.Id}"))!;
        Assert.All(before["questions"]!.AsArray(), q => Assert.Null(q!["correct"]?.GetValue<int?>()));
        var page = await mentee.Client.GetStringAsync($"/my/training/{module.Id}");
        Assert.Contains("When do you report a worry?", page);
        Assert.DoesNotContain("right answer", page);

        var after = await ReadAsync(await AnswerAsync(mentee.Client, module, 1));
        Assert.Equal(module.Questions.Select(q => (int?)q.Correct), after.Questions.Select(q => q.Correct));
        Assert.Equal(module.Questions[0].Correct, after.Questions[0].YourAnswer);
    }

    [Fact]
    public async Task AReflectionIsReadByItsAuthorAndTheCoordinatorsButNotThePartnerOrAnotherMentee()
    {
        const string Reflection = "Private reflection: I froze when she asked me to keep a secret";
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Pat Mentor", "mentor");
        var mentee = await program.ApproveAsync("Ria Mentee", "mentee");
        var other = await program.ApproveAsync("Sol Mentee", "mentee");
        await program.StartAsync(mentor, mentee);
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());
        await ReadAsync(await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections", new { scenarioId = module.Scenarios[0].Id, answer = Reflection }));

        Assert.Equal(Reflection, (await ReadAsync(await mentee.Client.GetAsync($"/api/v1/training/modules/{module.Id}"))).Scenarios[0].YourReflection);
        var person = await program.Coordinator.GetFromJsonAsync<PersonTrainingView>($"/api/v1/programs/{program.Program.Id}/training/completions/{mentee.User.Id}", Json.Options);
        Assert.Equal(Reflection, Assert.Single(person!.Modules.Single(m => m.ModuleId == module.Id).Reflections).Answer);
        Assert.Contains(Reflection, await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/training?person={mentee.User.Id}"));

        foreach (var reader in new[] { mentor.Client, other.Client })
        {
            var seen = new StringBuilder();
            foreach (var path in new[]
            {
                $"/api/v1/training/modules/{module.Id}", "/api/v1/me/training", $"/api/v1/programs/{program.Program.Id}/training/mine",
                $"/api/v1/programs/{program.Program.Id}/training/completions/{mentee.User.Id}", $"/api/v1/programs/{program.Program.Id}/training/completions",
                $"/api/v1/programs/{program.Program.Id}/training/modules/{module.Id}", $"/my/training/{module.Id}", "/my/training",
                $"/programs/{program.Program.Id}/training?person={mentee.User.Id}",
            })
            {
                using var response = await reader.GetAsync(path);
                seen.Append(await response.Content.ReadAsStringAsync());
            }
            Assert.DoesNotContain(Reflection, seen.ToString());
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync($"/api/v1/programs/{program.Program.Id}/training/completions/{mentee.User.Id}")).StatusCode);
        }
    }

    [Fact]
    public async Task CoordinatorsSeeCompletionAndTrainingMinutesPerPersonPaged()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Abe Mentor", "mentor");
        var mentee = await program.ApproveAsync("Bea Mentee", "mentee");
        var everyone = await CreateAsync(program.Coordinator, program.Program.Id, Module("Listening", minutes: 40, scenario: false));
        await CreateAsync(program.Coordinator, program.Program.Id, Module("Mentoring well", audience: "Mentors", minutes: 15, scenario: false));
        await AnswerAsync(mentee.Client, everyone, 3);

        var api = $"/api/v1/programs/{program.Program.Id}/training/completions";
        var first = (await program.Coordinator.GetFromJsonAsync<Paged<PersonTrainingRow>>($"{api}?page=1&pageSize=1", Json.Options))!;
        var second = (await program.Coordinator.GetFromJsonAsync<Paged<PersonTrainingRow>>($"{api}?page=2&pageSize=1", Json.Options))!;
        Assert.Equal((2, 2), (first.TotalCount, first.TotalPages));
        Assert.Equal(("Abe Mentor", 0, 2, 0), (first.Items[0].DisplayName, first.Items[0].Completed, first.Items[0].Assigned, first.Items[0].Minutes));
        Assert.Equal(["Listening", "Mentoring well"], first.Items[0].Missing);
        Assert.Equal(("Bea Mentee", 1, 1, 40), (second.Items[0].DisplayName, second.Items[0].Completed, second.Items[0].Assigned, second.Items[0].Minutes));
        Assert.Empty(second.Items[0].Missing);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"{api}?pageSize=500")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentor.Client.GetAsync(api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync(Modules(program.Program.Id), Module())).StatusCode);

        // The completion row keeps when and the module's minutes at that moment (service hours count them later).
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Tandem.Data.TandemDb>();
            var row = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Set<TrainingCompletion>(), c => c.UserId == mentee.User.Id);
            Assert.Equal(40, row.Minutes);
            Assert.NotNull(row.CompletedAt);
            return 0;
        });
        var page = await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/training");
        Assert.Contains("Bea Mentee", page);
        Assert.Contains("Listening, Mentoring well", page);
    }

    [Fact]
    public async Task CompletedTrainingIsProposedAsServiceHoursAndTheLastModuleAwardsTheTrainingBadge()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Gil Mentee", "mentee");
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/badge-rules",
            new { enabled = new[] { MyTraining.TrainingCompleteBadge } })).StatusCode);
        var first = await CreateAsync(program.Coordinator, program.Program.Id, Module("Listening", minutes: 40, scenario: false));
        var second = await CreateAsync(program.Coordinator, program.Program.Id, Module("Feedback", minutes: 20, scenario: false));

        await AnswerAsync(mentee.Client, first, 3);
        await AnswerAsync(mentee.Client, first, 3);
        Assert.Empty(await mentee.Client.GetFromJsonAsync<List<Tandem.Features.Recognition.BadgeAwardView>>("/api/v1/me/badges", Json.Options) ?? []);
        await AnswerAsync(mentee.Client, second, 3);

        var hours = (await mentee.Client.GetFromJsonAsync<Tandem.Features.Recognition.MyServiceHours>("/api/v1/me/service-hours", Json.Options))!;
        Assert.Equal(60, hours.ProposedMinutes);
        Assert.All(hours.Entries.Items, e => Assert.Equal(Tandem.Features.Recognition.ServiceHourSource.Training, e.Source));
        Assert.Equal(new[] { first.Id, second.Id }.Order(), hours.Entries.Items.Select(e => e.SourceId).Order());
        var badge = Assert.Single((await mentee.Client.GetFromJsonAsync<List<Tandem.Features.Recognition.BadgeAwardView>>("/api/v1/me/badges", Json.Options))!);
        Assert.Equal(("training-complete", "Training complete"), (badge.Badge, badge.Title));
    }

    [Fact]
    public async Task AFileWhoseExtensionLiesAboutItsContentsIsRefusedAndARealOneIsDownloaded()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Dee Mentee", "mentee");
        var other = await PairingProgram.CreateAsync(factory);
        var stranger = await other.ApproveAsync("Stan Stranger", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());
        var url = $"{Modules(program.Program.Id)}/{module.Id}/file";
        async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name, string type)
        {
            var token = await PageClient.AntiforgeryTokenAsync(client, "/account/password");
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new MultipartFormDataContent { { content, "file", name } } };
            request.Headers.Add("RequestVerificationToken", token);
            return await client.SendAsync(request);
        }

        var textAsPdf = await UploadAsync(program.Coordinator, "just some notes\n"u8.ToArray(), "guide.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, textAsPdf.StatusCode);
        Assert.Contains("named as a PDF but its contents are plain text", await textAsPdf.Content.ReadAsStringAsync());
        var program_ = await UploadAsync(program.Coordinator, [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00], "guide.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, program_.StatusCode);
        var pngAsText = await UploadAsync(program.Coordinator, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], "notes.txt", "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, pngAsText.StatusCode);
        var tooBig = await UploadAsync(program.Coordinator, new byte[6 * 1024 * 1024], "big.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(mentee.Client, "%PDF-1.4\n"u8.ToArray(), "guide.pdf", "application/pdf")).StatusCode);

        var pdf = "%PDF-1.4\n% a small guide\n"u8.ToArray();
        var stored = await UploadAsync(program.Coordinator, pdf, "guide.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var view = (await stored.Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
        Assert.Equal(("guide.pdf", "application/pdf"), (view.File!.Name, view.File.ContentType));
        using var download = await mentee.Client.GetAsync(view.File.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync(view.File.Url)).StatusCode);
    }

    [Fact]
    public async Task AnEditKeepsTheAnswersGivenAndDeletingAModuleTakesEveryonesProgressWithIt()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Hal Mentee", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module(scenario: false));
        await AnswerAsync(mentee.Client, module, 3);
        var url = $"{Modules(program.Program.Id)}/{module.Id}";

        var edited = await program.Coordinator.PutAsJsonAsync(url, new
        {
            title = "Safeguarding basics (2027)", content = module.Content, audience = "Everyone", minutes = 30, passMarkPercent = 60,
            questions = module.Questions.Select(q => new { id = q.Id, text = q.Text, options = q.Options, correct = q.Correct }).ToArray(),
            videoLinks = new[] { "http://insecure.example.org/video" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, edited.StatusCode);
        Assert.Contains("https://", await edited.Content.ReadAsStringAsync());
        edited = await program.Coordinator.PutAsJsonAsync(url, new
        {
            title = "Safeguarding basics (2027)", content = module.Content, audience = "Everyone", minutes = 30, passMarkPercent = 60,
            questions = module.Questions.Select(q => new { id = q.Id, text = q.Text, options = q.Options, correct = q.Correct }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var mine = await ReadAsync(await mentee.Client.GetAsync($"/api/v1/training/modules/{module.Id}"));
        Assert.Equal(("Safeguarding basics (2027)", TrainingState.Completed), (mine.Title, mine.State));
        Assert.Equal(module.Questions.Select(q => (int?)q.Correct), mine.Questions.Select(q => q.YourAnswer));

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await program.Coordinator.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync($"/api/v1/training/modules/{module.Id}")).StatusCode);
        Assert.Equal(0, (await mentee.Client.GetFromJsonAsync<MyTrainingList>($"/api/v1/programs/{program.Program.Id}/training/mine", Json.Options))!.Total);
    }

    [Fact]
    public void TheQuizTextOfTheCoordinatorsPageReadsBackWhatItWrites()
    {
        var questions = new[] { new QuizQuestion(Guid.NewGuid(), "Who do you tell?", ["Nobody", "The coordinator"], 1) };
        var read = QuizText.Read(QuizText.Write(questions) + "\r\n\r\nWhen?\n* Today\n- Later", questions);
        Assert.Null(read.Failure);
        Assert.Equal((questions[0].Id, "Who do you tell?", 1), (read.Value![0].Id, read.Value[0].Text, read.Value[0].Correct));
        Assert.Equal(("When?", 0, null), (read.Value[1].Text, read.Value[1].Correct, read.Value[1].Id));
        Assert.IsType<Tandem.Infrastructure.Problems.Invalid>(QuizText.Read("When?\n- Today\n- Later", []).Failure);
        Assert.IsType<Tandem.Infrastructure.Problems.Invalid>(QuizText.Read("When?\nToday", []).Failure);
    }

    [Fact]
    public async Task DeletingTheFirstScenarioOnTheCoordinatorsPageLeavesNoReflectionUnderAnotherScenario()
    {
        const string Reflection = "Private reflection on the secret";
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Ria Reflects", "mentee");
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Module())!.AsObject();
        body["scenarios"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["prompt"] = "Your mentee asks you to keep a secret. What do you say?" },
            new System.Text.Json.Nodes.JsonObject { ["prompt"] = "Your mentee is late for the third time. What do you do?" });
        var module = await CreateAsync(program.Coordinator, program.Program.Id, body);
        await ReadAsync(await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections", new { scenarioId = module.Scenarios[0].Id, answer = Reflection }));
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var editor = $"/programs/{program.Program.Id}/training?edit={module.Id}";

        var fields = await page.FormFieldsAsync(editor, "training-module");
        fields = fields.Select(f => f.Key == "Scenarios" ? new KeyValuePair<string, string>(f.Key, "Your mentee is late for the third time. What do you do?") : f).ToList();
        var saved = await page.SubmitAsync(editor, "training-module", fields);

        Assert.True(saved.IsSuccessStatusCode || saved.StatusCode == HttpStatusCode.Redirect, $"{(int)saved.StatusCode}");
        var after = await ReadAsync(await mentee.Client.GetAsync($"/api/v1/training/modules/{module.Id}"));
        var left = Assert.Single(after.Scenarios);
        Assert.Equal((module.Scenarios[1].Id, "Your mentee is late for the third time. What do you do?"), (left.Id, left.Prompt));
        Assert.Null(left.YourReflection);
    }

    [Fact]
    public async Task ARefusedReflectionComesBackAsTypedAndAnUnreadableRequirementIsNotSavedAsNo()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var mentee = await program.ApproveAsync("Rex Reflects", "mentee");
        var module = await CreateAsync(program.Coordinator, programId, Module());
        await ReadAsync(await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections", new { scenarioId = module.Scenarios[0].Id, answer = "My first thoughts" }));

        // Too long (the text area stops a browser, not a script or an old one): the page shows the text typed, not the
        // reflection saved before it.
        var typed = "A long answer. " + new string('x', TrainingCompletion.ReflectionMax);
        var page = new PageClient(mentee.Client);
        var refused = await page.SubmitAsync($"/my/training/{module.Id}", $"training-reflection-{module.Scenarios[0].Id}", [new("Reflection", typed)]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains(typed + "</textarea>", html);
        Assert.DoesNotContain("My first thoughts</textarea>", html);

        // The requirement's yes/no that the server cannot read is refused, not saved as "no" (ADR 81).
        var url = $"/api/v1/programs/{programId}/training/settings";
        (await program.Coordinator.PutAsJsonAsync(url, new { requiredBeforeMatching = true, requiredBeforeStart = true })).EnsureSuccessStatusCode();
        var coordinator = new PageClient(program.Coordinator);
        var unread = await coordinator.SubmitAsync($"/programs/{programId}/training", "training-settings", [new("BeforeMatching", "yes please"), new("BeforeStart", "true")]);
        Assert.Equal(HttpStatusCode.BadRequest, unread.StatusCode);
        Assert.Contains("is not a valid value", WebUtility.HtmlDecode(await unread.Content.ReadAsStringAsync()));
        var settings = (await program.Coordinator.GetFromJsonAsync<TrainingSettingsView>(url, Json.Options))!;
        Assert.True(settings.RequiredBeforeMatching);
        Assert.True(settings.RequiredBeforeStart);
    }

    [Fact]
    public void TheCoordinatorsPageKeepsEachQuestionAndScenarioItsOwnIdWhenOthersAreRemovedAddedOrEdited()
    {
        // The page's text boxes carry no ids. Matched by position, deleting the first of three scenarios gave the second
        // the first's id, so the reflections written on the first showed as answers to the second.
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        (Guid, string)[] stored = [(a, "Your mentee is late"), (b, "Your mentee is upset"), (c, "Your mentee asks for your number")];

        Assert.Equal([b, c], TextBlockIds.Match(["Your mentee is upset", "Your mentee asks for your number"], stored));
        Assert.Equal([null, a, b, c], TextBlockIds.Match(["A new first one", "Your mentee is late", "Your mentee is upset", "Your mentee asks for your number"], stored));
        // A typo fixed in place (nothing added or removed) keeps its id.
        Assert.Equal([a, b, c], TextBlockIds.Match(["Your mentee is late", "Your mentee is upset.", "Your mentee asks for your number"], stored));
        Assert.Equal([c, a, b], TextBlockIds.Match(["Your mentee asks for your number", "Your mentee is late", "Your mentee is upset"], stored));
        // One removed and another edited: the edited one cannot be told from a new one, so it is new rather than someone else's.
        Assert.Equal([null, c], TextBlockIds.Match(["Your mentee is upset!", "Your mentee asks for your number"], stored));
        // One removed and one added leave the count as it was: the added one is new, not the removed one.
        Assert.Equal([b, c, null], TextBlockIds.Match(["Your mentee is upset", "Your mentee asks for your number", "A new last one"], stored));
        Assert.Equal([null, c, null], TextBlockIds.Match(["Your mentee is upset!", "Your mentee asks for your number", "A new last one"], stored));

        var questions = new[]
        {
            new QuizQuestion(a, "Who do you tell?", ["Nobody", "The coordinator"], 1),
            new QuizQuestion(b, "When do you meet?", ["At school", "At home"], 0),
        };
        var read = QuizText.Read("When do you meet?\n* At school\n- At home", questions);
        Assert.Equal(b, Assert.Single(read.Value!).Id);
    }

    [Fact]
    public async Task TemplatesAddRealModulesWithOneAction()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Eve Mentee", "mentee");
        var api = $"/api/v1/programs/{program.Program.Id}/training/templates";
        var templates = (await program.Coordinator.GetFromJsonAsync<List<TrainingTemplateView>>(api, Json.Options))!;
        Assert.Equal(["active-listening", "giving-feedback", "setting-goals", "boundaries-and-safeguarding", "conflict-resolution"], templates.Select(t => t.Key));

        foreach (var template in templates)
        {
            var added = await program.Coordinator.PostAsync($"{api}/{template.Key}", Json.Empty());
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var module = (await added.Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
            Assert.Equal(template.Title, module.Title);
            Assert.True(module.Content.Length > 800, $"{module.Title}: {module.Content.Length} characters");
            Assert.StartsWith("# ", module.Content);
            Assert.True(module.Questions.Count >= 3);
            Assert.All(module.Questions, q => Assert.InRange(q.Correct, 0, q.Options.Count - 1));
            Assert.NotEmpty(module.Scenarios);
            Assert.True(module.Minutes > 0);
        }
        Assert.Equal(HttpStatusCode.Conflict, (await program.Coordinator.PostAsync($"{api}/active-listening", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.PostAsync($"{api}/juggling", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsync($"{api}/active-listening", Json.Empty())).StatusCode);

        var mine = (await mentee.Client.GetFromJsonAsync<MyTrainingList>($"/api/v1/programs/{program.Program.Id}/training/mine", Json.Options))!;
        Assert.Equal((0, 5), (mine.Completed, mine.Total));
        var page = await mentee.Client.GetStringAsync($"/my/training/{mine.Modules.Single(m => m.Title == "Active listening").ModuleId}");
        Assert.Contains("<h4>Why listening comes first</h4>", page);
        Assert.Contains("<strong>Give your full attention.</strong>", page);
    }

    [Fact]
    public async Task ARenameLeavingTheRestOutKeepsTheAudienceTheTimesAndTheQuiz()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Hal Mentee", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module(audience: "Mentors", minutes: 45, passMark: 70));
        var url = $"{Modules(program.Program.Id)}/{module.Id}";

        var renamed = await program.Coordinator.PutAsJsonAsync(url, new { title = "Safeguarding for mentors", content = module.Content });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var after = (await renamed.Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
        Assert.Equal(("Safeguarding for mentors", TrainingAudience.Mentors, 45, 70), (after.Title, after.Audience, after.Minutes, after.PassMarkPercent));
        Assert.Equal(module.Questions.Select(q => (q.Id, q.Text)), after.Questions.Select(q => (q.Id, q.Text)));
        Assert.Equal(module.Scenarios.Select(s => s.Id), after.Scenarios.Select(s => s.Id));
        Assert.Equal(module.VideoLinks, after.VideoLinks);
        var theirs = await mentee.Client.GetAsync("/api/v1/me/training");
        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        Assert.DoesNotContain("Safeguarding for mentors", await theirs.Content.ReadAsStringAsync());
        // An empty list clears: the quiz goes when the coordinator says so.
        var cleared = (await (await program.Coordinator.PutAsJsonAsync(url, new { title = "Safeguarding for mentors", content = module.Content, questions = Array.Empty<object>() }))
            .Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
        Assert.Empty(cleared.Questions);
    }

    [Fact]
    public async Task EightFirstSavesOfTheSettingsAtOnceAllAnswerAndTheSettingStands()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var url = $"/api/v1/programs/{program.Program.Id}/training/settings";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            program.Coordinator.PutAsJsonAsync(url, new { requiredBeforeMatching = true, requiredBeforeStart = false })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Contains("\"requiredBeforeMatching\":true", await program.Coordinator.GetStringAsync(url));
    }

    [Fact]
    public async Task AfterRetentionTheProgramsQuizzesAndRolePlaysTakeNoAnswers()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Ada Retained", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = DateTime.UtcNow;
            db.Add(new Tandem.Features.Exports.RetentionRun(program.School.Organisation.Id, program.Program.Id, "Program", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });

        var quiz = await AnswerAsync(mentee.Client, module, 3);
        var reflection = await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = "AFTERMARK" });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (quiz.StatusCode, reflection.StatusCode));
        Assert.Contains("anonymised", await reflection.Content.ReadAsStringAsync());
        Assert.False(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<TrainingCompletion>().AnyAsync(c => c.ModuleId == module.Id)));
    }

    [Fact]
    public async Task ARefusedQuizOnThePageKeepsEveryChoiceMade()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Kit Chooses", "mentee");
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());
        var (first, second, third) = (module.Questions[0].Id, module.Questions[1].Id, module.Questions[2].Id);

        // The third question left out: 400, and the two answers given are still chosen on the page (they were all cleared).
        var refused = await new PageClient(mentee.Client).SubmitAsync($"/my/training/{module.Id}", "training-quiz", [new($"q.{first}", "2"), new($"q.{second}", "0")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Matches($"id=\"q-{first}-2\"[^>]*checked", html);
        Assert.Matches($"id=\"q-{second}-0\"[^>]*checked", html);
        Assert.DoesNotMatch($"id=\"q-{third}-[0-9]\"[^>]*checked", html);
        Assert.DoesNotMatch($"id=\"q-{first}-[01]\"[^>]*checked", html);
    }

    [Fact]
    public async Task SavingAnEditOfAModuleDeletedMeanwhileOnThePageIs404AndAddsNothing()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var module = await CreateAsync(program.Coordinator, programId, Module("Deleted in another tab"));
        var page = new PageClient(program.Coordinator);
        var fields = await page.FormFieldsAsync($"/programs/{programId}/training?edit={module.Id}", "training-module");
        (await program.Coordinator.DeleteAsync($"{Modules(programId)}/{module.Id}")).EnsureSuccessStatusCode();

        var saved = await page.SubmitAsync($"/programs/{programId}/training?edit={module.Id}", "training-module",
            fields.Where(f => f.Key != "Title").Append(new("Title", "Renamed after the delete")));

        // 404 (the site's not-found page: Blazor leaves a 404's body to it, so the typed form is not shown again).
        Assert.Equal(HttpStatusCode.NotFound, saved.StatusCode);
        // It used to fall through to adding the module again (participants untrained again when training is required).
        Assert.Empty((await program.Coordinator.GetFromJsonAsync<List<TrainingModuleView>>(Modules(programId), Json.Options))!);
    }

    [Fact]
    public async Task AnAnswerToAModuleDeletedMeanwhileIs404()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Lou Late", "mentee");
        var me = new Actor(mentee.User.Id, IsAdministrator: false);
        static async Task GoneAsync(TandemDb db, Guid moduleId)
        {
            await db.Set<TrainingCompletion>().Where(c => c.ModuleId == moduleId).ExecuteDeleteAsync();
            await db.Set<TrainingModule>().Where(m => m.Id == moduleId).ExecuteDeleteAsync();
        }

        // A first answer: the new progress row names a module no longer there (a foreign key; a 500 before).
        var fresh = await CreateAsync(program.Coordinator, program.Program.Id, Module("First answer"));
        var quiz = await DeletedMeanwhile.RunAsync<MyTraining, Outcome<MyTrainingModuleView>>(factory, db => GoneAsync(db, fresh.Id),
            t => t.SubmitQuizAsync(me, fresh.Id, new SubmitQuizRequest(fresh.Questions.Select(q => new QuizAnswer(q.Id, q.Correct)).ToList())));
        Assert.Equal(404, Assert.IsType<NotFound>(quiz.Failure).StatusCode());

        // A later answer: the progress row went with the module (a lost update; a 500 before).
        var started = await CreateAsync(program.Coordinator, program.Program.Id, Module("Later answer"));
        await ReadAsync(await AnswerAsync(mentee.Client, started, 1));
        var reflection = await DeletedMeanwhile.RunAsync<MyTraining, Outcome<MyTrainingModuleView>>(factory, db => GoneAsync(db, started.Id),
            t => t.ReflectAsync(me, started.Id, new SubmitReflectionRequest(started.Scenarios[0].Id, "Typed while it went")));
        Assert.Equal(404, Assert.IsType<NotFound>(reflection.Failure).StatusCode());
        Assert.False(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<TrainingCompletion>().AnyAsync(c => c.UserId == mentee.User.Id)));
    }

    [Fact]
    public async Task AQuestionIdSentTwiceGivesTheSecondQuestionAnIdOfItsOwn()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var module = await CreateAsync(program.Coordinator, program.Program.Id, Module());
        var id = module.Questions[0].Id;

        var updated = await program.Coordinator.PutAsJsonAsync($"{Modules(program.Program.Id)}/{module.Id}", new
        {
            title = module.Title,
            content = module.Content,
            questions = new object[]
            {
                new { id, text = "First", options = new[] { "a", "b" }, correct = 0 },
                new { id, text = "Second", options = new[] { "c", "d" }, correct = 1 },
            },
            scenarios = new object[] { new { id, prompt = "A scenario with the question's id" } },
        });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var saved = (await updated.Content.ReadFromJsonAsync<TrainingModuleView>(Json.Options))!;
        Assert.Equal(id, saved.Questions[0].Id);
        Assert.Equal(3, saved.Questions.Select(q => q.Id).Append(saved.Scenarios[0].Id).Distinct().Count());
    }

    [Fact]
    public async Task AModuleTitleWithAnEmojiAtTheLedgersCutStillCompletesWithAWholeDescription()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Sky Reads", "mentee");
        // "Training: " and 189 letters is 199 units: the star across the 200th is cut off whole (a 500 on PostgreSQL, ADR 113).
        var module = await CreateAsync(program.Coordinator, program.Program.Id, new
        {
            title = new string('a', 189) + "\U0001F31F",
            content = "Read me.",
            audience = "Everyone",
            minutes = 20,
        });

        var completed = await ReadAsync(await mentee.Client.PostAsync($"/api/v1/training/modules/{module.Id}/complete", Json.Empty()));

        Assert.Equal(TrainingState.Completed, completed.State);
        var ledger = (await mentee.Client.GetFromJsonAsync<Tandem.Features.Recognition.MyServiceHours>("/api/v1/me/service-hours", Json.Options))!;
        Assert.Equal("Training: " + new string('a', 189), Assert.Single(ledger.Entries.Items).Description);
    }

    [Fact]
    public async Task ATemplateAddedTwiceAtOnceIsAddedOnce()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var api = $"/api/v1/programs/{program.Program.Id}/training/templates/active-listening";
        var others = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => program.Factory.SignedInClientAsync(program.School.Coordinator)));

        var answers = await Task.WhenAll(others.Select(c => c.PostAsync(api, Json.Empty())));

        Assert.Equal(HttpStatusCode.Created, Assert.Single(answers, a => a.IsSuccessStatusCode).StatusCode);
        Assert.All(answers.Where(a => !a.IsSuccessStatusCode), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Single((await program.Coordinator.GetFromJsonAsync<List<TrainingModuleView>>(Modules(program.Program.Id), Json.Options))!);
    }
}
