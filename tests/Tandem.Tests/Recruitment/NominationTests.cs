using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

public sealed class NominationTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [Fact]
    public async Task StaffNominateAStudentWhoIsInvitedAndCoordinatorsSeeTheRecommendation()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var teacher = await fixture.Tandem.CreateUserAsync("Tess Teacher");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, teacher, Features.Organisations.OrganisationRole.Member);
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = teacher.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var staff = await fixture.SignInAsync(teacher);
        var student = RecruitmentFixture.Email("star");

        var response = await staff.PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations",
            new { email = student, role = "Mentor", statement = "Patient, explains fractions brilliantly to younger pupils.", firstName = "Star" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var nomination = (await response.Content.ReadFromJsonAsync<NominationView>(Json.Options))!;
        Assert.True(nomination.Invited);
        Assert.Equal("Tess Teacher", nomination.NominatedBy);
        var message = Assert.Single(await fixture.Smtp.ForAsync(student));
        RecruitmentFixture.TokenIn(message, program.Id, "mentor");

        var list = (await coordinator.GetFromJsonAsync<Paged<NominationView>>($"/api/v1/programs/{program.Id}/nominations", Json.Options))!;
        var listed = Assert.Single(list.Items);
        Assert.Equal(student, listed.NomineeEmail);
        Assert.Equal(ProgramRole.Mentor, listed.Role);
        Assert.StartsWith("Patient", listed.Statement);
        Assert.True(listed.Invited);
        var invitations = (await coordinator.GetFromJsonAsync<Paged<InvitationView>>($"/api/v1/programs/{program.Id}/invitations", Json.Options))!;
        Assert.Equal(InvitationSource.Nomination, Assert.Single(invitations.Items).Source);

        // A second recommendation for the same student is kept, without a second invitation.
        var again = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations",
            new { email = student, role = "Mentor", statement = "I agree: a natural mentor for Year 7." });
        Assert.False((await again.Content.ReadFromJsonAsync<NominationView>(Json.Options))!.Invited);
        Assert.Equal(1, fixture.Smtp.CountFor(student));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/v1/programs/{program.Id}/nominations")).StatusCode);
    }

    [Fact]
    public async Task ParticipantsAndOutsidersCannotNominate()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = school.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var body = new { email = RecruitmentFixture.Email("x"), role = "Mentee", statement = "A very good candidate indeed." };

        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.SignInAsync(school.Mentee)).PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(school.Outsider)).PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations", body)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/nominations", new { email = "a@b.test", role = "Mentee", statement = "" })).StatusCode);
    }
}
