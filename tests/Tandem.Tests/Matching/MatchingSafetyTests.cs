using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>ADR 111: sensitive answers, closed programs, races, audited explanations and forms in matching.</summary>
public sealed class MatchingSafetyTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<MatchingProgram> ProgramAsync() => MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);

    /// <summary>The fixture's forms plus a sensitive "gender" criterion and a sensitive text question.</summary>
    private static async Task AddSensitiveQuestionsAsync(MatchingProgram program)
    {
        foreach (var role in new[] { "mentor", "mentee" })
        {
            var questions = MatchingProgram.Questions(role == "mentor").Concat(new object[]
            {
                new { id = "gender", type = "SingleChoice", prompt = "What is your gender?", options = new[] { "Woman", "Man", "In another way" }, required = false,
                    criterion = "SameValue", sensitive = true, explanation = "Some mentees ask for a mentor of their own gender." },
                new { id = "story", type = "ShortText", prompt = "Your background, if you want to share it:", required = false, sensitive = true,
                    explanation = "It helps the coordinators match you." },
            }).ToArray();
            (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/questionnaires/{role}", new { questions })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Applies with consent to both sensitive questions and is approved.</summary>
    private async Task<Member> ApproveConsentingAsync(MatchingProgram program, string name, string role, string subject, string gender, string story)
    {
        var user = await fixture.Tandem.CreateUserAsync(name);
        var client = await fixture.SignInAsync(user);
        var applied = await client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications", new
        {
            role,
            answers = new Dictionary<string, object> { ["subject"] = subject, ["year"] = role == "mentor" ? 5 : 2, ["intro"] = $"Hello from {name}.", ["gender"] = gender, ["story"] = story },
            sensitiveConsents = new[] { "gender", "story" },
            acceptsCodeOfConduct = true,
            submit = true,
        });
        Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        var application = (await applied.Content.ReadFromJsonAsync<Tandem.Features.Applications.MyApplicationView>(Json.Options))!;
        var decided = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications/{application.Id}/decision",
            new { decision = "Approve", mentorCapacity = role == "mentor" ? 1 : (int?)null });
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        var enrolmentId = (await decided.Content.ReadFromJsonAsync<Tandem.Features.Applications.DecisionResult>(Json.Options))!.EnrolmentId!.Value;
        var member = new Member(name, user, enrolmentId, Enum.Parse<ProgramRole>(role, ignoreCase: true));
        program.People[name] = member;
        return member;
    }

    [Fact]
    public async Task ConsentedSensitiveAnswersReachTheCoordinatorsButNeverThePartner()
    {
        var program = await ProgramAsync();
        await AddSensitiveQuestionsAsync(program);
        await ApproveConsentingAsync(program, "Maya Mentor", "mentor", "Maths", "Woman", "Grew up in Lagos");
        await ApproveConsentingAsync(program, "Ella Mentee", "mentee", "Maths", "Woman", "Came here as a refugee");
        await program.SaveSetupAsync(new
        {
            criteria = new object[]
            {
                new { name = "subject", kind = "SameValue", questionId = "subject", weight = 10 },
                new { name = "gender", kind = "SameValue", questionId = "gender", weight = 5 },
            },
        });
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var ella = await program.SignInAsync("Ella Mentee");
        var maya = await program.SignInAsync("Maya Mentor");
        var offered = await ella.GetStringAsync($"/api/v1/programs/{program.Program.Id}/self-match/mentors");
        Assert.Contains("Maya Mentor", offered);
        Assert.Contains("same subject: Maths", offered);

        var draft = await program.RunAsync();
        // The coordinators read the consented answer in the draft.
        Assert.Contains("Woman", Assert.Single(draft.Proposals.Items).Summary);
        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);

        var ellaNotices = await ella.GetStringAsync("/api/v1/me/notifications");
        var mayaNotices = await maya.GetStringAsync("/api/v1/me/notifications");
        Assert.Contains("same subject: Maths", ellaNotices);
        Assert.Contains("Hello from Maya Mentor.", ellaNotices);
        var ellaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Ella Mentee"].User.Email, expected: 2), m => m.Subject!.StartsWith("Your mentor"));
        var mayaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Maya Mentor"].User.Email, expected: 2), m => m.Subject!.StartsWith("Your mentee"));
        foreach (var text in new[] { offered, ellaNotices, mayaNotices, await ella.GetStringAsync("/api/v1/relationships/mine"), await maya.GetStringAsync("/api/v1/relationships/mine"),
                     await ella.GetStringAsync("/my/relationships"), ellaEmail.TextBody, mayaEmail.TextBody, ellaEmail.HtmlBody ?? "" })
        {
            Assert.DoesNotContain("Woman", text);
            Assert.DoesNotContain("gender", text);
            Assert.DoesNotContain("Lagos", text);
            Assert.DoesNotContain("refugee", text);
        }
    }
    [Fact]
    public async Task AClosedProgramAndThenAnAnonymisedOneAreNotMatched()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var closed = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Closed" });
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var ella = await program.SignInAsync("Ella Mentee");

        async Task<IReadOnlyList<(HttpStatusCode, string)>> AttemptsAsync() => await Task.WhenAll(new Func<Task<HttpResponseMessage>>[]
        {
            () => program.Coordinator.PostAsync($"{program.Api}/drafts", Json.Empty()),
            () => program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" }),
            () => program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 3 }),
            () => program.Coordinator.PostAsync($"/api/v1/programs/{program.Program.Id}/relationships/late-joiners", Json.Empty()),
            () => ella.GetAsync($"/api/v1/programs/{program.Program.Id}/self-match/mentors"),
            () => ella.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
                new { mentorEnrolmentId = program.People["Maya Mentor"].EnrolmentId, message = "Could you help me with fractions?" }),
        }.Select(async send =>
        {
            using var response = await send();
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        foreach (var (status, body) in await AttemptsAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains(MatchingAccess.Closed, body);
        }
        Assert.Equal(0, (await (await ella.GetAsync("/api/v1/relationships/mine")).ReadAsync<Paged<System.Text.Json.JsonElement>>()).TotalCount);

        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new Tandem.Features.Exports.RetentionRun(program.School.Organisation.Id, program.Program.Id, "Matched", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });
        foreach (var (status, body) in await AttemptsAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains(MatchingAccess.Retained, body);
        }
    }
    private Actor CoordinatorOf(MatchingProgram program) => new(program.School.Coordinator.Id, IsAdministrator: false);

    private async Task<Guid> RuleIdAsync(MatchingProgram program, string kind, string first, string second)
    {
        var response = await program.RuleAsync(kind, first, second);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MatchRuleView>(Json.Options))!.Id;
    }

    private Task<int> RemoveRuleAsync(TandemDb db, Guid ruleId) => db.Set<MatchRule>().Where(r => r.Id == ruleId).ExecuteDeleteAsync();

    [Fact]
    public async Task ARuleReplacedAfterItWasRemovedMeanwhileIsA409NotA500()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        var forbid = await RuleIdAsync(program, "Forbid", "Maya Mentor", "Ella Mentee");

        // Lock pressed on a pair whose prohibition another coordinator removed between the read and the save.
        var locked = await DeletedMeanwhile.RunAsync<AddMatchRule, Outcome<MatchRuleView>>(fixture.Tandem, db => RemoveRuleAsync(db, forbid),
            r => r.RunAsync(CoordinatorOf(program), program.Program.Id,
                new MatchRuleRequest { Kind = MatchRuleKind.Lock, FirstEnrolmentId = program.People["Maya Mentor"].EnrolmentId, SecondEnrolmentId = program.People["Ella Mentee"].EnrolmentId }));
        Assert.Equal(MatchRule.ChangedMeanwhile, Assert.IsType<Conflict>(locked.Failure).Detail);

        // Assigned by hand while the mentee's earlier lock (which the assignment replaces) was removed.
        var earlier = await RuleIdAsync(program, "Lock", "Ned Mentor", "Finn Mentee");
        var assigned = await DeletedMeanwhile.RunAsync<AssignByHand, Outcome<RunRequested>>(fixture.Tandem, db => RemoveRuleAsync(db, earlier),
            r => r.RunAsync(CoordinatorOf(program), program.Program.Id,
                new AssignRequest { FirstEnrolmentId = program.People["Maya Mentor"].EnrolmentId, SecondEnrolmentId = program.People["Finn Mentee"].EnrolmentId }));
        Assert.Equal(MatchRule.ChangedMeanwhile, Assert.IsType<Conflict>(assigned.Failure).Detail);

        // Nothing was stored by either: no rules are left.
        Assert.False(await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MatchRule>().AnyAsync(r => r.ProgramId == program.Program.Id)));
    }

    [Fact]
    public async Task ADraftARunSupersededMeanwhileIsNotPublished()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        await RuleIdAsync(program, "Lock", "Maya Mentor", "Ella Mentee");

        // A run stores its draft and supersedes this one between the publish's read and its transaction.
        var published = await DeletedMeanwhile.RunAsync<PublishMatchDraft, Outcome<PublishResult>>(fixture.Tandem,
            db => db.Set<MatchDraft>().Where(d => d.Id == draft.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, MatchDraftStatus.Superseded)),
            r => r.RunAsync(CoordinatorOf(program), program.Program.Id, draft.Id, new PublishRequest { StartsOn = new DateOnly(2027, 2, 1) }));

        Assert.Equal(PublishMatchDraft.ChangedMeanwhile, Assert.IsType<Conflict>(published.Failure).Detail);
        var stored = await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<MatchDraft>().Where(d => d.Id == draft.Id).Select(d => d.Status).SingleAsync(),
                await db.Set<Tandem.Features.Relationships.Relationship>().CountAsync(r => r.ProgramId == program.Program.Id),
                await db.Set<MatchRule>().CountAsync(r => r.ProgramId == program.Program.Id));
        });
        Assert.Equal((MatchDraftStatus.Superseded, 0, 1), stored);
    }
    [Fact]
    public async Task ARankingSavedWhileCandidatesAreOfferedAgainIsKept()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        var setup = System.Text.Json.JsonSerializer.SerializeToNode(MatchingProgram.SmallPoolSetup())!.AsObject();
        setup["goal"] = "Stable";
        await program.SaveSetupAsync(setup);
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 2 })).EnsureSuccessStatusCode();
        var (ella, maya) = (program.People["Ella Mentee"].EnrolmentId, program.People["Maya Mentor"].EnrolmentId);

        // Ella saves Maya as her first choice while the coordinator's second offer is scoring the pool.
        var offered = await DeletedMeanwhile.RunAsync<OfferCandidates, Outcome<RankingStatusView>>(fixture.Tandem,
            db => db.Set<RankingOffer>().Where(o => o.MenteeEnrolmentId == ella && o.MentorEnrolmentId == maya)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MenteeRank, (int?)1)),
            r => r.RunAsync(CoordinatorOf(program), program.Program.Id, new OfferCandidatesRequest { Candidates = 2 }));

        Assert.Null(offered.Failure);
        var kept = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<RankingOffer>()
            .Where(o => o.MenteeEnrolmentId == ella && o.MentorEnrolmentId == maya).Select(o => o.MenteeRank).SingleAsync());
        Assert.Equal(1, kept);
    }
    [Fact]
    public async Task TheFindAMentorPageCountsLineBreaksOnceRefusesALongMessageAndKeepsWhatWasTyped()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var page = new PageClient(await program.SignInAsync("Ella Mentee"));
        var find = $"/programs/{program.Program.Id}/find-a-mentor";
        var maya = program.People["Maya Mentor"].EnrolmentId.ToString();

        // 2,001 characters once each line break is one (as the browser's maxlength counts them): refused, the words kept.
        var tooLong = "Dear Maya, fractions please\r\n" + string.Join("\r\n", Enumerable.Repeat("x", 987));
        Assert.Equal(2001, tooLong.Replace("\r\n", "\n").Length);
        var refused = await page.SubmitAsync(find, $"request-{maya}", [new("mentor", maya), new("message", tooLong)]);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"The message is at most {MentorRequestBody.MaxMessage} characters.", html);
        Assert.Contains("Dear Maya, fractions please", html);

        // 2,000 with its line breaks counted once (2,666 as posted): taken, stored with one character per break.
        var fits = string.Join("\r\n", Enumerable.Repeat("xy", 667));
        var sent = await page.SubmitAsync(find, $"request-{maya}", [new("mentor", maya), new("message", fits)]);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var stored = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Relationships.MentorRequest>()
            .Where(r => r.MenteeEnrolmentId == program.People["Ella Mentee"].EnrolmentId).Select(r => r.Message).ToListAsync());
        Assert.Equal(2000, Assert.Single(stored).Length);
        Assert.DoesNotContain('\r', stored[0]);
    }
    [Fact]
    public async Task RankYourCandidatesNoticesKnowTheirProgram()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        var setup = System.Text.Json.JsonSerializer.SerializeToNode(MatchingProgram.SmallPoolSetup())!.AsObject();
        setup["goal"] = "Stable";
        await program.SaveSetupAsync(setup);

        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 2 })).EnsureSuccessStatusCode();

        var notices = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
            .Where(n => n.UserId == program.People["Ella Mentee"].User.Id || n.UserId == program.People["Maya Mentor"].User.Id)
            .Where(n => n.Title.StartsWith("Rank your")).Select(n => n.ProgramId).ToListAsync());
        Assert.Equal(2, notices.Count);
        Assert.All(notices, id => Assert.Equal(program.Program.Id, id));
    }

    [Fact]
    public async Task ACoordinatorReadingAMinorsAnswersInMatchingExplanationsIsAudited()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        await Tandem.Tests.Privacy.MinorsSchool.MakeMinorAsync(fixture.Tandem, await program.SignInAsync("Ella Mentee"));
        var ella = program.People["Ella Mentee"].User.Id;
        Task<List<Tandem.Features.Privacy.AuditEntry>> EntriesAsync() => fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>()
            .Set<Tandem.Features.Privacy.AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == ella).ToListAsync());
        Assert.Empty(await EntriesAsync());

        var draft = await program.RunAsync();
        Assert.Contains(draft.Proposals.Items, p => p.Second.Name == "Ella Mentee");
        var afterDraft = await EntriesAsync();
        Assert.NotEmpty(afterDraft);
        Assert.All(afterDraft, e => Assert.Equal((program.School.Coordinator.Id, Tandem.Features.Privacy.AuditRecord.Application, program.Program.Id, GetMatchDraft.ExplanationsPurpose),
            (e.ActorUserId, e.Record, e.ProgramId, e.Purpose)));

        // Maya's candidates explain each mentee's fit with her, Ella's answers among them.
        (await program.Coordinator.GetAsync($"{program.Api}/candidates/{program.People["Ned Mentor"].EnrolmentId}")).EnsureSuccessStatusCode();
        Assert.Equal(afterDraft.Count + 1, (await EntriesAsync()).Count);
    }
    [Fact]
    public async Task MatchingFormsRefuseWhatTheyCannotReadAndKeepWhatWasPosted()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);

        // An unreadable weight is refused in words, not saved as 1.
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";
        var setup = await page.SubmitAsync(setupPath, "setup",
            [new("name.0", "subject"), new("kind.0", "SameValue"), new("question.0", "subject"), new("weight.0", "ten"), new("action", "save")]);
        Assert.Equal(HttpStatusCode.BadRequest, setup.StatusCode);
        Assert.Contains("Criterion 1, weight: “ten” is not a valid value.", WebUtility.HtmlDecode(await setup.Content.ReadAsStringAsync()));
        Assert.True((await program.Coordinator.GetFromJsonAsync<MatchingSetupView>($"{program.Api}/setup", Json.Options))!.IsDefault);

        // A refused start date comes back as posted, and "start the program" stays unticked.
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Matching" })).EnsureSuccessStatusCode();
        var draft = await program.RunAsync();
        var draftPath = $"/programs/{program.Program.Id}/matching";
        var publish = await page.SubmitAsync(draftPath, "publish", [new("draftId", draft.Id.ToString()), new("startsOn", "2035-01-01")]);
        var html = await publish.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("value=\"2035-01-01\"", html);
        Assert.DoesNotContain("checked", System.Text.RegularExpressions.Regex.Match(html, "<input[^>]*id=\"start-program\"[^>]*>").Value);
    }
}
