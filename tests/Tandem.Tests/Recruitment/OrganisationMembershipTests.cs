using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// Leaving an organisation (ADR 107): what the membership gave ends with it (the closed programs someone ran, the open
/// invitations to their address), the last working coordinator stays, and a removal or a role change that meets another
/// request's removal is a 404, not a 500 (ADR 94).
/// </summary>
public sealed partial class OrganisationMembershipTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private const string NotAMember = "This person is not a member of the organisation.";

    [Fact]
    public async Task ARemovedCoordinatorNoLongerOpensExportsOrReopensTheOrganisationsClosedPrograms()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var hal = await fixture.Tandem.CreateUserAsync("Hal Helper");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, hal, OrganisationRole.Member);
        var enrol = $"/api/v1/programs/{program.Id}/enrolments";
        (await coordinator.PostAsJsonAsync(enrol, new { email = hal.Email, role = "Coordinator" })).EnsureSuccessStatusCode();
        // Menna took part as a mentee and helped as staff: her part stays in the program's record, her staff role goes.
        (await coordinator.PostAsJsonAsync(enrol, new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        (await coordinator.PostAsJsonAsync(enrol, new { email = school.Mentee.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var status = $"/api/v1/programs/{program.Id}/status";
        (await coordinator.PostAsJsonAsync(status, new { status = "Closed" })).EnsureSuccessStatusCode();
        var halClient = await fixture.SignInAsync(hal);
        Assert.Equal(HttpStatusCode.OK, (await halClient.GetAsync($"/api/v1/programs/{program.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{hal.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{school.Mentee.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await halClient.GetAsync($"/api/v1/programs/{program.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await halClient.GetAsync($"/api/v1/programs/{program.Id}/exports/participants")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await halClient.PostAsJsonAsync(status, new { status = "Recruiting" })).StatusCode);
        var menna = await fixture.SignInAsync(school.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await menna.GetAsync($"/api/v1/programs/{program.Id}/exports/participants")).StatusCode);
        var roles = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .Where(e => e.ProgramId == program.Id).Select(e => new { e.UserId, e.Role }).ToListAsync());
        Assert.DoesNotContain(roles, r => r.UserId == hal.Id);
        Assert.Equal([ProgramRole.Mentee], roles.Where(r => r.UserId == school.Mentee.Id).Select(r => r.Role));
        Assert.Equal(ProgramStatus.Closed, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);
    }

    [Fact]
    public async Task RemovingAMemberThatAnotherRequestRemovedMeanwhileIsNotFound()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var actor = new Actor(school.Coordinator.Id, IsAdministrator: false);

        var outcome = await DeletedMeanwhile.RunAsync<RemoveOrganisationMember, Outcome<Removed>>(fixture.Tandem,
            db => RemoveMembershipAsync(db, school.Organisation.Id, school.Mentee.Id),
            useCase => useCase.RunAsync(actor, school.Organisation.Id, school.Mentee.Id));

        Assert.Equal(NotAMember, Assert.IsType<NotFound>(outcome.Failure).Detail);
        var again = await (await fixture.SignInAsync(school.Coordinator)).DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{school.Mentee.Id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(NotAMember, (await again.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task ChangingTheRoleOfAMemberThatAnotherRequestRemovedMeanwhileIsNotFound()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var actor = new Actor(school.Coordinator.Id, IsAdministrator: false);

        var outcome = await DeletedMeanwhile.RunAsync<AddOrganisationMember, Outcome<MemberAddition>>(fixture.Tandem,
            db => RemoveMembershipAsync(db, school.Organisation.Id, school.Mentee.Id),
            useCase => useCase.RunAsync(actor, school.Organisation.Id, new AddMemberRequest { Email = school.Mentee.Email, Role = OrganisationRole.Coordinator }));

        Assert.Equal(NotAMember, Assert.IsType<NotFound>(outcome.Failure).Detail);
        Assert.False(await IsMemberAsync(school.Organisation.Id, school.Mentee.Id));
    }

    [Fact]
    public async Task ARemovedMembersOpenInvitationsAreRevokedSoTheyCannotRejoinByClickingThem()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var ezra = await fixture.Tandem.CreateUserAsync("Ezra Elsewhere");
        (await coordinator.PostAsJsonAsync($"/api/v1/organisations/{school.Organisation.Id}/members", new { email = ezra.Email, role = "Member" })).EnsureSuccessStatusCode();
        var join = AcceptToken(Assert.Single(await fixture.Smtp.ForAsync(ezra.Email)));
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = ezra.Email, role = "Staff" })).EnsureSuccessStatusCode();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = ezra.Email, role = "Mentee", firstName = "Ezra" })).EnsureSuccessStatusCode();
        var messages = await fixture.Smtp.ForAsync(ezra.Email, expected: 3);
        var asStaff = AcceptToken(Assert.Single(messages, m => (m.TextBody ?? "").Contains("/invitations/accept?token=") && AcceptToken(m) != join));
        var toApply = RecruitmentFixture.TokenIn(Assert.Single(messages, m => (m.TextBody ?? "").Contains("/apply/")), program.Id);
        var ezraClient = await fixture.SignInAsync(ezra);
        Assert.Equal(HttpStatusCode.OK, (await ezraClient.PostAsJsonAsync("/api/v1/invitations/accept", new { token = join })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteAsync($"/api/v1/organisations/{school.Organisation.Id}/members/{ezra.Id}")).StatusCode);

        foreach (var token in new[] { asStaff, toApply })
        {
            var clicked = await ezraClient.PostAsJsonAsync("/api/v1/invitations/accept", new { token });
            Assert.Equal(HttpStatusCode.Gone, clicked.StatusCode);
            Assert.Equal("This invitation was withdrawn by the coordinator who sent it.", (await clicked.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }
        Assert.False(await IsMemberAsync(school.Organisation.Id, ezra.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await ezraClient.GetAsync($"/api/v1/programs/{program.Id}")).StatusCode);
    }

    [Fact]
    public async Task TheLastCoordinatorWithAWorkingAccountCannotStepDownOrLeaveWhileTheOtherIsDisabled()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var dora = await fixture.Tandem.CreateUserAsync("Dora Disabled");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, dora, OrganisationRole.Coordinator);
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{dora.Id}/disable", Json.Empty())).StatusCode);
        var cora = await fixture.SignInAsync(school.Coordinator);
        var members = $"/api/v1/organisations/{school.Organisation.Id}/members";

        var stepDown = await cora.PostAsJsonAsync(members, new { email = school.Coordinator.Email, role = "Member" });
        var leave = await cora.DeleteAsync($"{members}/{school.Coordinator.Id}");

        foreach (var refused in new[] { stepDown, leave })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("Cora Ordinator is the organisation's only coordinator: make someone else coordinator first.",
                (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }
        Assert.True(await IsMemberAsync(school.Organisation.Id, school.Coordinator.Id));
        // The disabled coordinator runs nothing: they may be removed, and the working one stays.
        Assert.Equal(HttpStatusCode.NoContent, (await cora.DeleteAsync($"{members}/{dora.Id}")).StatusCode);
    }

    [Fact]
    public async Task ADisabledAccountIsNeitherAttachedNorMadeACoordinator()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var dora = await fixture.Tandem.CreateUserAsync("Dora Disabled");
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{dora.Id}/disable", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{school.Mentee.Id}/disable", Json.Empty())).StatusCode);
        var members = $"/api/v1/organisations/{school.Organisation.Id}/members";

        var attached = await admin.PostAsJsonAsync(members, new { email = dora.Email, role = "Member" });
        var promoted = await admin.PostAsJsonAsync(members, new { email = school.Mentee.Email, role = "Coordinator" });
        var first = await admin.PostAsJsonAsync("/api/v1/organisations",
            new { name = $"Dora's School {Guid.NewGuid():N}", kind = "School", firstCoordinator = new { name = "Dora Disabled", email = dora.Email } });

        Assert.Equal(HttpStatusCode.Conflict, attached.StatusCode);
        Assert.Equal("Dora Disabled's account is disabled, so it cannot be made a member or a coordinator of the organisation.",
            (await attached.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(HttpStatusCode.Conflict, promoted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
        Assert.False(await IsMemberAsync(school.Organisation.Id, dora.Id));
        Assert.False(await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships
            .AnyAsync(m => m.UserId == school.Mentee.Id && m.Role == OrganisationRole.Coordinator)));
        Assert.False(await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships.AnyAsync(m => m.UserId == dora.Id)));
    }

    [Fact]
    public async Task ARoleNumberNoRoleHasIsAFormMessageAndNothingIsStored()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var page = new PageClient(fixture.Anonymous());
        Assert.Equal(HttpStatusCode.Redirect, (await page.SubmitAsync("/account/sign-in", "sign-in",
            [new("Input.Email", school.Coordinator.Email), new("Input.Password", TandemFactory.Password)])).StatusCode);
        var nobody = RecruitmentFixture.Email("nobody");

        var added = await page.SubmitAsync($"/organisations/{school.Organisation.Id}/members", "add-member", [new("Input.Email", nobody), new("Input.Role", "5")]);

        Assert.Equal(HttpStatusCode.BadRequest, added.StatusCode);
        Assert.Contains("Choose Member or Coordinator.", await added.Content.ReadAsStringAsync());
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var invitations = await coordinator.GetAsync($"/api/v1/organisations/{school.Organisation.Id}/invitations");
        Assert.Equal(HttpStatusCode.OK, invitations.StatusCode);
        Assert.DoesNotContain(nobody, await invitations.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnInvitationAcceptedWhileAnAdministratorAddsThePersonJoinsThemOnce()
    {
        if (TestDatabase.Provider == DatabaseProvider.Sqlite)
        {
            // SQLite's transactions begin with the write lock, so the administrator's insert waits for the acceptance and
            // the two never meet: the race exists on PostgreSQL only.
            return;
        }
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var ezra = await fixture.Tandem.CreateUserAsync("Ezra Elsewhere");
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = ezra.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var token = AcceptToken(Assert.Single(await fixture.Smtp.ForAsync(ezra.Email)));
        var adminAdds = new BeforeFirstSave(() => fixture.Tandem.AddMemberAsync(school.Organisation.Id, ezra, OrganisationRole.Member));

        var outcome = await UseCaseOver.RunAsync<AcceptInvitation, Outcome<InvitationAcceptance>>(fixture.Tandem.Services, adminAdds,
            useCase => useCase.RunAsync(new Actor(ezra.Id, IsAdministrator: false), token));

        Assert.True(adminAdds.Ran);
        Assert.Null(outcome.Failure);
        Assert.True(await IsMemberAsync(school.Organisation.Id, ezra.Id));
        var staff = (await coordinator.GetFromJsonAsync<Paged<EnrolmentView>>($"/api/v1/programs/{program.Id}/enrolments?role=Staff", Json.Options))!;
        Assert.Equal(ezra.Id, Assert.Single(staff.Items).UserId);
    }

    [Fact]
    public async Task AnOrganisationAddedMeanwhileUnderTheSameNameIsAConflictNotASecondOrganisation()
    {
        var name = $"Twin School {Guid.NewGuid():N}";
        var request = new CreateOrganisationRequest { Name = name, Kind = OrganisationKind.School };

        var outcome = await DeletedMeanwhile.RunAsync<CreateOrganisation, Outcome<CreatedOrganisation>>(fixture.Tandem,
            async db =>
            {
                db.Organisations.Add(new Organisation(name, OrganisationKind.School, false, TestClock.Start.UtcDateTime));
                await db.SaveChangesAsync();
            },
            useCase => useCase.RunAsync(new Actor(Guid.Empty, IsAdministrator: true), request));

        Assert.Equal($"An organisation named {name} already exists.", Assert.IsType<Conflict>(outcome.Failure).Detail);
        Assert.Equal(1, await CountOrganisationsAsync(name));
    }

    [Fact]
    public async Task ADoubleSubmittedAddOrganisationMakesOneOrganisation()
    {
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        for (var round = 0; round < 3; round++)
        {
            var name = $"Double School {Guid.NewGuid():N}";
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.PostAsJsonAsync("/api/v1/organisations", new { name, kind = "School" })));

            Assert.Equal(1, answers.Count(a => a.IsSuccessStatusCode));
            Assert.All(answers.Where(a => !a.IsSuccessStatusCode), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            Assert.Equal(1, await CountOrganisationsAsync(name));
        }
    }

    [Fact]
    public async Task AnUnknownKindNumberIsRefusedOnThePageAndTheApiAndTheListStillAnswers()
    {
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Kay Ind", administrator: true));
        var name = $"Seven School {Guid.NewGuid():N}";

        // Blazor's form mapping reads any number into an enum.
        var page = await new PageClient(admin).SubmitAsync("/organisations", "create-organisation", [new("Input.Name", name), new("Input.Kind", "7")]);
        var api = await admin.PostAsJsonAsync("/api/v1/organisations", new { name, kind = "7" });

        Assert.Contains("Choose school, university, company or other.", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal(0, await CountOrganisationsAsync(name));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/organisations")).StatusCode);
    }

    private static Task RemoveMembershipAsync(TandemDb db, Guid organisationId, Guid userId) =>
        db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.UserId == userId).ExecuteDeleteAsync();

    private Task<bool> IsMemberAsync(Guid organisationId, Guid userId) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == userId));

    private Task<int> CountOrganisationsAsync(string name) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Organisations.CountAsync(o => o.Name == name));

    private static string AcceptToken(MimeMessage message)
    {
        var match = AcceptLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, "No accept link in: " + message.TextBody);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [GeneratedRegex(@"https://tandem\.test/invitations/accept\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex AcceptLink();

    /// <summary>Another request's work, committed on its own, just before the use case's first SaveChanges.</summary>
    private sealed class BeforeFirstSave(Func<Task> work) : SaveChangesInterceptor
    {
        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (!Ran)
            {
                Ran = true;
                await work();
            }
            return result;
        }
    }
}
