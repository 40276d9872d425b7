using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

public sealed class MatchingPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ACoordinatorSavesTheSetupPreviewsItRunsLocksAndRerunsThroughThePages()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";

        var setup = await page.Http.GetStringAsync(setupPath);
        Assert.Contains("every question flagged as a matching criterion counts", setup);

        var saved = await page.SubmitAsync(setupPath, "setup",
        [
            new("name.0", "subject"), new("kind.0", "SameValue"), new("question.0", "subject"), new("weight.0", "10"),
            new("name.1", "year"), new("kind.1", "NumericGap"), new("question.1", "year"), new("weight.1", "0"), new("required.1", "true"), new("minimum.1", "1"),
            new("name.2", ""), new("question.2", ""),
            new("action", "save"),
        ]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var savedHtml = await saved.Content.ReadAsStringAsync();
        Assert.Contains("The matching setup is saved", savedHtml);
        Assert.Contains("mentor&#x27;s year minus mentee&#x27;s between 1 and any", savedHtml);
        var view = await program.Coordinator.GetFromJsonAsync<MatchingSetupView>($"{program.Api}/setup", Json.Options);
        Assert.Equal(["subject", "year"], view!.Criteria.Select(c => c.Name));
        Assert.Equal(2, view.Preview.HardRules.Single().ForbiddenPairs);

        var draftPath = $"/programs/{program.Program.Id}/matching";
        Assert.Contains("No draft yet", await page.Http.GetStringAsync(draftPath));
        var ran = await page.SubmitAsync(draftPath, "run", []);
        Assert.Equal(HttpStatusCode.OK, ran.StatusCode);
        var ranHtml = await ran.Content.ReadAsStringAsync();
        Assert.Contains("Draft 1 is ready", ranHtml);
        Assert.Contains("Gus Mentee", ranHtml);
        Assert.Contains("year rules out 2", ranHtml);
        // The average score says its scale, like each pair's.
        var first = await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options);
        var possible = ScoreScale.Possible(first!.Proposals.Items[0].Explanation);
        Assert.True(possible > 0);
        Assert.Contains($"id=\"average\">{first.Figures.AverageScore.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} of {possible} possible<", ranHtml);

        var draft = await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options);
        var ella = draft!.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee");
        var locked = await page.SubmitAsync(draftPath, $"lock-{ella.Id}", []);
        Assert.Contains("are locked together", await locked.Content.ReadAsStringAsync());
        var rerun = await page.SubmitAsync(draftPath, "run", []);
        var rerunHtml = await rerun.Content.ReadAsStringAsync();
        Assert.Contains("Draft 2 is ready", rerunHtml);
        Assert.Contains("Compared with draft 1", rerunHtml);

        var candidates = await page.Http.GetStringAsync($"{draftPath}?person={program.People["Finn Mentee"].EnrolmentId}");
        Assert.Contains("Best candidates for Finn Mentee", candidates);
    }

    [Fact]
    public async Task AParticipantIsRefusedTheMatchingPagesAndAnotherOrganisationDoesNotFindThem()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        var mentee = await PageClient.SignInAsync(factory, program.People["Ella Mentee"].User.Email);
        var other = await School.CreateAsync(factory);
        var outsider = await PageClient.SignInAsync(factory, other.Coordinator.Email);

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Http.GetAsync($"/programs/{program.Program.Id}/matching/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Http.GetAsync($"/programs/{program.Program.Id}/matching")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/programs/{program.Program.Id}/matching/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/programs/{program.Program.Id}/matching")).StatusCode);
    }

    [Fact]
    public async Task ThePagePublishesTheDraftItShowedAndRefusesOneARunSupersededMeanwhile()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var draftPath = $"/programs/{program.Program.Id}/matching";
        Assert.Contains("Draft 1 is ready", await (await page.SubmitAsync(draftPath, "run", [])).Content.ReadAsStringAsync());
        // The coordinator reads draft 1 with its publish form...
        var shown = await page.FormFieldsAsync(draftPath, "publish");
        var first = (await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!;
        Assert.Contains(new KeyValuePair<string, string>("draftId", first.Id.ToString()), shown);

        // ...while another run makes draft 2, which supersedes it.
        Assert.True((await program.Coordinator.PostAsync($"{program.Api}/drafts", Json.Empty())).IsSuccessStatusCode);
        var refused = await page.SubmitAsync(draftPath, "publish", shown);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("only the newest draft can be published", await refused.Content.ReadAsStringAsync());
        var second = (await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!;
        Assert.Equal((2, MatchDraftStatus.Draft), (second.Number, second.Status));

        // Draft 2, once read, is published from its own form.
        var published = await page.SubmitAsync(draftPath, "publish", await page.FormFieldsAsync(draftPath, "publish"));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Contains("Published:", await published.Content.ReadAsStringAsync());
        Assert.Equal(MatchDraftStatus.Published, (await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!.Status);
    }
}
