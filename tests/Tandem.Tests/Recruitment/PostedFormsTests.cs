using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 119: a form posted after what it was for changed (the program left recruiting, the invitation was accepted or
/// revoked) answers with the use case's message and keeps what was typed, not with Blazor's bare 400.
/// </summary>
public sealed partial class PostedFormsTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [GeneratedRegex(@"/invitations/accept\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex AcceptLink();

    /// <summary>An invitation to staff a program, e-mailed to the address: its id and token.</summary>
    private async Task<(Guid Id, string Token)> StaffInvitationAsync(HttpClient coordinator, Guid programId, string email)
    {
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { email, role = "Staff" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var invitation = (await response.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!;
        var match = AcceptLink().Match(Assert.Single(await fixture.Smtp.ForAsync(email)).TextBody ?? "");
        Assert.True(match.Success);
        return (invitation.Id, Uri.UnescapeDataString(match.Groups[1].Value));
    }

    [Fact]
    public async Task ConfirmingARosterAfterTheProgramLeftRecruitingSaysSo()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var csv = $"email,first_name,last_name,role\n{RecruitmentFixture.Email("late")},Lee,Late,mentee\n";
        await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Matching)));

        var confirmed = await new PageClient(coordinator).SubmitAsync($"/programs/{program.Id}/roster", "confirm", [new("Csv", csv)]);

        Assert.Equal(HttpStatusCode.Conflict, confirmed.StatusCode);
        Assert.Contains("open only while it is recruiting", WebUtility.HtmlDecode(await confirmed.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task SigningUpWithAnInvitationRevokedMeanwhileSaysSoAndKeepsWhatWasTyped()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("newcomer");
        var (id, token) = await StaffInvitationAsync(coordinator, program.Id, email);
        var path = $"/invitations/accept?token={Uri.EscapeDataString(token)}";
        var visitor = fixture.Anonymous();
        var antiforgery = await PageClient.AntiforgeryTokenAsync(visitor, path);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/invitations/{id}/revoke", Json.Empty())).StatusCode);

        var posted = await visitor.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "invitation-sign-up",
            ["SignUp.Token"] = token,
            ["SignUp.DisplayName"] = "Nia Newcomer",
            ["SignUp.Password"] = "a long enough password",
            ["SignUp.TimeZoneId"] = "Europe/Paris",
        }));

        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        var page = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.Contains("This invitation was withdrawn by the coordinator who sent it.", page);
        Assert.Contains("value=\"Nia Newcomer\"", page);
        Assert.Contains("value=\"Europe/Paris\"", page);
        Assert.DoesNotContain("a long enough password", page); // the typed password is not written back (ADR 120)
    }

    [Fact]
    public async Task AcceptingAnInvitationAcceptedMeanwhileSaysSo()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var invitee = await fixture.Tandem.CreateUserAsync("Ada Accepter");
        var (_, token) = await StaffInvitationAsync(coordinator, program.Id, invitee.Email);
        var path = $"/invitations/accept?token={Uri.EscapeDataString(token)}";
        var client = await fixture.SignInAsync(invitee);
        var antiforgery = await PageClient.AntiforgeryTokenAsync(client, path);
        // Accepted in another tab.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);

        var posted = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "accept",
        }));

        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        Assert.Contains("This invitation has already been used. Each invitation link works once.", WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync()));
    }
}
