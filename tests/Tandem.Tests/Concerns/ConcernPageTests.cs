using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Concerns;

/// <summary>The concern pages as a browser without JavaScript drives them.</summary>
public sealed class ConcernPageTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task AnOrganisationCoordinatorDesignatesASafeguardingLeadOnTheLeadsPageWhoThenHandlesTheReport()
    {
        var pair = await fixture.PairAsync();
        var lead = await fixture.Tandem.CreateUserAsync("Lee Lead");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, lead, OrganisationRole.Member);
        var leadsPage = $"/organisations/{pair.School.Organisation.Id}/safeguarding-leads";

        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Http.GetAsync(leadsPage)).StatusCode);
        var reported = await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "Safeguarding"), new("about", ""),
            new("description", "Someone in our group talks about being hurt at home.")]);
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        Assert.Contains("Your concern was sent", await reported.Content.ReadAsStringAsync());

        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        Assert.Contains("No one is designated", await coordinator.Http.GetStringAsync(leadsPage));
        Assert.Contains("No concerns reported that you handle.", await coordinator.Http.GetStringAsync($"/programs/{pair.ProgramId}/concerns"));
        var designated = await coordinator.SubmitAsync(leadsPage, "designate", [new("email", lead.Email)]);
        Assert.Contains("Lee Lead is now a safeguarding lead.", await designated.Content.ReadAsStringAsync());

        var asLead = await fixture.SignInAsync(lead);
        var concern = Assert.Single((await asLead.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);
        var leadPages = await fixture.SignInPagesAsync(lead);
        var page = $"/programs/{pair.ProgramId}/concerns/{concern.Id}";
        Assert.Contains("hurt at home", await leadPages.Http.GetStringAsync(page));
        var acknowledged = await leadPages.SubmitAsync(page, "acknowledge", [new("note", "")]);
        Assert.Contains("Acknowledged. The reporter sees it.", await acknowledged.Content.ReadAsStringAsync());
        var empty = await leadPages.SubmitAsync(page, "resolve", [new("note", "  ")]);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        var withdrawn = await coordinator.SubmitAsync(leadsPage, "withdraw", [new("lead", lead.Id.ToString())]);
        Assert.Contains("Lee Lead is no longer a safeguarding lead.", await withdrawn.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await leadPages.Http.GetAsync(page)).StatusCode);
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<SafeguardingLeadView>>($"/api/v1/organisations/{pair.School.Organisation.Id}/safeguarding-leads", Json.Options))!.Items);
    }

    [Fact]
    public async Task ANoteLongerThanTheLimitIsAFormMessageTheTypedNoteStaysAndTheConcernDoesNotMove()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        (await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "NoShow"), new("about", ""),
            new("description", "My mentor missed our last two meetings.")])).EnsureSuccessStatusCode();
        var concern = Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/concerns/{concern.Id}";
        // Lines a browser counts once under maxlength and posts as CRLF, and a note that is simply too long.
        var typed = "Called the mentor. " + new string('n', Concern.NoteMax);

        var refused = await coordinator.SubmitAsync(page, "acknowledge", [new("note", typed)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains($"Keep the note under {Concern.NoteMax} characters.", html);
        Assert.Contains(typed + "</textarea>", html);
        var still = (await pair.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{pair.ProgramId}/concerns", Json.Options))!.Concerns.Items.Single();
        Assert.Equal(ConcernState.Received, still.State);

        var acknowledged = await coordinator.SubmitAsync(page, "acknowledge", [new("note", "Called the mentor.")]);
        Assert.Contains("Acknowledged. The reporter sees it.", await acknowledged.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACategoryNumberPostedFromTheFormIsRefusedAndTheHandlersListStillAnswers()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);

        var refused = await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "99"), new("about", ""),
            new("description", "My mentor missed our last two meetings.")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose what kind of concern it is", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        var list = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/concerns");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty((await list.Content.ReadFromJsonAsync<ProgramConcernsView>(Json.Options))!.Concerns.Items);
        Assert.Equal(HttpStatusCode.OK, (await mentee.Http.GetAsync("/api/v1/concerns/mine")).StatusCode);
    }

    [Fact]
    public async Task ARefusedMediationKeepsTheChosenMediatorAndTime()
    {
        var pair = await fixture.PairAsync();
        // Two possible mediators: the coordinator (first by name) and a staff member (the one chosen).
        var staff = await fixture.Tandem.CreateUserAsync("Zoe Staff");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, staff, OrganisationRole.Member);
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, staff, "Staff");
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        (await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "Conflict"), new("about", ""),
            new("description", "My mentor and I keep arguing about the reading list.")])).EnsureSuccessStatusCode();
        var concern = Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/concerns/{concern.Id}";
        (await coordinator.SubmitAsync(page, "acknowledge", [new("note", "")])).EnsureSuccessStatusCode();
        var past = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await coordinator.SubmitAsync(page, "schedule", [new("mediator", staff.Id.ToString()), new("startsAt", past), new("note", "")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"value=\"{staff.Id}\" selected", html);
        Assert.DoesNotContain($"value=\"{pair.School.Coordinator.Id}\" selected", html);
        Assert.Contains($"value=\"{past}\"", html);
    }

    [Fact]
    public async Task ADescriptionAndANoteWithinTheBoxsLimitAreTakenWithTheirLineBreaksCountedOnce()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        // As a browser posts them: CRLF between lines the box counted once. 40 lines of 99 letters: 4,038 characters posted, 3,999 typed.
        var description = string.Join("\r\n", Enumerable.Range(0, 40).Select(i => new string((char)('a' + i % 26), 99)));
        var note = string.Join("\r\n", Enumerable.Range(0, 20).Select(i => new string((char)('a' + i % 26), 99)));

        var reported = await mentee.SubmitAsync("/concerns", "report", [
            new("program", pair.ProgramId.ToString()), new("category", "Other"), new("about", ""), new("description", description)]);

        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        var concern = Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramConcernsView>($"/api/v1/programs/{pair.ProgramId}/concerns", Json.Options))!.Concerns.Items);
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var acknowledged = await coordinator.SubmitAsync($"/programs/{pair.ProgramId}/concerns/{concern.Id}", "acknowledge", [new("note", note)]);
        Assert.Contains("Acknowledged. The reporter sees it.", await acknowledged.Content.ReadAsStringAsync());
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Concern>().AsNoTracking().Include(c => c.Steps).SingleAsync(c => c.Id == concern.Id));
        Assert.Equal(description.Replace("\r\n", "\n"), stored.Description);
        Assert.Equal(note.Replace("\r\n", "\n"), stored.Steps.Single(x => x.Step == ConcernState.Acknowledged).Note);
    }
}
