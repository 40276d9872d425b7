using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 106: who may be invited to apply (not someone the program already knows as an applicant, nor a child its consent
/// gate holds back), once (a double submit invites nobody twice), and what a revoke means when it crosses an acceptance.
/// </summary>
[RunsLong(25)]
public sealed class InvitingOnceTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private TandemFactory Factory => fixture.Tandem;

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString() ?? "";

    private Task<List<Invitation>> InvitationsAsync(Guid programId, string email) => Factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Invitation>().AsNoTracking().Where(i => i.ProgramId == programId && i.NormalizedEmail == email.ToUpperInvariant()).ToListAsync());

    /// <summary>Invitation e-mails queued for the address (the outbox holds every e-mail the app sent).</summary>
    private async Task<int> InvitationMailsAsync(string email) =>
        (await Factory.OutboxForAsync(email)).Count(m => m.ReferenceKind == InvitationMailer.MailReference);

    private static object ChildApplication => new { role = "mentee", acceptsCodeOfConduct = true, age = 13, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true };

    [Fact]
    public async Task AChildWhoAppliedIsNotInvitedAgainByTheCoordinatorARosterAStaffNominationOrAResend()
    {
        // A 14-year-old applied; their guardian has not answered, so the consent gate holds them back.
        var school = await MinorsSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var programId = school.Recruiting.Program.Id;
        var child = school.Minor.Email;

        var invited = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/invitations", new { email = child, role = "Mentee" });
        Assert.Equal(HttpStatusCode.Conflict, invited.StatusCode);
        Assert.Equal($"{child} already applied to this program.", await DetailAsync(invited));

        var roster = $"email,first_name,last_name,role\n{child},Young,Mentee,mentee\n";
        var preview = (await (await coordinator.PostAsync($"/api/v1/programs/{programId}/roster/preview", Csv(roster))).Content.ReadFromJsonAsync<RosterPreview>(Json.Options))!;
        var error = Assert.Single(preview.Errors);
        Assert.Equal((2, "email", $"{child} already applied to this program."), (error.Row, error.Column, error.Message));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await coordinator.PostAsync($"/api/v1/programs/{programId}/roster/import", Csv(roster))).StatusCode);

        // A teacher's recommendation is kept for the review queue, without an invitation.
        var teacher = await Factory.CreateUserAsync("Tess Teacher");
        await Factory.AddMemberAsync(school.OrganisationId, teacher, OrganisationRole.Member);
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { email = teacher.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var staff = await Factory.SignedInClientAsync(teacher);
        var nominated = await staff.PostAsJsonAsync($"/api/v1/programs/{programId}/nominations",
            new { email = child, role = "Mentee", statement = "Keen, and would love an older pupil to read with." });
        Assert.Equal(HttpStatusCode.OK, nominated.StatusCode);
        Assert.False((await nominated.Content.ReadFromJsonAsync<NominationView>(Json.Options))!.Invited);

        Assert.Empty(await InvitationsAsync(programId, child));
        Assert.Equal(0, await InvitationMailsAsync(child));

        // Invited before applying: a resend afterwards is refused and sends nothing.
        var later = await Factory.CreateUserAsync("Later Applicant");
        var first = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/invitations", new { email = later.Email, role = "Mentee" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var invitation = (await first.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await (await Factory.SignedInClientAsync(later)).PostAsJsonAsync(school.Recruiting.Applications, ChildApplication)).StatusCode);

        var resent = await coordinator.PostAsync($"/api/v1/invitations/{invitation.Id}/resend", Json.Empty());

        Assert.Equal(HttpStatusCode.Conflict, resent.StatusCode);
        Assert.Contains("already applied", await DetailAsync(resent));
        Assert.Equal(1, await InvitationMailsAsync(later.Email));
    }

    [Fact]
    public async Task AnUnknownRoleNumberFromAPageFormIsRefusedWithAFormMessageAndNothingIsStored()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var page = new PageClient(coordinator);
        var email = RecruitmentFixture.Email("seven");

        // Blazor's form mapping reads any number into an enum.
        var invited = await page.SubmitAsync($"/programs/{program.Id}/invitations", "invite", [new("Input.Email", email), new("Input.Role", "7")]);
        var nominated = await page.SubmitAsync($"/programs/{program.Id}/nominations", "nominate",
            [new("Input.Email", email), new("Input.Role", "7"), new("Input.Statement", "Kind, patient and good at maths.")]);

        Assert.Contains("Choose one of the program's roles.", WebUtility.HtmlDecode(await invited.Content.ReadAsStringAsync()));
        Assert.Contains("Choose one of the program's roles.", WebUtility.HtmlDecode(await nominated.Content.ReadAsStringAsync()));
        Assert.Empty(await InvitationsAsync(program.Id, email));
        Assert.Equal(0, await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Nomination>().CountAsync(n => n.ProgramId == program.Id)));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/programs/{program.Id}/invitations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/programs/{program.Id}/nominations")).StatusCode);
    }

    [Fact]
    public async Task EnrollingSomeoneTwiceAtTheSameMomentAnswersConflictNotAServerError()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);
        var request = new EnrolRequest { Email = school.Mentee.Email, Role = ProgramRole.Mentee };
        Task Other(TandemDb _) => Factory.WithScopeAsync(s => s.GetRequiredService<EnrolParticipant>().RunAsync(coordinator, program.Id, request));

        var second = await DeletedMeanwhile.RunAsync<EnrolParticipant, Outcome<EnrolmentAddition>>(Factory, Other, e => e.RunAsync(coordinator, program.Id, request));

        Assert.Equal("Menna Tee is already enrolled as Mentee.", Assert.IsType<Conflict>(second.Failure).Detail);

        // An administrator enrolling an account from outside the organisation adds its membership too: both inserts meet an index.
        var administrator = new Actor((await Factory.CreateUserAsync("Ada Admin", administrator: true)).Id, IsAdministrator: true);
        var outsider = new EnrolRequest { Email = school.Outsider.Email, Role = ProgramRole.Mentor };
        Task OtherAdministrator(TandemDb _) => Factory.WithScopeAsync(s => s.GetRequiredService<EnrolParticipant>().RunAsync(administrator, program.Id, outsider));

        var again = await DeletedMeanwhile.RunAsync<EnrolParticipant, Outcome<EnrolmentAddition>>(Factory, OtherAdministrator, e => e.RunAsync(administrator, program.Id, outsider));

        Assert.IsType<Conflict>(again.Failure);
        var enrolled = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .Where(e => e.ProgramId == program.Id && (e.UserId == school.Mentee.Id || e.UserId == school.Outsider.Id)).Select(e => e.Role).ToListAsync());
        Assert.Equal(new[] { ProgramRole.Mentee, ProgramRole.Mentor }.Order(), enrolled.Order());
    }

    [Fact]
    public async Task ACoordinatorsReadOfNominationsOfAMinorIsInTheAuditLog()
    {
        var school = await MinorsSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var programId = school.Recruiting.Program.Id;
        foreach (var email in new[] { school.Minor.Email, school.Adult.Email })
        {
            (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/nominations",
                new { email, role = "Mentee", statement = "Shy in class but thoughtful; would blossom with a mentor." })).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/programs/{programId}/nominations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/programs/{programId}/nominations")).StatusCode);

        var entries = await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => (e.SubjectUserId == school.Minor.Id || e.SubjectUserId == school.Adult.Id) && e.Purpose == "Reading the program's nominations").ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal((school.Minor.Id, school.Recruiting.School.Coordinator.Id, (Guid?)programId, "Nomination"),
            (e.SubjectUserId, e.ActorUserId, e.ProgramId, e.Record.ToString())));
    }

    [Fact]
    public async Task ADoubleSubmittedInvitationNominationOrRosterInvitesAndEmailsOnce()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);

        var invitee = RecruitmentFixture.Email("double");
        var invite = new InviteRequest { Email = invitee, Role = ProgramRole.Mentee };
        var invited = await DeletedMeanwhile.RunAsync<InviteParticipant, Outcome<InvitationView>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<InviteParticipant>().RunAsync(coordinator, program.Id, invite)),
            i => i.RunAsync(coordinator, program.Id, invite));
        Assert.Contains("already has an open invitation", Assert.IsType<Conflict>(invited.Failure).Detail);

        var nominee = RecruitmentFixture.Email("nominee");
        var nominate = new NominateRequest { Email = nominee, Role = ProgramRole.Mentor, Statement = "Patient and kind with younger pupils." };
        var nominated = await DeletedMeanwhile.RunAsync<NominateCandidate, Outcome<NominationView>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<NominateCandidate>().RunAsync(coordinator, program.Id, nominate)),
            n => n.RunAsync(coordinator, program.Id, nominate));
        Assert.False(nominated.Value!.Invited);

        var rostered = RecruitmentFixture.Email("rostered");
        var csv = $"email,first_name,last_name,role\n{rostered},Ros,Ter,mentee\n";
        var imported = await DeletedMeanwhile.RunAsync<ImportRoster, Outcome<RosterImportResult>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<ImportRoster>().RunAsync(coordinator, program.Id, csv)),
            r => r.RunAsync(coordinator, program.Id, csv));
        var rowError = Assert.Single(Assert.IsType<RosterInvalid>(imported.Failure).Errors);
        Assert.Equal($"{rostered} already has an open invitation to this program.", rowError.Message);

        foreach (var email in new[] { invitee, nominee, rostered })
        {
            Assert.Single(await InvitationsAsync(program.Id, email));
            Assert.Equal(1, await InvitationMailsAsync(email));
        }
        Assert.Equal(2, await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Nomination>().CountAsync(n => n.ProgramId == program.Id)));
    }

    [Fact]
    public async Task ARevokeOrResendThatCrossesAnAcceptanceIsRefusedAndTheAcceptanceStands()
    {
        var (school, coordinatorClient, program) = await fixture.ProgramAsync();
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);
        foreach (var action in new[] { "revoke", "resend" })
        {
            var invitee = await Factory.CreateUserAsync("Ivy Invitee");
            var response = await coordinatorClient.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = invitee.Email, role = "Mentee" });
            var invitation = (await response.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!;
            var token = RecruitmentFixture.TokenIn(Assert.Single(await fixture.Smtp.ForAsync(invitee.Email)), program.Id);
            var client = await fixture.SignInAsync(invitee);
            var accept = new BeforeFirstUpdate(async () =>
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token })).StatusCode));

            var crossed = action == "revoke"
                ? await UseCaseOver.RunAsync<RevokeInvitation, Outcome<InvitationView>>(fixture.App.Services, accept, r => r.RunAsync(coordinator, invitation.Id))
                : await UseCaseOver.RunAsync<ResendInvitation, Outcome<InvitationView>>(fixture.App.Services, accept, r => r.RunAsync(coordinator, invitation.Id));

            Assert.True(accept.Ran);
            Assert.Contains("accepted", Assert.IsType<Conflict>(crossed.Failure).Detail);
            var stored = Assert.Single(await InvitationsAsync(program.Id, invitee.Email));
            Assert.Equal((InvitationStatus.Accepted, (DateTime?)null), (stored.StatusAt(fixture.Clock.GetUtcNow().UtcDateTime), stored.RevokedAt));
            Assert.Equal(1, await InvitationMailsAsync(invitee.Email));
        }
    }

    [Fact]
    public async Task ResendingOrRevokingAnInvitationDeletedMeanwhileIsNotFound()
    {
        var (school, coordinatorClient, program) = await fixture.ProgramAsync();
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);
        async Task<Guid> InviteAsync()
        {
            var response = await coordinatorClient.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = RecruitmentFixture.Email("lapsed"), role = "Mentee" });
            return (await response.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!.Id;
        }
        // Retention deletes lapsed invitations; here it does so while the coordinator's request checks their access to the program.
        Func<TandemDb, Task> Gone(Guid id) => db => db.Set<Invitation>().Where(i => i.Id == id).ExecuteDeleteAsync();

        var revoking = await InviteAsync();
        var revoked = await DeletedMeanwhile.RunAsync<RevokeInvitation, Outcome<InvitationView>>(Factory, Gone(revoking),
            r => r.RunAsync(coordinator, revoking), beforeReading: "Programs");
        var resending = await InviteAsync();
        var resent = await DeletedMeanwhile.RunAsync<ResendInvitation, Outcome<InvitationView>>(Factory, Gone(resending),
            r => r.RunAsync(coordinator, resending), beforeReading: "Programs");

        Assert.IsType<NotFound>(revoked.Failure);
        Assert.IsType<NotFound>(resent.Failure);
    }
}
