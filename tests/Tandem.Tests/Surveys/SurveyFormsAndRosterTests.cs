using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Exports;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

/// <summary>
/// ADR 130 for surveys: forms posted after the page changed (a suggestion moved to another page, the box closed, a survey
/// closed or sent meanwhile) reach their use case and keep what was typed; a template only by its name; an organisation
/// survey's roster is checked when it is sent; a changed draft says how many it invites.
/// </summary>
public sealed class SurveyFormsAndRosterTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AnAnswerPostedForASuggestionThatMovedToTheNextPageIsPublished()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        for (var i = 0; i < 21; i++)
        {
            (await world.Mentees[0].Client.PostAsJsonAsync(box, new { text = $"Idea number {i}" })).EnsureSuccessStatusCode();
        }
        var second = Assert.Single((await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>($"{box}?page=2", Json.Options))!.Items);
        var coordinator = new PageClient(world.Coordinator);

        var answered = await coordinator.SubmitAsync($"/programs/{world.Program.Id}/suggestions?page=1", $"answer-{second.Id}", [new("answer", "Good idea, from May.")]);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("Answer published to the program.", await answered.Content.ReadAsStringAsync());
        var published = Assert.Single((await world.Mentees[0].Client.GetFromJsonAsync<Paged<PublicSuggestionView>>($"{box}/answered", Json.Options))!.Items);
        Assert.Equal((second.Text, "Good idea, from May."), (published.Text, published.Answer));
    }

    [Fact]
    public async Task ASuggestionOrAnswerPostedAfterRetentionIsRefusedWithTheWordsKept()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var box = $"/api/v1/programs/{world.Program.Id}/suggestions";
        (await world.Mentees[0].Client.PostAsJsonAsync(box, new { text = "Quiet rooms" })).EnsureSuccessStatusCode();
        var suggestion = Assert.Single((await world.Coordinator.GetFromJsonAsync<Paged<SuggestionView>>(box, Json.Options))!.Items);
        await world.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = world.Clock.GetUtcNow().UtcDateTime;
            db.Add(new RetentionRun(world.School.Organisation.Id, world.Program.Id, world.Program.Name, now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });
        var path = $"/programs/{world.Program.Id}/suggestions";

        var suggested = await new PageClient(world.Mentees[0].Client).SubmitAsync(path, "suggest", [new("text", "More snacks KEPT-S-19a"), new("anonymous", "true")]);
        var answered = await new PageClient(world.Coordinator).SubmitAsync(path, $"answer-{suggestion.Id}", [new("answer", "Room 12 KEPT-A-55e")]);

        Assert.Equal(HttpStatusCode.Conflict, suggested.StatusCode);
        Assert.Contains("KEPT-S-19a</textarea>", await suggested.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, answered.StatusCode);
        Assert.Contains("KEPT-A-55e</textarea>", await answered.Content.ReadAsStringAsync());
        Assert.Empty((await world.Mentees[0].Client.GetFromJsonAsync<Paged<PublicSuggestionView>>($"{box}/answered", Json.Options))!.Items);
    }

    [Fact]
    public async Task AnswersPostedAfterTheSurveyClosedAreRefusedWithEveryAnswerStillOnThePage()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var draft = await world.CreateAsync(new
        {
            title = "How is it going?", anonymous = false, audience = new[] { "Mentee" }, trigger = "Now",
            questions = new object[] { new { id = "thoughts", type = "LongText", prompt = "Anything to tell us?" } },
        });
        await world.SendAsync(draft.Id);
        var invitation = Assert.Single(await SurveyProgram.MineAsync(world.Mentees[0].Client)).Id;
        var mentee = new PageClient(world.Mentees[0].Client);
        var coordinator = new PageClient(world.Coordinator);
        // The coordinator closes it while the mentee types; a second coordinator's Close a moment later.
        (await coordinator.SubmitAsync($"/surveys/{draft.Id}", "close", [])).EnsureSuccessStatusCode();
        var closedAgain = await coordinator.SubmitAsync($"/surveys/{draft.Id}", "close", []);
        var sentAgain = await coordinator.SubmitAsync($"/surveys/{draft.Id}", "send", []);

        var refused = await mentee.SubmitAsync($"/my/surveys/{invitation}", "survey", [new("q.thoughts", "A long answer TYPED-Q-8c2")]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("TYPED-Q-8c2</textarea>", html);
        Assert.Contains("closed", html);
        Assert.Equal(HttpStatusCode.Conflict, closedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, sentAgain.StatusCode);
    }

    [Fact]
    public async Task ATemplatePostedAsANumberIsRefusedAndNothingIsCreated()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var coordinator = new PageClient(world.Coordinator);

        var refused = await coordinator.SubmitAsync($"/programs/{world.Program.Id}/surveys", "new-survey", [new("template", "5"), new("title", "Numbered")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose a template from the list.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Empty((await world.Coordinator.GetFromJsonAsync<Paged<SurveySummary>>($"/api/v1/programs/{world.Program.Id}/surveys", Json.Options))!.Items);
    }

    [Fact]
    public async Task SomeoneWhoLeftBeforeAnOrganisationSurveyWasSentIsNeitherAdmittedNorRemindedWhenTheyJoinAgain()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var (leaves, stays) = (world.Mentees[0], world.Mentees[1]);
        var created = await world.Coordinator.PostAsJsonAsync($"/api/v1/organisations/{world.School.Organisation.Id}/surveys",
            new { title = "Needs before spring", roster = new[] { leaves.User.Email, stays.User.Email }, remindAfterDays = 1 });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var survey = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        // A change to the draft says how many its roster invites, as reading it does.
        var changed = await world.Coordinator.PutAsJsonAsync($"/api/v1/surveys/{survey.Id}", new { title = "Needs before the spring term" });
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!.Invited);

        await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships
            .Where(m => m.UserId == leaves.User.Id && m.OrganisationId == world.School.Organisation.Id).ExecuteDeleteAsync());
        await world.SendAsync(survey.Id);
        await factory.AddMemberAsync(world.School.Organisation.Id, leaves.User, OrganisationRole.Member);
        world.Clock.Advance(TimeSpan.FromDays(2));
        await world.RunJobAsync();

        Assert.DoesNotContain(await SurveyProgram.MineAsync(leaves.Client), s => s.Title == "Needs before the spring term");
        Assert.Contains(await SurveyProgram.MineAsync(stays.Client), s => s.Title == "Needs before the spring term");
        var reminders = await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>().AsNoTracking()
            .Where(n => n.UserId == leaves.User.Id && n.Title.Contains("Needs before the spring term")).CountAsync());
        Assert.Equal(0, reminders);
    }
}
