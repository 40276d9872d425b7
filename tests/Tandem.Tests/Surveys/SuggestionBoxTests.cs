using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Surveys;

/// <summary>The program's suggestion box (issue 11, item 2): always open, anonymous by default, answered publicly to the program.</summary>
[RunsLong(25)]
public sealed class SuggestionBoxTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task TheBoxIsAlwaysOpenAndACoordinatorsPublicAnswerReachesTheWholeProgramWithoutTheAuthor()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 1);
        var (anonymous, named) = (world.Mentees[0], world.Mentees[1]);
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        var outsider = await factory.SignedInClientAsync(world.School.Outsider);
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();

        (await anonymous.Client.PostAsJsonAsync(box, new { text = "More quiet rooms, please." })).EnsureSuccessStatusCode();
        (await named.Client.PostAsJsonAsync(box, new { text = "Snacks at the socials", anonymous = false })).EnsureSuccessStatusCode();
        var tooShort = await named.Client.PostAsJsonAsync(box, new { text = "" });

        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync(box, new { text = "Let me in" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.Client.GetAsync(box)).StatusCode);
        var inBox = (await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>(box, Json.Options))!.Items;
        Assert.Equal(2, inBox.Count);
        var quiet = inBox.Single(s => s.Text == "More quiet rooms, please.");
        Assert.True(quiet.Anonymous);
        Assert.Null(quiet.AuthorName);
        Assert.Null(quiet.SubmittedAt);
        Assert.Equal("Mentee 1", inBox.Single(s => !s.Anonymous).AuthorName);
        Assert.Empty((await anonymous.Client.GetFromJsonAsync<Paged<PublicSuggestionView>>($"{box}/answered", Json.Options))!.Items);

        var refused = await anonymous.Client.PostAsJsonAsync($"/api/v1/suggestions/{quiet.Id}/answer", new { answer = "Yes" });
        var answer = await world.Coordinator.PostAsJsonAsync($"/api/v1/suggestions/{quiet.Id}/answer", new { answer = "Room 12 is yours on Tuesdays." });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        answer.EnsureSuccessStatusCode();
        foreach (var person in new[] { world.Mentors[0], named, anonymous })
        {
            var published = Assert.Single((await person.Client.GetFromJsonAsync<Paged<PublicSuggestionView>>($"{box}/answered", Json.Options))!.Items);
            Assert.Equal(("More quiet rooms, please.", "Room 12 is yours on Tuesdays."), (published.Text, published.Answer));
            var notice = (await PairingProgram.NoticesAsync(person.Client))[0];
            Assert.StartsWith("A suggestion was answered", notice.Title);
            Assert.Equal($"/programs/{world.Program.Id}/suggestions", notice.Link);
        }
        Assert.DoesNotContain("Mentee", await named.Client.GetStringAsync($"{box}/answered"));
    }

    [Fact]
    public async Task ASuggestionOrAnswerRefusedOnThePageComesBackWithWhatWasTyped()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var path = $"/programs/{world.Program.Id}/suggestions";
        var mentee = new PageClient(world.Mentees[0].Client);
        var tooLong = "Could we meet in the library? " + new string('s', Suggestion.TextMax);

        var refused = await mentee.SubmitAsync(path, "suggest", [new("text", tooLong), new("anonymous", "true")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(tooLong + "</textarea>", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Contains("No suggestions yet.", await world.Coordinator.GetStringAsync(path));

        (await mentee.SubmitAsync(path, "suggest", [new("text", "Could we meet in the library?"), new("anonymous", "true")])).EnsureSuccessStatusCode();
        var suggestion = Assert.Single((await world.Coordinator.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<SuggestionView>>(
            $"/api/v1/programs/{world.Program.Id}/suggestions", Json.Options))!.Items);
        var coordinator = new PageClient(world.Coordinator);
        var longAnswer = "Yes, from March. " + new string('a', Suggestion.AnswerMax);
        var answerRefused = await coordinator.SubmitAsync(path, $"answer-{suggestion.Id}", [new("answer", longAnswer)]);
        Assert.Equal(HttpStatusCode.BadRequest, answerRefused.StatusCode);
        Assert.Contains(longAnswer + "</textarea>", WebUtility.HtmlDecode(await answerRefused.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AnAnswerTellsOnceOnlyWhomTheProgramMayContactAndCopiesNeitherTheSuggestionNorTheAnswer()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 3, mentors: 0);
        var (heldBack, disabled, told) = (world.Mentees[0], world.Mentees[1], world.Mentees[2]);
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        (await told.Client.PostAsJsonAsync(box, new { text = "Private words about my mentor" })).EnsureSuccessStatusCode();
        var suggestion = Assert.Single((await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>(box, Json.Options))!.Items);
        await ConsentStates.HoldBackAsync(world.App.Services, heldBack.User.Id, world.Program.Id);
        var second = await factory.CreateUserAsync("Sam Coordinator");
        await factory.AddMemberAsync(world.School.Organisation.Id, second, Tandem.Features.Organisations.OrganisationRole.Member);
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/enrolments", new { email = second.Email, role = "Coordinator" })).EnsureSuccessStatusCode();
        await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == disabled.User.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));

        // Two coordinators answer at once: the other's answer is committed just before this one's.
        var answered = await UseCaseOver.RunAsync<AnswerSuggestion, Outcome<SuggestionView>>(world.App.Services,
            new BeforeFirstUpdate(() => world.WithScopeAsync(s => s.GetRequiredService<AnswerSuggestion>()
                .RunAsync(new Actor(second.Id, false), suggestion.Id, new AnswerSuggestionRequest { Answer = "Room 12 is yours from March." }))),
            answer => answer.RunAsync(new Actor(world.School.Coordinator.Id, false), suggestion.Id, new AnswerSuggestionRequest { Answer = "Room 12, from March." }));

        Assert.Null(answered.Failure);
        var notices = await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.Title.StartsWith("A suggestion was answered") && n.Link == $"/programs/{world.Program.Id}/suggestions")
            .Select(n => new { n.UserId, n.Body }).ToListAsync());
        Assert.Equal([told.User.Id], notices.Where(n => n.UserId != world.School.Coordinator.Id && n.UserId != second.Id).Select(n => n.UserId));
        Assert.All(notices, n => Assert.DoesNotContain("Private words", n.Body));
        Assert.All(notices, n => Assert.DoesNotContain("Room 12", n.Body));
    }

    [Fact]
    public async Task ASuggestionRefusedOnThePageKeepsTheAnonymousChoiceThatWasPosted()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var path = $"/programs/{world.Program.Id}/suggestions";
        var mentee = new PageClient(world.Mentees[0].Client);
        var tooLong = "Could we meet in the library? " + new string('s', Suggestion.TextMax);
        static async Task<bool> AnonymousTickedAsync(HttpResponseMessage page) =>
            ((IHtmlInputElement)new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync()).GetElementById("anonymous")!).IsChecked;

        Assert.True(await AnonymousTickedAsync(await mentee.Http.GetAsync(path))); // anonymous by default
        var named = await mentee.SubmitAsync(path, "suggest", [new("text", tooLong)]);
        var anonymous = await mentee.SubmitAsync(path, "suggest", [new("text", tooLong), new("anonymous", "true")]);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (named.StatusCode, anonymous.StatusCode));
        Assert.False(await AnonymousTickedAsync(named)); // sent again as it was, it would not become anonymous by itself
        Assert.True(await AnonymousTickedAsync(anonymous));
    }

    [Fact]
    public async Task AfterRetentionACoordinatorsAnswerIsRefusedTellsNobodyAndThePageOffersNoForm()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var mentee = world.Mentees[0];
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        (await mentee.Client.PostAsJsonAsync(box, new { text = "More quiet rooms, please." })).EnsureSuccessStatusCode();
        var suggestion = Assert.Single((await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>(box, Json.Options))!.Items);
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        world.Clock.Advance(TimeSpan.FromDays(25 * 31));
        var pass = await world.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());
        Assert.Contains(pass.Programs, p => p.ProgramId == world.Program.Id);
        var coordinator = await world.App.SignedInClientAsync(world.School.Coordinator);

        var answered = await coordinator.PostAsJsonAsync($"/api/v1/suggestions/{suggestion.Id}/answer", new { answer = "Room 12 is yours on Tuesdays." });

        Assert.Equal(HttpStatusCode.Conflict, answered.StatusCode);
        Assert.Contains("anonymised", await answered.Content.ReadAsStringAsync());
        var (answer, notices) = await world.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<Suggestion>().Where(x => x.Id == suggestion.Id).Select(x => x.Answer).SingleAsync(),
                await db.Set<Notification>().CountAsync(n => n.UserId == mentee.User.Id && n.Title.StartsWith("A suggestion was answered")));
        });
        Assert.Equal((null, 0), (answer, notices));
        var page = WebUtility.HtmlDecode(await coordinator.GetStringAsync($"/programs/{world.Program.Id}/suggestions"));
        Assert.DoesNotContain("Publish answer", page);
        Assert.DoesNotContain("Put it in the box", page);
        Assert.Contains(SurveyText.Retained, page);
    }

    [Fact]
    public async Task AMinorsNamedSuggestionReadByACoordinatorIsWrittenToTheAuditLog()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var (minor, adult) = (world.Mentees[0], world.Mentees[1]);
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        (await minor.Client.PostAsJsonAsync(box, new { text = "Snacks at the socials", anonymous = false })).EnsureSuccessStatusCode();
        (await minor.Client.PostAsJsonAsync(box, new { text = "Nobody knows this is mine" })).EnsureSuccessStatusCode();
        (await adult.Client.PostAsJsonAsync(box, new { text = "Longer sessions", anonymous = false })).EnsureSuccessStatusCode();
        await SurveyReachTests.MakeMinorAsync(world, minor.User.Id);
        Task<List<AuditEntry>> AuditAsync() => SurveyReachTests.AuditAboutAsync(world, minor.User.Id);

        var listed = (await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>(box, Json.Options))!.Items;

        var entry = Assert.Single(await AuditAsync());
        Assert.Equal((world.School.Coordinator.Id, AuditRecord.Suggestion, world.Program.Id, world.School.Organisation.Id),
            (entry.ActorUserId, entry.Record, entry.ProgramId!.Value, entry.OrganisationId!.Value));
        Assert.Empty(await SurveyReachTests.AuditAboutAsync(world, adult.User.Id));

        var named = listed.Single(s => s.Text == "Snacks at the socials");
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/suggestions/{named.Id}/answer", new { answer = "From March on." })).EnsureSuccessStatusCode();
        Assert.Contains(await AuditAsync(), e => e.RecordId == named.Id);
        var before = (await AuditAsync()).Count;
        Assert.Contains("Snacks at the socials", await world.Coordinator.GetStringAsync($"/programs/{world.Program.Id}/suggestions"));
        Assert.Equal(before + 1, (await AuditAsync()).Count);
    }
}
