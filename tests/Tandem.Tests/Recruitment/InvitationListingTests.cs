using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>ADR 119: the staff page's waiting invitations are filtered in the query, and a status no invitation has is a 400.</summary>
public sealed class InvitationListingTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private const string UnknownStatus = "Choose one of the statuses: NotSent, Sent, Accepted, Expired or Revoked.";

    [Fact]
    public async Task InvitationsToStaffTheProgramStillShowBehindManyInvitationsToApply()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var staffer = RecruitmentFixture.Email("staffer");
        Assert.Equal(HttpStatusCode.Accepted, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { email = staffer, role = "Staff" })).StatusCode);
        // A roster's worth of invitations to apply, all newer than the staff one.
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var target = await db.Programs.FindAsync(program.Id);
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < 120; i++)
            {
                db.Add(Invitation.ToApply(target!, RecruitmentFixture.Email($"pupil{i}"), ProgramRole.Mentee, InvitationSource.Roster, null,
                    Invitation.NewToken().Hash, now.AddMinutes(i + 1), now.AddDays(14)));
            }
            return await db.SaveChangesAsync();
        });

        var page = WebUtility.HtmlDecode(await coordinator.GetStringAsync($"/programs/{program.Id}/staff"));

        Assert.Contains(staffer, page);
        Assert.DoesNotContain("No one invited as staff or coordinator is waiting to accept.", page);
    }

    [Fact]
    public async Task AnInvitationStatusNoInvitationHasIsABadRequestNotEveryInvitation()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var invitee = RecruitmentFixture.Email("listed");
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = invitee, role = "Mentee" })).StatusCode);

        var api = await coordinator.GetAsync($"/api/v1/programs/{program.Id}/invitations?status=7");
        var page = await coordinator.GetAsync($"/programs/{program.Id}/invitations?status=7");
        var byName = await coordinator.GetAsync($"/programs/{program.Id}/invitations?status=Sent");

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains(UnknownStatus, await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var shown = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains(UnknownStatus, shown);
        Assert.DoesNotContain(invitee, shown);
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Contains(invitee, WebUtility.HtmlDecode(await byName.Content.ReadAsStringAsync()));
    }
}
