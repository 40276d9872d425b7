using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// Staffing a school from the pages: an administrator creates an organisation with its first coordinator, and a program's
/// coordinators add, invite, promote and remove its staff and coordinators, with the same rules on the page and the API.
/// </summary>
public sealed partial class StaffingTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [Fact]
    public async Task ACoordinatorAddsInvitesPromotesAndRemovesStaffOnTheStaffPage()
    {
        var (school, api, program) = await fixture.ProgramAsync(recruiting: false);
        var page = new PageClient(await fixture.SignInAsync(school.Coordinator));
        var path = $"/programs/{program.Id}/staff";
        Assert.Contains($"href=\"{path}\"", await page.Http.GetStringAsync($"/programs/{program.Id}"));
        Assert.Contains("Cora Ordinator", await page.Http.GetStringAsync(path));

        // A member of the school is added at once; anyone else is invited by e-mail.
        var added = await page.SubmitAsync(path, "add-staff", [new("Input.Email", school.Mentee.Email), new("Input.Role", "Staff")]);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal("Menna Tee is now a member of staff of Reading Buddies.", Notice(await added.Content.ReadAsStringAsync()));
        var teacher = RecruitmentFixture.Email("teacher");
        var invited = await page.SubmitAsync(path, "add-staff", [new("Input.Email", teacher), new("Input.Role", "Coordinator")]);
        Assert.Equal($"An invitation was sent to {teacher}. They are added when they accept it.", Notice(await invited.Content.ReadAsStringAsync()));
        var mail = Assert.Single(await fixture.Smtp.ForAsync(teacher));
        Assert.Contains("Reading Buddies", mail.Subject);
        Assert.Contains(teacher, await page.Http.GetStringAsync(path));
        var mentee = await page.SubmitAsync(path, "add-staff", [new("Input.Email", teacher), new("Input.Role", "Mentee")]);
        Assert.Equal(HttpStatusCode.BadRequest, mentee.StatusCode);
        Assert.Contains("mentors, mentees and peers apply or are invited on the invitations page", await mentee.Content.ReadAsStringAsync());

        var menna = await EnrolmentAsync(api, program.Id, school.Mentee.Id);
        var cora = await EnrolmentAsync(api, program.Id, school.Coordinator.Id);
        var promoted = await page.SubmitAsync(path, "staff", [new("StaffAction", $"coordinator:{menna.Id}")]);
        Assert.Equal("Menna Tee is now a coordinator of Reading Buddies.", Notice(await promoted.Content.ReadAsStringAsync()));
        Assert.Equal(ProgramRole.Coordinator, (await EnrolmentAsync(api, program.Id, school.Mentee.Id)).Role);

        // Removing asks first and removes only when confirmed.
        var asked = await page.SubmitAsync(path, "staff", [new("StaffAction", $"remove:{cora.Id}")]);
        Assert.Contains("Yes, remove Cora Ordinator", await asked.Content.ReadAsStringAsync());
        Assert.Equal(ProgramRole.Coordinator, (await EnrolmentAsync(api, program.Id, school.Coordinator.Id)).Role);
        var removed = await page.SubmitAsync(path, "staff", [new("StaffAction", $"confirm-remove:{cora.Id}")]);
        Assert.Equal("Cora Ordinator was taken off Reading Buddies.", Notice(await removed.Content.ReadAsStringAsync()));
        var roster = await RosterAsync(api, program.Id);
        Assert.DoesNotContain(roster, e => e.UserId == school.Coordinator.Id);

        // Menna is now the program's only coordinator: she can be neither demoted nor removed.
        foreach (var action in new[] { $"staff:{menna.Id}", $"confirm-remove:{menna.Id}" })
        {
            var refused = await page.SubmitAsync(path, "staff", [new("StaffAction", action)]);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("Menna Tee is the program&#x27;s only coordinator: make someone else coordinator first.", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(ProgramRole.Coordinator, (await EnrolmentAsync(api, program.Id, school.Mentee.Id)).Role);
    }

    [Fact]
    public async Task TheApiKeepsTheLastCoordinatorAndLeavesParticipantsAlone()
    {
        var (school, api, program) = await fixture.ProgramAsync(recruiting: false);
        var cora = await EnrolmentAsync(api, program.Id, school.Coordinator.Id);
        var url = $"/api/v1/programs/{program.Id}/enrolments";

        var demoted = await api.PutAsJsonAsync($"{url}/{cora.Id}/role", new { role = "Staff" });
        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Equal("Cora Ordinator is the program's only coordinator: make someone else coordinator first.", await DetailAsync(demoted));
        var deleted = await api.DeleteAsync($"{url}/{cora.Id}");
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Contains("only coordinator", await DetailAsync(deleted));

        // A participant's enrolment is not changed here.
        (await api.PostAsJsonAsync(url, new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var menna = await EnrolmentAsync(api, program.Id, school.Mentee.Id);
        foreach (var response in new[] { await api.PutAsJsonAsync($"{url}/{menna.Id}/role", new { role = "Coordinator" }), await api.DeleteAsync($"{url}/{menna.Id}") })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("Menna Tee takes part in the program as a mentee: participants' roles are not changed on the staff page, and they leave a program by withdrawing.",
                await DetailAsync(response));
        }
        Assert.Equal(ProgramRole.Mentee, (await EnrolmentAsync(api, program.Id, school.Mentee.Id)).Role);

        // Staff become coordinators and back, never participants.
        var helper = await fixture.Tandem.CreateUserAsync("Hal Helper");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, helper, OrganisationRole.Member);
        var added = await api.PostAsJsonAsync(url, new { email = helper.Email, role = "Staff" });
        var hal = (await added.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!;
        var toMentor = await api.PutAsJsonAsync($"{url}/{hal.Id}/role", new { role = "Mentor" });
        Assert.Equal(HttpStatusCode.BadRequest, toMentor.StatusCode);
        Assert.Contains("choose Staff or Coordinator", await DetailAsync(toMentor));
        var promoted = await api.PutAsJsonAsync($"{url}/{hal.Id}/role", new { role = "Coordinator" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal(ProgramRole.Coordinator, (await promoted.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!.Role);

        // With Hal coordinating too, Cora may step down and then leave.
        var stepped = await api.PutAsJsonAsync($"{url}/{cora.Id}/role", new { role = "Staff" });
        Assert.Equal(HttpStatusCode.OK, stepped.StatusCode);
        Assert.Equal(ProgramRole.Staff, (await EnrolmentAsync(api, program.Id, school.Coordinator.Id)).Role);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"{url}/{cora.Id}")).StatusCode);
        Assert.DoesNotContain(await RosterAsync(api, program.Id), e => e.UserId == school.Coordinator.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"{url}/{cora.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"{url}/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task OnlyThoseWhoManageTheProgramChangeItsStaff()
    {
        var (school, api, program) = await fixture.ProgramAsync(recruiting: false);
        var url = $"/api/v1/programs/{program.Id}/enrolments";
        (await api.PostAsJsonAsync(url, new { email = school.Mentee.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var cora = await EnrolmentAsync(api, program.Id, school.Coordinator.Id);
        var other = await School.CreateAsync(fixture.Tandem);

        // Staff of the program see it but do not manage it; another school's coordinator does not see it at all.
        var staff = await fixture.SignInAsync(school.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAsJsonAsync($"{url}/{cora.Id}/role", new { role = "Staff" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.DeleteAsync($"{url}/{cora.Id}")).StatusCode);
        var outsider = await fixture.SignInAsync(other.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PutAsJsonAsync($"{url}/{cora.Id}/role", new { role = "Staff" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.DeleteAsync($"{url}/{cora.Id}")).StatusCode);
        Assert.Equal(ProgramRole.Coordinator, (await EnrolmentAsync(api, program.Id, school.Coordinator.Id)).Role);

        var staffPage = await new PageClient(staff).Http.GetAsync($"/programs/{program.Id}/staff");
        Assert.Equal(HttpStatusCode.Forbidden, staffPage.StatusCode);
        var html = await staffPage.Content.ReadAsStringAsync();
        Assert.Contains("Only the program&#x27;s coordinators change its staff.", html);
        Assert.DoesNotContain("Add or invite", html);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/programs/{program.Id}/staff")).StatusCode);
    }

    [Fact]
    public async Task AnAdministratorCreatesAnOrganisationAndInvitesItsFirstCoordinatorInOneRequest()
    {
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        var name = $"Riverside Academy {Guid.NewGuid():N}";
        var address = RecruitmentFixture.Email("fran");

        var created = await admin.PostAsJsonAsync("/api/v1/organisations",
            new { name, kind = "School", includesMinors = true, firstCoordinator = new { name = "Fran First", email = address } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Json.Options);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("Invited", body.GetProperty("firstCoordinator").GetProperty("status").GetString());
        var id = body.GetProperty("id").GetGuid();
        var message = Assert.Single(await fixture.Smtp.ForAsync(address));
        Assert.StartsWith($"You are invited to join {name}", message.Subject);
        Assert.Contains("Hello Fran", message.TextBody);
        var invitation = Assert.Single((await admin.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/organisations/{id}/invitations", Json.Options))!.Items);
        Assert.Equal((address, OrganisationRole.Coordinator, InvitationStatus.Sent), (invitation.Email, invitation.OrganisationRole, invitation.Status));

        // Accepting with a new account makes Fran the coordinator.
        var token = AcceptLink().Match(message.TextBody ?? "").Groups[1].Value;
        var signedUp = await fixture.Anonymous().PostAsJsonAsync("/api/v1/invitations/sign-up",
            new { token = Uri.UnescapeDataString(token), displayName = "Fran First", password = TandemFactory.Password, timeZoneId = "Europe/London" });
        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);
        var members = (await admin.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{id}/members", Json.Options))!;
        Assert.Equal(("Fran First", OrganisationRole.Coordinator), (Assert.Single(members.Items).DisplayName, members.Items[0].Role));
    }

    [Fact]
    public async Task AnExistingAccountIsMadeTheFirstCoordinatorAtOnce()
    {
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        var existing = await fixture.Tandem.CreateUserAsync("Ezra Xisting");

        var created = await admin.PostAsJsonAsync("/api/v1/organisations",
            new { name = $"Hilltop College {Guid.NewGuid():N}", kind = "University", firstCoordinator = new { name = "Ezra", email = existing.Email.ToUpperInvariant() } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<CreatedOrganisation>(Json.Options);
        Assert.Equal(FirstCoordinatorStatus.Added, body!.FirstCoordinator!.Status);
        Assert.Equal(("Ezra Xisting", 1), (body.FirstCoordinator.Name, body.MemberCount));
        var members = (await admin.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{body.Id}/members", Json.Options))!;
        Assert.Equal((existing.Id, OrganisationRole.Coordinator), (Assert.Single(members.Items).UserId, members.Items[0].Role));
        Assert.Equal(0, fixture.Smtp.CountFor(existing.Email));
    }

    [Fact]
    public async Task AnAddressSomeoneSignedUpWithButNeverVerifiedIsInvitedAndItsOwnerTakesTheAccountOverToAccept()
    {
        // Mallory signs up on a public application form with the head teacher's address: an unverified account (ADR 28).
        var (_, _, program) = await fixture.ProgramAsync();
        var head = RecruitmentFixture.Email("head");
        var mallory = await SignUpOnTheFormAsync(program.Id, "Mallory", head);
        Assert.StartsWith("Confirm your e-mail address", Assert.Single(await fixture.Smtp.ForAsync(head)).Subject);
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        var name = $"Lakeside School {Guid.NewGuid():N}";

        var created = await admin.PostAsJsonAsync("/api/v1/organisations",
            new { name, kind = "School", firstCoordinator = new { name = "Hedda Head", email = head } });

        // The address is invited, as an address without an account is; Mallory is given nothing.
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<CreatedOrganisation>(Json.Options))!;
        Assert.Equal((FirstCoordinatorStatus.Invited, 0), (body.FirstCoordinator!.Status, body.MemberCount));
        var invitation = Assert.Single(await fixture.Smtp.ForAsync(head, expected: 2), m => (m.Subject ?? "").StartsWith($"You are invited to join {name}"));
        Assert.Equal(2, fixture.Smtp.CountFor(head));
        Assert.Empty((await admin.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{body.Id}/members", Json.Options))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/api/v1/organisations/{body.Id}/members")).StatusCode);

        // The head, who reads the mailbox, is told the address has an account and how to take it.
        var token = Uri.UnescapeDataString(AcceptLink().Match(invitation.TextBody ?? "").Groups[1].Value);
        var signUp = await fixture.Anonymous().PostAsJsonAsync("/api/v1/invitations/sign-up",
            new { token, displayName = "Hedda Head", password = TandemFactory.Password, timeZoneId = "Europe/London" });
        Assert.Equal(HttpStatusCode.Conflict, signUp.StatusCode);
        Assert.Contains("Forgot your password?", await DetailAsync(signUp));
        var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password-reset-requests", new { email = head })).StatusCode);
        var reset = Assert.Single(await fixture.Smtp.ForAsync(head, expected: 3), m => m.Subject == "Reset your Tandem password");
        const string taken = "the head's own passphrase";
        Assert.Equal(HttpStatusCode.NoContent,
            (await anonymous.PostAsJsonAsync("/api/v1/auth/password-resets", new { token = Accounts.PasswordResetTests.ResetToken(reset), newPassword = taken })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await mallory.GetAsync("/api/v1/me/conversations")).StatusCode);

        var hedda = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await hedda.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = head, password = taken })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hedda.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode);
        var members = (await admin.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{body.Id}/members", Json.Options))!;
        Assert.Equal((head, OrganisationRole.Coordinator), (Assert.Single(members.Items).Email, members.Items[0].Role));
    }

    [Fact]
    public async Task AnAdministratorAddingOrEnrollingAnUnverifiedAddressSendsAnInvitation()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var address = RecruitmentFixture.Email("unverified");
        await SignUpOnTheFormAsync(program.Id, "Mallory", address);
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));

        var member = await admin.PostAsJsonAsync($"/api/v1/organisations/{school.Organisation.Id}/members", new { email = address, role = "Coordinator" });
        var staff = await admin.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = address, role = "Coordinator" });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (member.StatusCode, staff.StatusCode));
        Assert.Equal(3, (await fixture.Smtp.ForAsync(address, expected: 3)).Count);
        var members = (await admin.GetFromJsonAsync<Paged<MemberView>>($"/api/v1/organisations/{school.Organisation.Id}/members?pageSize=100", Json.Options))!;
        Assert.DoesNotContain(members.Items, m => m.Email == address);
        Assert.DoesNotContain(await RosterAsync(admin, program.Id), e => e.Email == address);
    }

    [Theory]
    [InlineData("", "someone@school.test")]
    [InlineData("Fran First", "not-an-address")]
    [InlineData("Fran First", "")]
    [InlineData("Frannnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "someone@school.test")]
    [InlineData("Fran Firsttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", "someone@school.test")]
    public async Task AFirstCoordinatorWithoutANameOrWithABadAddressCreatesNothing(string coordinatorName, string email)
    {
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        var name = $"Nowhere School {Guid.NewGuid():N}";

        var refused = await admin.PostAsJsonAsync("/api/v1/organisations", new { name, kind = "School", firstCoordinator = new { name = coordinatorName, email } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(await OrganisationExistsAsync(name));
    }

    [Fact]
    public async Task TheOrganisationsPageCreatesAnOrganisationWithItsFirstCoordinator()
    {
        var admin = new PageClient(await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true)));
        var name = $"Brook Primary {Guid.NewGuid():N}";
        var address = RecruitmentFixture.Email("bea");

        var missingName = await admin.SubmitAsync("/organisations", "create-organisation",
            [new("Input.Name", name), new("Input.Kind", "School"), new("Input.CoordinatorName", ""), new("Input.CoordinatorEmail", address)]);
        Assert.Equal(HttpStatusCode.BadRequest, missingName.StatusCode);
        Assert.Contains("Give the first coordinator&#x27;s name as well as their e-mail address, or leave both empty.", await missingName.Content.ReadAsStringAsync());
        var badAddress = await admin.SubmitAsync("/organisations", "create-organisation",
            [new("Input.Name", name), new("Input.Kind", "School"), new("Input.CoordinatorName", "Bea Gin"), new("Input.CoordinatorEmail", "bea at school")]);
        Assert.Contains("The first coordinator&#x27;s e-mail address is not a valid e-mail address.", await badAddress.Content.ReadAsStringAsync());
        // A value the form cannot read is named, not taken as "not given" (ADR 81).
        var unreadable = await admin.SubmitAsync("/organisations", "create-organisation",
            [new("Input.Name", name), new("Input.Kind", "School"), new("Input.IncludesMinors", "perhaps")]);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("Includes minors: “perhaps” is not a valid value.", WebUtility.HtmlDecode(await unreadable.Content.ReadAsStringAsync()));
        Assert.False(await OrganisationExistsAsync(name));

        var created = await admin.SubmitAsync("/organisations", "create-organisation",
            [new("Input.Name", name), new("Input.Kind", "School"), new("Input.CoordinatorName", "Bea Gin"), new("Input.CoordinatorEmail", address)]);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = WebUtility.HtmlDecode(await created.Content.ReadAsStringAsync());
        Assert.Contains($"{name} was added.", html);
        Assert.Contains($"An invitation to be its coordinator was sent to {address}; Bea Gin is its coordinator once they accept it.", html);
        var id = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Organisations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync());
        Assert.Contains($"href=\"/organisations/{id}/members\"", html);
        Assert.StartsWith($"You are invited to join {name}", Assert.Single(await fixture.Smtp.ForAsync(address)).Subject);

        // Without a first coordinator the form still creates the organisation alone.
        var alone = await admin.SubmitAsync("/organisations", "create-organisation", [new("Input.Name", name + " Annex"), new("Input.Kind", "School")]);
        Assert.Contains($"{name} Annex was added.", WebUtility.HtmlDecode(await alone.Content.ReadAsStringAsync()));
    }

    /// <summary>Someone makes an account for <paramref name="email"/> on the program's public application form, unverified (ADR 28), signed in.</summary>
    private async Task<HttpClient> SignUpOnTheFormAsync(Guid programId, string name, string email)
    {
        var page = new PageClient(fixture.Anonymous());
        var signedUp = await page.SubmitAsync($"/apply/{programId}/mentee", "sign-up",
        [
            new("SignUp.DisplayName", name), new("SignUp.Email", email),
            new("SignUp.Password", TandemFactory.Password), new("SignUp.TimeZoneId", "Europe/Paris"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        return page.Http;
    }

    private static async Task<List<EnrolmentView>> RosterAsync(HttpClient client, Guid programId) =>
        (await client.GetFromJsonAsync<Paged<EnrolmentView>>($"/api/v1/programs/{programId}/enrolments?pageSize=100", Json.Options))!.Items.ToList();

    private static async Task<EnrolmentView> EnrolmentAsync(HttpClient client, Guid programId, Guid userId) =>
        Assert.Single(await RosterAsync(client, programId), e => e.UserId == userId);

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Json.Options)).GetProperty("detail").GetString() ?? "";

    private Task<bool> OrganisationExistsAsync(string name) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Organisations.AnyAsync(o => o.Name == name));

    private static string Notice(string html) =>
        WebUtility.HtmlDecode(NoticeText().Match(html) is { Success: true } m ? m.Groups[1].Value.Trim() : "(no notice)");

    [GeneratedRegex(@"https://tandem\.test/invitations/accept\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex AcceptLink();

    [GeneratedRegex("<div class=\"notice\" role=\"status\">([^<]*)</div>")]
    private static partial Regex NoticeText();
}
