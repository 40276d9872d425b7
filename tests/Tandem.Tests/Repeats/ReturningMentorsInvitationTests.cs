using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Features.Repeats;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Repeats;

/// <summary>
/// ADR 119: inviting mentors back checks and inserts behind the copy's row lock, as every invitation to apply does, and
/// keeps whole characters of a long name.
/// </summary>
public sealed class ReturningMentorsInvitationTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    /// <summary>A program with one mentor enrolled, copied, the copy recruiting.</summary>
    private async Task<(School School, ProgramDetails Copy, UserSummary Mentor)> CopyWithAMentorAsync(string mentorName)
    {
        var (school, coordinator, source) = await fixture.ProgramAsync();
        var mentor = await fixture.Tandem.CreateUserAsync(mentorName);
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, mentor, OrganisationRole.Member);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/enrolments", new { email = mentor.Email, role = "Mentor" })).StatusCode);
        var copied = await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading Buddies 2027" });
        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        var copy = (await copied.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        await coordinator.OpenRecruitmentAsync(copy.Id);
        return (school, copy, mentor);
    }

    private Task<List<Invitation>> InvitationsAsync(Guid programId, string email) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Invitation>().AsNoTracking().Where(i => i.ProgramId == programId && i.NormalizedEmail == email.ToUpperInvariant()).ToListAsync());

    [Fact]
    public async Task AMentorInvitedByTheCoordinatorWhileThePressRunsIsInvitedAndEmailedOnce()
    {
        var (school, copy, mentor) = await CopyWithAMentorAsync("Mona Mentor");
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);
        var invite = new InviteRequest { Email = mentor.Email, Role = ProgramRole.Mentor };

        var pressed = await DeletedMeanwhile.RunAsync<ReturningMentors, Outcome<InviteMentorsBackResult>>(fixture.Tandem,
            _ => fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<InviteParticipant>().RunAsync(coordinator, copy.Id, invite)),
            r => r.InviteAsync(coordinator, copy.Id));

        Assert.Equal(new InviteMentorsBackResult(0, 0, 1, 0), pressed.Value);
        Assert.Single(await InvitationsAsync(copy.Id, mentor.Email));
        Assert.Single(await fixture.Tandem.OutboxForAsync(mentor.Email), m => m.ReferenceKind == InvitationMailer.MailReference);
    }

    [Fact]
    public async Task ALongNameIsCutBetweenWholeCharactersOnTheInvitation()
    {
        var last = new string('b', 99) + "\U0001F600";
        var (school, copy, mentor) = await CopyWithAMentorAsync("Mo " + last);
        var coordinator = await fixture.SignInAsync(school.Coordinator);

        var pressed = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var invitation = Assert.Single(await InvitationsAsync(copy.Id, mentor.Email));
        Assert.Equal(("Mo", new string('b', 99)), (invitation.FirstName, invitation.LastName));
    }
}
