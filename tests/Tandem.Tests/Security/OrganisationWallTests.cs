using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Security;

/// <summary>
/// Organisations are walls (docs/security.md): a coordinator attaches only people already in their organisation;
/// anyone else is invited by e-mail and joins by accepting, and no answer tells whether an address has an account
/// elsewhere in the installation.
/// </summary>
public sealed partial class OrganisationWallTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    /// <summary>School A (where the coordinator works) and a user of school B, who has an account but is no member of A.</summary>
    private async Task<(School A, HttpClient Coordinator, ProgramDetails Program, UserSummary Elsewhere)> WallAsync()
    {
        var (a, coordinator, program) = await fixture.ProgramAsync();
        var b = await School.CreateAsync(fixture.Tandem);
        return (a, coordinator, program, b.Mentee);
    }

    private static string NewAddress() => RecruitmentFixture.Email("nobody");

    [Fact]
    public async Task ACoordinatorCannotAddAnotherOrganisationsUserAsAMemberAndGetsTheAnswerANewAddressGets()
    {
        var (a, coordinator, _, elsewhere) = await WallAsync();
        var nobody = NewAddress();
        var url = $"/api/v1/organisations/{a.Organisation.Id}/members";

        var existing = await coordinator.PostAsJsonAsync(url, new { email = elsewhere.Email, role = "Coordinator" });
        var unknown = await coordinator.PostAsJsonAsync(url, new { email = nobody, role = "Coordinator" });

        await AssertSameAnswerAsync(existing, elsewhere.Email, unknown, nobody, HttpStatusCode.Accepted);
        Assert.False(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
        var members = (await coordinator.GetFromJsonAsync<Paged<MemberView>>(url, Json.Options))!;
        Assert.DoesNotContain(members.Items, m => m.UserId == elsewhere.Id);
        // Both addresses are sent the same invitation (the same work either way).
        Assert.Equal(Subject(Assert.Single(await fixture.Smtp.ForAsync(elsewhere.Email))), Subject(Assert.Single(await fixture.Smtp.ForAsync(nobody))));
        var theirs = await fixture.SignInAsync(elsewhere);
        Assert.Equal(HttpStatusCode.BadRequest, (await theirs.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(a.Organisation.Id, "Planted"))).StatusCode);
    }

    [Theory]
    [InlineData("Mentee")]
    [InlineData("Staff")]
    [InlineData("Coordinator")]
    public async Task ACoordinatorCannotEnrolAnotherOrganisationsUserAndGetsTheAnswerANewAddressGets(string role)
    {
        var (a, coordinator, program, elsewhere) = await WallAsync();
        var nobody = NewAddress();
        var url = $"/api/v1/programs/{program.Id}/enrolments";

        var existing = await coordinator.PostAsJsonAsync(url, new { email = elsewhere.Email, role });
        var unknown = await coordinator.PostAsJsonAsync(url, new { email = nobody, role });

        await AssertSameAnswerAsync(existing, elsewhere.Email, unknown, nobody, HttpStatusCode.Accepted);
        var roster = (await coordinator.GetFromJsonAsync<Paged<EnrolmentView>>(url, Json.Options))!;
        Assert.DoesNotContain(roster.Items, e => e.UserId == elsewhere.Id);
        Assert.False(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
        var theirs = await fixture.SignInAsync(elsewhere);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync($"/api/v1/programs/{program.Id}")).StatusCode);
    }

    [Fact]
    public async Task AMemberOfTheOrganisationIsStillEnrolledAndAddedAtOnce()
    {
        var (a, coordinator, program, _) = await WallAsync();

        var enrolled = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = a.Mentee.Email, role = "Mentee" });
        var promoted = await coordinator.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = a.Mentee.Email, role = "Coordinator" });

        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        Assert.Equal(a.Mentee.Id, (await enrolled.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!.UserId);
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal(OrganisationRole.Coordinator, (await promoted.Content.ReadFromJsonAsync<MemberView>(Json.Options))!.Role);
    }

    [Fact]
    public async Task AnAdministratorStillAddsAnyExistingAccountDirectly()
    {
        var (a, _, program, elsewhere) = await WallAsync();
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));

        var added = await admin.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = elsewhere.Email, role = "Member" });
        var enrolled = await admin.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = elsewhere.Email, role = "Mentor" });

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        Assert.True(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
    }

    [Fact]
    public async Task TheInviteeWithAnAccountElsewhereAcceptsAndIsThenACoordinatorOfTheOrganisation()
    {
        var (a, coordinator, _, elsewhere) = await WallAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = elsewhere.Email, role = "Coordinator" })).EnsureSuccessStatusCode();
        var message = Assert.Single(await fixture.Smtp.ForAsync(elsewhere.Email));
        Assert.StartsWith("You are invited to join Hillside School", message.Subject);
        var token = TokenIn(message);

        var stranger = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Sam Else"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);
        var invitee = await fixture.SignInAsync(elsewhere);
        var accepted = await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var acceptance = (await accepted.Content.ReadFromJsonAsync<InvitationAcceptance>(Json.Options))!;
        Assert.Equal(InvitationPurpose.JoinOrganisation, acceptance.Purpose);
        Assert.Equal(a.Organisation.Id, acceptance.OrganisationId);
        var members = (await coordinator.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{a.Organisation.Id}/members?pageSize=100", Json.Options))!;
        Assert.Equal(OrganisationRole.Coordinator, Assert.Single(members.Items, m => m.UserId == elsewhere.Id).Role);
        Assert.Equal(HttpStatusCode.Created, (await invitee.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(a.Organisation.Id, "Their own"))).StatusCode);
        var invitations = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/organisations/{a.Organisation.Id}/invitations", Json.Options))!;
        Assert.Equal(InvitationStatus.Accepted, Assert.Single(invitations.Items).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);
    }

    [Fact]
    public async Task AnInviteeToAProgramAcceptsAndIsThenEnrolledAsStaff()
    {
        var (a, coordinator, program, elsewhere) = await WallAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = elsewhere.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var token = TokenIn(Assert.Single(await fixture.Smtp.ForAsync(elsewhere.Email)));

        var invitee = await fixture.SignInAsync(elsewhere);
        var accepted = await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var roster = (await coordinator.GetFromJsonAsync<Paged<EnrolmentView>>($"/api/v1/programs/{program.Id}/enrolments?role=Staff", Json.Options))!;
        Assert.Equal(elsewhere.Id, Assert.Single(roster.Items).UserId);
        Assert.True(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
        var seen = (await invitee.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal([ProgramRole.Staff], seen.MyRoles);
    }

    [Fact]
    public async Task ANewAddressSignsUpWithTheInvitationAndIsThenAMember()
    {
        var (a, coordinator, _, _) = await WallAsync();
        var nobody = NewAddress();
        (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = nobody, role = "Member" })).EnsureSuccessStatusCode();
        var token = TokenIn(Assert.Single(await fixture.Smtp.ForAsync(nobody)));
        var client = fixture.Anonymous();

        var signedUp = await client.PostAsJsonAsync("/api/v1/invitations/sign-up", new { token, displayName = "Nell Newcomer", password = "a long enough password", timeZoneId = "Europe/London" });

        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(nobody, me.GetProperty("email").GetString());
        var userId = me.GetProperty("id").GetGuid();
        Assert.True(await IsMemberAsync(a.Organisation.Id, userId));
        var again = await fixture.Anonymous().PostAsJsonAsync("/api/v1/invitations/sign-up", new { token, displayName = "Eve", password = "another long password", timeZoneId = "UTC" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task SigningUpWithAnInvitationForAnAddressThatHasAnAccountAsksToSignInAndAttachesNothing()
    {
        var (a, coordinator, _, elsewhere) = await WallAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = elsewhere.Email, role = "Member" })).EnsureSuccessStatusCode();
        var token = TokenIn(Assert.Single(await fixture.Smtp.ForAsync(elsewhere.Email)));

        var signedUp = await fixture.Anonymous().PostAsJsonAsync("/api/v1/invitations/sign-up", new { token, displayName = "Mallory", password = "a long enough password", timeZoneId = "UTC" });

        Assert.Equal(HttpStatusCode.Conflict, signedUp.StatusCode);
        Assert.Contains("sign in", (await signedUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.False(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
        var invitee = await fixture.SignInAsync(elsewhere);
        Assert.Equal(HttpStatusCode.OK, (await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);
    }

    [Fact]
    public async Task ANominationDoesNotRevealWhetherTheNomineeHasAnAccount()
    {
        var (a, coordinator, program, elsewhere) = await WallAsync();
        var nobody = NewAddress();
        var url = $"/api/v1/programs/{program.Id}/nominations";
        const string Statement = "A thoughtful reader who helps others.";

        var existing = await coordinator.PostAsJsonAsync(url, new { email = elsewhere.Email, role = "Mentee", statement = Statement });
        var unknown = await coordinator.PostAsJsonAsync(url, new { email = nobody, role = "Mentee", statement = Statement });

        await AssertSameAnswerAsync(existing, elsewhere.Email, unknown, nobody, HttpStatusCode.OK);
        var listed = (await coordinator.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray().ToList();
        Assert.All(listed, n => Assert.Equal(JsonValueKind.Null, n.GetProperty("nomineeUserId").ValueKind));
        Assert.False(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));
    }

    [Fact]
    public async Task TheMembersPageAnswersAnotherOrganisationsUserAsItAnswersANewAddress()
    {
        var (a, _, _, elsewhere) = await WallAsync();
        var nobody = NewAddress();
        var page = await SignInPageAsync(a.Coordinator);
        var path = $"/organisations/{a.Organisation.Id}/members";

        var existing = await page.SubmitAsync(path, "add-member", [new("Input.Email", elsewhere.Email), new("Input.Role", "Coordinator")]);
        var unknown = await page.SubmitAsync(path, "add-member", [new("Input.Email", nobody), new("Input.Role", "Coordinator")]);

        Assert.Equal(HttpStatusCode.OK, existing.StatusCode);
        Assert.Equal(existing.StatusCode, unknown.StatusCode);
        var existingNotice = Notice(await existing.Content.ReadAsStringAsync());
        Assert.Equal($"An invitation was sent to {elsewhere.Email}. They join when they accept it.", existingNotice);
        Assert.Equal(existingNotice.Replace(elsewhere.Email, "ADDRESS"), Notice(await unknown.Content.ReadAsStringAsync()).Replace(nobody, "ADDRESS"));
        Assert.False(await IsMemberAsync(a.Organisation.Id, elsewhere.Id));

        var member = await page.SubmitAsync(path, "add-member", [new("Input.Email", a.Mentee.Email), new("Input.Role", "Coordinator")]);
        Assert.Equal($"{a.Mentee.DisplayName} is now a coordinator.", Notice(await member.Content.ReadAsStringAsync()));

        var stranger = await SignInPageAsync(elsewhere);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync(path)).StatusCode);
        var memberOfOther = await School.CreateAsync(fixture.Tandem);
        var refused = await (await SignInPageAsync(memberOfOther.Mentee)).Http.GetAsync($"/organisations/{memberOfOther.Organisation.Id}/members");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ACoordinatorChangesRolesAndRemovesMembersOnThePageButNeverTheLastCoordinator()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var helper = await fixture.Tandem.CreateUserAsync("Hal Helper");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, helper, OrganisationRole.Member);
        var page = await SignInPageAsync(school.Coordinator);
        var path = $"/organisations/{school.Organisation.Id}/members";

        // The only coordinator cannot step down or leave: someone must run the organisation.
        var alone = await page.SubmitAsync(path, "member", [new("MemberAction", $"member:{school.Coordinator.Id}")]);
        Assert.Equal(HttpStatusCode.Conflict, alone.StatusCode);
        Assert.Contains("Cora Ordinator is the organisation&#x27;s only coordinator: make someone else coordinator first.", await alone.Content.ReadAsStringAsync());

        var promoted = await page.SubmitAsync(path, "member", [new("MemberAction", $"coordinator:{helper.Id}")]);
        Assert.Equal("Hal Helper is now a coordinator.", Notice(await promoted.Content.ReadAsStringAsync()));

        // Removing asks first, and removes only when confirmed.
        var asked = await page.SubmitAsync(path, "member", [new("MemberAction", $"remove:{school.Mentee.Id}")]);
        Assert.Contains("Yes, remove Menna Tee", await asked.Content.ReadAsStringAsync());
        Assert.True(await IsMemberAsync(school.Organisation.Id, school.Mentee.Id));
        var removed = await page.SubmitAsync(path, "member", [new("MemberAction", $"confirm-remove:{school.Mentee.Id}")]);
        Assert.Equal("Menna Tee was removed from the organisation.", Notice(await removed.Content.ReadAsStringAsync()));
        Assert.False(await IsMemberAsync(school.Organisation.Id, school.Mentee.Id));

        // Through the API, the same rules: now that Hal coordinates too, Cora may step down.
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{school.Organisation.Id}/members",
            new { email = school.Coordinator.Email, role = "Member" })).StatusCode);
        var hal = await fixture.SignInAsync(helper);
        var lastOne = await hal.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{helper.Id}");
        Assert.Equal(HttpStatusCode.Conflict, lastOne.StatusCode);
        Assert.Contains("only coordinator", await lastOne.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{helper.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hal.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{school.Outsider.Id}")).StatusCode);
    }

    [Fact]
    public async Task SomeoneTakingPartInAnOpenProgramIsNotRemovedFromTheOrganisation()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();

        var refused = await coordinator.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{school.Mentee.Id}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"Menna Tee takes part in {program.Name}: withdraw them there first", await refused.Content.ReadAsStringAsync());
        Assert.True(await IsMemberAsync(school.Organisation.Id, school.Mentee.Id));
    }

    [Fact]
    public async Task TheInviteeAcceptsOnThePageWithTheirAccountOrANewOne()
    {
        var (a, coordinator, program, elsewhere) = await WallAsync();
        var nobody = NewAddress();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = elsewhere.Email, role = "Staff" })).EnsureSuccessStatusCode();
        (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{a.Organisation.Id}/members", new { email = nobody, role = "Member" })).EnsureSuccessStatusCode();
        var existingPath = InvitationMailer.AcceptPath(TokenIn(Assert.Single(await fixture.Smtp.ForAsync(elsewhere.Email))));
        var newPath = InvitationMailer.AcceptPath(TokenIn(Assert.Single(await fixture.Smtp.ForAsync(nobody))));

        // With an account: sign in, then accept.
        var anonymous = await fixture.Anonymous().GetAsync(existingPath);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        var offer = await anonymous.Content.ReadAsStringAsync();
        Assert.Contains("Sign in to accept", offer);
        Assert.Contains("Create account and accept", offer);
        var invitee = await SignInPageAsync(elsewhere);
        var accepted = await invitee.SubmitAsync(existingPath, "accept", []);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("You are now enrolled in Reading Buddies as a member of staff.", await accepted.Content.ReadAsStringAsync());
        var staff = (await coordinator.GetFromJsonAsync<Paged<EnrolmentView>>($"/api/v1/programs/{program.Id}/enrolments?role=Staff", Json.Options))!;
        Assert.Equal(elsewhere.Id, Assert.Single(staff.Items).UserId);

        // Without one: create it with the invited address.
        var newcomer = new PageClient(fixture.Anonymous());
        var token = newPath[(newPath.IndexOf('=') + 1)..];
        var signedUp = await newcomer.SubmitAsync(newPath, "invitation-sign-up",
            [new("SignUp.Token", Uri.UnescapeDataString(token)), new("SignUp.DisplayName", "Nia Newcomer"), new("SignUp.Password", "a long enough password"), new("SignUp.TimeZoneId", "Europe/London")]);
        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);
        Assert.Contains("You are now a member of", await signedUp.Content.ReadAsStringAsync());
        var me = await newcomer.Http.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(nobody, me.GetProperty("email").GetString());
        Assert.True(await IsMemberAsync(a.Organisation.Id, me.GetProperty("id").GetGuid()));
    }

    /// <summary>Same status, same content type, and the same body once the address (and the new row's id and times) are set aside.</summary>
    private static async Task AssertSameAnswerAsync(HttpResponseMessage first, string firstEmail, HttpResponseMessage second, string secondEmail, HttpStatusCode expected)
    {
        var firstBody = await first.Content.ReadAsStringAsync();
        var secondBody = await second.Content.ReadAsStringAsync();
        Assert.True(expected == first.StatusCode, $"{(int)first.StatusCode}: {firstBody}");
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(first.Content.Headers.ContentType?.ToString(), second.Content.Headers.ContentType?.ToString());
        Assert.Equal(Comparable(firstBody, firstEmail), Comparable(secondBody, secondEmail));
    }

    private static string Comparable(string json, string email)
    {
        var node = JsonNode.Parse(json.Replace(email, "ADDRESS", StringComparison.OrdinalIgnoreCase))!.AsObject();
        Assert.True(node.ContainsKey("id"), "No id in " + json);
        foreach (var varying in new[] { "id", "createdAt", "expiresAt", "sentAt" }.Where(node.ContainsKey))
        {
            node[varying] = "…";
        }
        return node.ToJsonString();
    }

    private static string Subject(MimeMessage message) => message.Subject ?? "";

    private static string TokenIn(MimeMessage message)
    {
        var match = AcceptLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, "No accept link in: " + message.TextBody);
        Assert.Contains(match.Value, message.HtmlBody);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    private static string Notice(string html) =>
        System.Net.WebUtility.HtmlDecode(NoticeText().Match(html) is { Success: true } m ? m.Groups[1].Value.Trim() : "(no notice)");

    private async Task<PageClient> SignInPageAsync(UserSummary user)
    {
        var page = new PageClient(fixture.Anonymous());
        var response = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", TandemFactory.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return page;
    }

    private Task<bool> IsMemberAsync(Guid organisationId, Guid userId) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == userId));

    [GeneratedRegex(@"https://tandem\.test/invitations/accept\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex AcceptLink();

    [GeneratedRegex("<div class=\"notice\" role=\"status\">([^<]*)</div>")]
    private static partial Regex NoticeText();
}
