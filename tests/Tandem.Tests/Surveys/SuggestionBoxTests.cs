using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Surveys;

/// <summary>The program's suggestion box (issue 11, item 2): always open, anonymous by default, answered publicly to the program.</summary>
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
            .Where(n => n.Title.StartsWith("A suggestion was answered")).Select(n => new { n.UserId, n.Body }).ToListAsync());
        Assert.Equal([told.User.Id], notices.Where(n => n.UserId != world.School.Coordinator.Id && n.UserId != second.Id).Select(n => n.UserId));
        Assert.All(notices, n => Assert.DoesNotContain("Private words", n.Body));
        Assert.All(notices, n => Assert.DoesNotContain("Room 12", n.Body));
    }
}
