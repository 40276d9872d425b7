using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>The coordinator's recruitment pages, driven through HTTP as a browser without JavaScript would.</summary>
public sealed partial class RecruitmentPageTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<int> InvitationCountAsync(Guid programId) =>
        fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Invitation>().CountAsync(i => i.ProgramId == programId));

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string path, string csv)
    {
        var page = await client.GetStringAsync(path);
        var token = WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value);
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("upload"), "_handler" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "RosterFile", "roster.csv" },
        };
        return await client.PostAsync(path, form);
    }

    [Fact]
    public async Task TheRosterPageShowsEveryRowErrorAndImportsOnlyAfterConfirmation()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var path = $"/programs/{program.Id}/roster";
        var a = RecruitmentFixture.Email("page-a");
        var b = RecruitmentFixture.Email("page-b");

        var invalid = await UploadAsync(coordinator, path, $"email,first_name,last_name,role\n{a},Al,Pha,mentee\nbroken,Be,Ta,mentee\n{a},Al,Again,mentor\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var html = WebUtility.HtmlDecode(await invalid.Content.ReadAsStringAsync());
        Assert.Contains("2 problems found, nothing imported", html);
        Assert.Contains("'broken' is not a valid e-mail address.", html);
        Assert.Contains("duplicate of row 2", html);

        var csv = $"email,first_name,last_name,role\n{a},Al,Pha,mentee\n{b},Bea,Ta,mentor\n";
        var valid = await UploadAsync(coordinator, path, csv);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Contains("Ready to invite 2 people", await valid.Content.ReadAsStringAsync());
        Assert.Equal(0, await InvitationCountAsync(program.Id));

        var confirmed = await new PageClient(coordinator).SubmitAsync(path, "confirm", [new("Csv", csv)]);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Invited 2 people; 2 e-mails sent.", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal(2, await InvitationCountAsync(program.Id));
        Assert.Single(await fixture.Smtp.ForAsync(b));
    }

    [Fact]
    public async Task AConfirmationThatNoLongerPassesShowsTheRowsAndWritesNothing()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var path = $"/programs/{program.Id}/roster";
        var a = RecruitmentFixture.Email("late-a");
        var csv = $"email,first_name,last_name,role\n{a},Al,Pha,mentee\n{RecruitmentFixture.Email("late-b")},Bea,Ta,mentor\n";
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(coordinator, path, csv)).StatusCode);
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = a, role = "Mentee" })).EnsureSuccessStatusCode();

        var confirmed = await new PageClient(coordinator).SubmitAsync(path, "confirm", [new("Csv", csv)]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, confirmed.StatusCode);
        Assert.Contains($"{a} already has an open invitation to this program.", WebUtility.HtmlDecode(await confirmed.Content.ReadAsStringAsync()));
        Assert.Equal(1, await InvitationCountAsync(program.Id));
    }

    [Fact]
    public async Task TheInvitationsPageInvitesListsStatusesAndRevokes()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var path = $"/programs/{program.Id}/invitations";
        var page = new PageClient(coordinator);
        var email = RecruitmentFixture.Email("page-invite");

        var invited = await page.SubmitAsync(path, "invite", [new("Input.Email", email), new("Input.Role", "Mentor"), new("Input.FirstName", "Pat")]);

        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        Assert.Contains($"Invitation sent to {email}.", await invited.Content.ReadAsStringAsync());
        Assert.Single(await fixture.Smtp.ForAsync(email));
        var list = await coordinator.GetStringAsync(path);
        Assert.Contains(email, list);
        Assert.Contains(">Sent<", list);
        var id = Regex.Match(list, @"value=""revoke:([0-9a-f\-]{36})""").Groups[1].Value;

        var revoked = await page.SubmitAsync(path, "act", [new("Action", $"revoke:{id}")]);

        Assert.Contains($"The invitation to {email} was revoked.", await revoked.Content.ReadAsStringAsync());
        Assert.Contains(">Revoked<", await coordinator.GetStringAsync(path + "?status=Revoked"));
    }

    [Fact]
    public async Task ParticipantsAreRefusedTheCoordinatorPages()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var mentee = await fixture.SignInAsync(school.Mentee);
        var outsider = await fixture.SignInAsync(school.Outsider);

        foreach (var tab in new[] { "invitations", "roster", "nominations", "outreach" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/programs/{program.Id}/{tab}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/programs/{program.Id}/{tab}")).StatusCode);
        }
    }

    [Fact]
    public async Task TheOutreachPageShowsCountsPerChannelAndVisitorsSignUpOnTheSessionPage()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var path = $"/programs/{program.Id}/outreach";
        var page = new PageClient(coordinator);

        var created = await page.SubmitAsync(path, "channel", [new("Channel.Name", "School newsletter")]);
        var html = await created.Content.ReadAsStringAsync();
        var code = Regex.Match(html, @"https://tandem\.test/r/([a-z0-9]{8})").Groups[1].Value;
        Assert.NotEmpty(code);
        await fixture.Anonymous().GetAsync($"/r/{code}");
        await fixture.Anonymous().GetAsync($"/r/{code}");
        Assert.Matches(@"School newsletter</td>\s*<td data-label=""Link""><code>[^<]+</code></td>\s*<td data-label=""Views"">2</td>", await coordinator.GetStringAsync(path));

        var local = fixture.Clock.GetUtcNow().AddDays(10).ToString("yyyy-MM-ddTHH:mm");
        var scheduled = await page.SubmitAsync(path, "session", [new("Session.Title", "After-school taster"), new("Session.StartsLocal", local),
            new("Session.TimeZoneId", "Europe/London"), new("Session.DurationMinutes", "45"), new("Session.Capacity", "1"), new("Session.Place", "Hall")]);
        var sessionId = Regex.Match(await scheduled.Content.ReadAsStringAsync(), @"/information-sessions/([0-9a-f\-]{36})").Groups[1].Value;
        Assert.NotEmpty(sessionId);

        var visitor = new PageClient(await fixture.SignInAsync(school.Outsider));
        var listed = await visitor.Http.GetStringAsync($"/programs/{program.Id}/information-sessions");
        Assert.Contains("After-school taster", listed);
        Assert.Contains($"/information-sessions/{sessionId}", listed);
        var signedUp = await visitor.SubmitAsync($"/information-sessions/{sessionId}", "sign-up", [new("Choice", "sign-up")]);
        Assert.Contains("You are signed up.", await signedUp.Content.ReadAsStringAsync());
        var late = new PageClient(await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Late Comer")));
        var full = await late.Http.GetStringAsync($"/information-sessions/{sessionId}");
        Assert.Contains("This session is full.", full);
        Assert.Contains("Join the waitlist", full);
        Assert.Contains(school.Outsider.Email, await coordinator.GetStringAsync($"/information-sessions/{sessionId}"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
