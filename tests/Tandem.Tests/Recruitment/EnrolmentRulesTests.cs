using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 119: invitations to be enrolled (and to join) ask who the program already knows, are sent once, and no one is
/// enrolled or invited into a program retention anonymised, as a participant into a closed one, or with a disabled account.
/// </summary>
public sealed partial class EnrolmentRulesTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private const string Retained = "This program's data has been anonymised after it closed, so no one joins it any more: it takes no enrolments or invitations.";
    private const string Closed = "This program is closed; it no longer recruits.";

    private TandemFactory Factory => fixture.Tandem;

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString() ?? "";

    private Task<List<Invitation>> InvitationsAsync(Guid organisationId, string email) => Factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Invitation>().AsNoTracking().Where(i => i.OrganisationId == organisationId && i.NormalizedEmail == email.ToUpperInvariant()).ToListAsync());

    private async Task<int> InvitationMailsAsync(string email) =>
        (await Factory.OutboxForAsync(email)).Count(m => m.ReferenceKind == InvitationMailer.MailReference);

    private Task<List<ProgramRole>> EnrolmentsAsync(Guid programId, Guid userId) => Factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Enrolments.Where(e => e.ProgramId == programId && e.UserId == userId).Select(e => e.Role).ToListAsync());

    private static string AcceptToken(MimeMessage message)
    {
        var match = AcceptLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, "No accept link in: " + message.TextBody);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [GeneratedRegex(@"/invitations/accept\?token=([A-Za-z0-9_\-%]+)")]
    private static partial Regex AcceptLink();

    private static object Enrol(string email, string role) => new { email, role };

    [Fact]
    public async Task AnInvitationToBeEnrolledIsNeitherSentNorResentToAChildTheConsentGateHoldsBack()
    {
        // A 14-year-old applied; their guardian has not answered, so the consent gate holds them back.
        var school = await MinorsSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var programId = school.Recruiting.Program.Id;
        var enrolments = $"/api/v1/programs/{programId}/enrolments";

        var enrolled = await coordinator.PostAsJsonAsync(enrolments, Enrol(school.Minor.Email, "Mentee"));

        Assert.Equal(HttpStatusCode.Conflict, enrolled.StatusCode);
        Assert.Equal($"{school.Minor.Email} already applied to this program.", await DetailAsync(enrolled));
        Assert.Empty(await InvitationsAsync(school.OrganisationId, school.Minor.Email));
        Assert.Equal(0, await InvitationMailsAsync(school.Minor.Email));

        // Invited to be enrolled before applying: a resend afterwards is refused and sends nothing.
        var later = await Factory.CreateUserAsync("Later Applicant");
        Assert.Equal(HttpStatusCode.Accepted, (await coordinator.PostAsJsonAsync(enrolments, Enrol(later.Email, "Mentee"))).StatusCode);
        var invitation = Assert.Single(await InvitationsAsync(school.OrganisationId, later.Email));
        var application = new { role = "mentee", acceptsCodeOfConduct = true, age = 13, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true };
        Assert.Equal(HttpStatusCode.OK, (await (await Factory.SignedInClientAsync(later)).PostAsJsonAsync(school.Recruiting.Applications, application)).StatusCode);

        var resent = await coordinator.PostAsync($"/api/v1/invitations/{invitation.Id}/resend", Json.Empty());

        Assert.Equal(HttpStatusCode.Conflict, resent.StatusCode);
        Assert.Contains("already applied", await DetailAsync(resent));
        Assert.Equal(1, await InvitationMailsAsync(later.Email));
    }

    [Fact]
    public async Task AProgramRetentionAnonymisedTakesNoEnrolmentInvitationResendOrAcceptance()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var enrolments = $"/api/v1/programs/{program.Id}/enrolments";
        var invitee = await Factory.CreateUserAsync("Ines Invitee");
        Assert.Equal(HttpStatusCode.Accepted, (await coordinator.PostAsJsonAsync(enrolments, Enrol(invitee.Email, "Staff"))).StatusCode);
        var invitation = Assert.Single(await InvitationsAsync(school.Organisation.Id, invitee.Email));
        var token = AcceptToken(Assert.Single(await fixture.Smtp.ForAsync(invitee.Email)));
        var hal = await Factory.CreateUserAsync("Hal Helper");
        await Factory.AddMemberAsync(school.Organisation.Id, hal, OrganisationRole.Member);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Closed" })).StatusCode);
        await Factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(school.Organisation.Id, program.Id, program.Name, DateTime.UtcNow.AddYears(-2), 24, "test", DateTime.UtcNow));
            return await db.SaveChangesAsync();
        });

        var member = await coordinator.PostAsJsonAsync(enrolments, Enrol(hal.Email, "Staff"));
        var outsider = await coordinator.PostAsJsonAsync(enrolments, Enrol(RecruitmentFixture.Email("outside"), "Coordinator"));
        var resent = await coordinator.PostAsync($"/api/v1/invitations/{invitation.Id}/resend", Json.Empty());
        var accepted = await (await fixture.SignInAsync(invitee)).PostAsJsonAsync("/api/v1/invitations/accept", new { token });

        foreach (var refused in new[] { member, outsider, resent, accepted })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(Retained, await DetailAsync(refused));
        }
        Assert.Empty(await EnrolmentsAsync(program.Id, hal.Id));
        Assert.Empty(await EnrolmentsAsync(program.Id, invitee.Id));
        Assert.Equal(1, await InvitationMailsAsync(invitee.Email));
    }

    [Fact]
    public async Task AClosedProgramTakesNoMentorsMenteesOrPeersButStillTakesStaff()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var enrolments = $"/api/v1/programs/{program.Id}/enrolments";
        var invitee = await Factory.CreateUserAsync("Ivo Invitee");
        Assert.Equal(HttpStatusCode.Accepted, (await coordinator.PostAsJsonAsync(enrolments, Enrol(invitee.Email, "Mentee"))).StatusCode);
        var token = AcceptToken(Assert.Single(await fixture.Smtp.ForAsync(invitee.Email)));
        var hal = await Factory.CreateUserAsync("Hal Helper");
        await Factory.AddMemberAsync(school.Organisation.Id, hal, OrganisationRole.Member);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Closed" })).StatusCode);

        var mentee = await coordinator.PostAsJsonAsync(enrolments, Enrol(school.Mentee.Email, "Mentee"));
        var outsider = await coordinator.PostAsJsonAsync(enrolments, Enrol(RecruitmentFixture.Email("late"), "Mentor"));
        var accepted = await (await fixture.SignInAsync(invitee)).PostAsJsonAsync("/api/v1/invitations/accept", new { token });
        var staff = await coordinator.PostAsJsonAsync(enrolments, Enrol(hal.Email, "Staff"));

        foreach (var refused in new[] { mentee, outsider, accepted })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(Closed, await DetailAsync(refused));
        }
        Assert.Empty(await EnrolmentsAsync(program.Id, school.Mentee.Id));
        Assert.Empty(await EnrolmentsAsync(program.Id, invitee.Id));
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        Assert.Equal([ProgramRole.Staff], await EnrolmentsAsync(program.Id, hal.Id));
    }

    [Fact]
    public async Task ADisabledAccountIsNotEnrolled()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var administrator = await fixture.SignInAsync(await Factory.CreateUserAsync("Ada Admin", administrator: true));
        var outsider = await Factory.CreateUserAsync("Dora Disabled");
        foreach (var id in new[] { school.Mentee.Id, outsider.Id })
        {
            await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));
        }

        var member = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", Enrol(school.Mentee.Email, "Mentee"));
        var account = await administrator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", Enrol(outsider.Email, "Mentor"));

        Assert.Equal(HttpStatusCode.Conflict, member.StatusCode);
        Assert.Equal("Menna Tee's account is disabled, so it cannot be enrolled in the program.", await DetailAsync(member));
        Assert.Equal(HttpStatusCode.Conflict, account.StatusCode);
        Assert.Equal("Dora Disabled's account is disabled, so it cannot be enrolled in the program.", await DetailAsync(account));
        Assert.Empty(await EnrolmentsAsync(program.Id, school.Mentee.Id));
        Assert.Empty(await EnrolmentsAsync(program.Id, outsider.Id));
        Assert.Empty(await InvitationsAsync(school.Organisation.Id, outsider.Email));
    }

    [Fact]
    public async Task ADoubleSubmittedInvitationToBeEnrolledOrToJoinIsStoredAndEmailedOnce()
    {
        var (school, _, program) = await fixture.ProgramAsync();
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);

        var enrolee = RecruitmentFixture.Email("staffer");
        var enrol = new EnrolRequest { Email = enrolee, Role = ProgramRole.Staff };
        var enrolled = await DeletedMeanwhile.RunAsync<EnrolParticipant, Outcome<EnrolmentAddition>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<EnrolParticipant>().RunAsync(coordinator, program.Id, enrol)),
            e => e.RunAsync(coordinator, program.Id, enrol));

        var joiner = RecruitmentFixture.Email("joiner");
        var join = new AddMemberRequest { Email = joiner, Role = OrganisationRole.Member };
        var joined = await DeletedMeanwhile.RunAsync<AddOrganisationMember, Outcome<MemberAddition>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<AddOrganisationMember>().RunAsync(coordinator, school.Organisation.Id, join)),
            a => a.RunAsync(coordinator, school.Organisation.Id, join));

        Assert.Contains("already has an open invitation", Assert.IsType<Conflict>(enrolled.Failure).Detail);
        Assert.Contains("already has an open invitation", Assert.IsType<Conflict>(joined.Failure).Detail);
        foreach (var email in new[] { enrolee, joiner })
        {
            Assert.Single(await InvitationsAsync(school.Organisation.Id, email));
            Assert.Equal(1, await InvitationMailsAsync(email));
        }
    }
}
