using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

public sealed class InvitationTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private async Task<(Guid ProgramId, HttpClient Coordinator, Features.Accounts.UserSummary Invitee, string Token)> InvitedAsync()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var invitee = await fixture.Tandem.CreateUserAsync("Ivy Invitee");
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = invitee.Email, role = "Mentee", firstName = "Ivy" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(await fixture.Smtp.ForAsync(invitee.Email));
        return (program.Id, coordinator, invitee, RecruitmentFixture.TokenIn(message, program.Id));
    }

    [Fact]
    public async Task InvitationEmailArrivesOverSmtpWithAWorkingSingleUseLink()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var invitee = await fixture.Tandem.CreateUserAsync("Ivy Invitee");

        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = invitee.Email, role = "Mentee", firstName = "Ivy" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var invitation = (await response.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!;
        Assert.Equal(InvitationStatus.Sent, invitation.Status);
        var message = Assert.Single(await fixture.Smtp.ForAsync(invitee.Email));
        Assert.Equal(invitee.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("You are invited to join Reading Buddies as a mentee", message.Subject);
        Assert.Contains("Hello Ivy", message.TextBody);
        Assert.Contains($"https://tandem.test/join/{program.Id}", message.TextBody);
        Assert.Contains($"https://tandem.test/apply/{program.Id}/mentee?invitation=", message.HtmlBody);
        var token = RecruitmentFixture.TokenIn(message, program.Id);

        // Only the hash is stored.
        var stored = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Invitation>().SingleAsync(i => i.Id == invitation.Id));
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(Invitation.Hash(token), stored.TokenHash);

        var invitee1 = await fixture.SignInAsync(invitee);
        var accepted = await invitee1.PostAsJsonAsync("/api/v1/invitations/accept", new { token });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var acceptance = (await accepted.Content.ReadFromJsonAsync<InvitationAcceptance>(Json.Options))!;
        Assert.Equal(program.Id, acceptance.ProgramId);
        Assert.Equal(ProgramRole.Mentee, acceptance.Role);
        Assert.Equal($"/apply/{program.Id}/mentee", acceptance.ApplyPath);

        var list = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{program.Id}/invitations", Json.Options))!;
        Assert.Equal(InvitationStatus.Accepted, Assert.Single(list.Items).Status);
    }

    [Fact]
    public async Task AReusedInvitationIsRefused()
    {
        var (_, _, invitee, token) = await InvitedAsync();
        var client = await fixture.SignInAsync(invitee);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);

        var again = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("already been used", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnExpiredInvitationIsRefused()
    {
        var (programId, coordinator, invitee, token) = await InvitedAsync();

        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var later = fixture.WithClock(clock);
        clock.Advance(TimeSpan.FromDays(15));
        var client = await later.SignedInClientAsync(invitee);
        var response = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        var coordinatorAgain = await later.SignedInClientAsync(await CoordinatorOf(programId));
        var expired = (await coordinatorAgain.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{programId}/invitations?status=Expired", Json.Options))!;
        Assert.Single(expired.Items);
    }

    [Fact]
    public async Task AnInvitationIsOnlyUsableByTheInvitedEmail()
    {
        var (_, _, _, token) = await InvitedAsync();
        var someoneElse = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Sam Else"));

        var response = await someoneElse.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ResendingSendsANewLinkAndTheOldOneStopsWorking()
    {
        var (programId, coordinator, invitee, oldToken) = await InvitedAsync();
        var list = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{programId}/invitations", Json.Options))!;

        var resent = await coordinator.PostAsync($"/api/v1/invitations/{list.Items[0].Id}/resend", Json.Empty());

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(2, (await resent.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!.SendCount);
        var messages = await fixture.Smtp.ForAsync(invitee.Email, expected: 2);
        Assert.Equal(2, messages.Count);
        var newToken = RecruitmentFixture.TokenIn(messages[1], programId);
        Assert.NotEqual(oldToken, newToken);
        var client = await fixture.SignInAsync(invitee);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = oldToken })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = newToken })).StatusCode);
    }

    [Fact]
    public async Task ARevokedInvitationIsRefused()
    {
        var (programId, coordinator, invitee, token) = await InvitedAsync();
        var list = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{programId}/invitations", Json.Options))!;

        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/invitations/{list.Items[0].Id}/revoke", Json.Empty())).StatusCode);

        var client = await fixture.SignInAsync(invitee);
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsync($"/api/v1/invitations/{list.Items[0].Id}/revoke", Json.Empty())).StatusCode);
    }

    [Fact]
    public async Task InvitingTheSamePersonTwiceOrToAWrongRoleIsRefused()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var email = RecruitmentFixture.Email("twice");
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentor" })).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentee" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = RecruitmentFixture.Email("peer"), role = "Peer" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = "not an email", role = "Mentee" })).StatusCode);
    }

    [Fact]
    public async Task NobodyIsInvitedToAProgramThatIsNotRecruiting()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync(recruiting: false);
        var email = RecruitmentFixture.Email("early");

        var invite = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentee" });
        var import = await coordinator.PostAsync($"/api/v1/programs/{program.Id}/roster/import",
            new StringContent($"email,first_name,last_name,role\n{email},Ea,Rly,mentee\n", System.Text.Encoding.UTF8, "text/csv"));
        var nominate = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations", new { email, role = "Mentee", statement = "Keen and kind to younger pupils." });

        Assert.Equal(HttpStatusCode.Conflict, invite.StatusCode);
        Assert.Contains("recruiting", (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, import.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, nominate.StatusCode);
        Assert.Equal(0, fixture.Smtp.CountFor(email));
    }

    [Fact]
    public async Task OnlyCoordinatorsManageInvitations()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var mentee = await fixture.SignInAsync(school.Mentee);
        var outsider = await fixture.SignInAsync(school.Outsider);
        var invite = new { email = RecruitmentFixture.Email("x"), role = "Mentee" };

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", invite)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{program.Id}/invitations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", invite)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{program.Id}/invitations")).StatusCode);
    }

    private Task<Features.Accounts.UserSummary> CoordinatorOf(Guid programId) =>
        fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var user = await db.Enrolments.Where(e => e.ProgramId == programId && e.Role == ProgramRole.Coordinator).Select(e => e.User!).FirstAsync();
            return new Features.Accounts.UserSummary(user.Id, user.Email!, user.DisplayName, user.TimeZoneId, false);
        });
}
