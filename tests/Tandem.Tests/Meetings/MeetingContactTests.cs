using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>
/// Whom a meeting's change reaches: nobody the program may not contact (ADR 48), and a group's proposer only while they
/// still belong to it or manage its program.
/// </summary>
public sealed class MeetingContactTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private static object InPerson(DateTimeOffset? at = null, int occurrences = 1) =>
        new { startsAt = at ?? NextSpring, durationMinutes = 60, mode = "InPerson", place = "Room 12", title = "Reading together", occurrences };

    private Task<(int Notices, int Emails)> ReachedAsync(Person person) => ConsentStates.ReachedAsync(fixture.App.Services, person.User.Id, person.User.Email);

    private static string Answer(Guid id) => $"/api/v1/meetings/{id}/response";

    [Fact]
    public async Task APartnerWhoseConsentIsAskedForAgainGetsNoNoticeOrEmailOfAProposalOrAnAnswer()
    {
        var pair = await fixture.PairAsync();
        await ConsentStates.HoldBackAsync(fixture.App.Services, pair.Mentor.User.Id, pair.Program.Id, ConsentState.RenewalNeeded);
        var before = await ReachedAsync(pair.Mentor);

        var proposed = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();

        Assert.Equal(before, await ReachedAsync(pair.Mentor));
        Assert.Equal(MeetingStatus.Proposed, proposed.Status);
    }

    [Fact]
    public async Task AfterAGuardianWithdrawsTheChildHearsNothingOfThePausedPairsCancelledOrDeclinedMeetings()
    {
        var pair = await fixture.PairAsync();
        var accepted = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        (await pair.Mentor.Client.PostAsJsonAsync(Answer(accepted.Id), new { response = "Accept" })).EnsureSuccessStatusCode();
        var waiting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(NextSpring.AddDays(2)))).ReadAsync<List<MeetingView>>()).Single();
        await ConsentStates.HoldBackAsync(fixture.App.Services, pair.Mentee.User.Id, pair.Program.Id, ConsentState.Withdrawn, withdrawn: true);
        var before = await ReachedAsync(pair.Mentee); // the pause's own notice came before

        var cancelled = await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{accepted.Id}/cancel", new { note = "Not now" })).ReadAsync<MeetingView>();
        var declined = await (await pair.Mentor.Client.PostAsJsonAsync(Answer(waiting.Id), new { response = "Decline" })).ReadAsync<MeetingView>();

        Assert.Equal((MeetingStatus.Cancelled, MeetingStatus.Declined), (cancelled.Status, declined.Status));
        Assert.Equal(before, await ReachedAsync(pair.Mentee));
    }

    [Fact]
    public async Task AGroupsProposerWhoseConsentIsAskedForAgainIsNotToldOfAnAnswer()
    {
        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var meeting = (await (await group.Mentor.Client.PostAsJsonAsync(meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        await ConsentStates.HoldBackAsync(fixture.App.Services, group.Mentor.User.Id, group.Program.Id, ConsentState.RenewalNeeded);
        var before = await ReachedAsync(group.Mentor);

        var answered = await (await second.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Decline", note = "Exams" })).ReadAsync<MeetingView>();

        Assert.Equal(MeetingStatus.Proposed, answered.Status); // not settled: before, only the proposer was told
        Assert.Equal(before, await ReachedAsync(group.Mentor));
    }

    /// <summary>ADR 105: a member's note on their answer stays with the meeting (read on its page), not copied into the proposer's notice.</summary>
    [Fact]
    public async Task TheProposersNoticeOfAnAnswerDoesNotCarryTheAnswersNote()
    {
        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var meeting = (await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var note = $"PRIVATENOTE {Guid.NewGuid():N} hospital appointment";

        (await second.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Decline", note })).EnsureSuccessStatusCode();

        var coordinator = group.School.Coordinator;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var notice = await scope.ServiceProvider.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
                .Where(n => n.UserId == coordinator.Id && n.Title == "Moe Mentee is not coming").Select(n => new { n.Body, n.ProgramId }).SingleAsync();
            Assert.DoesNotContain("PRIVATENOTE", notice.Body);
            Assert.Contains("open the meeting", notice.Body);
            Assert.Equal(group.Program.Id, notice.ProgramId);
        }
        var read = await (await group.Coordinator.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>();
        Assert.Contains(read.Answers, a => a.Note == note);
    }

    [Fact]
    public async Task ACoordinatorRemovedFromTheProgramHearsNoMoreAnswersToTheGroupSeriesTheyProposed()
    {
        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var series = await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson(occurrences: 3))).ReadAsync<List<MeetingView>>();
        (await second.Client.PostAsJsonAsync(Answer(series[0].Id), new { response = "Decline", note = "Exams", wholeSeries = false })).EnsureSuccessStatusCode();
        var coordinator = group.School.Coordinator;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var heard = await scope.ServiceProvider.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
                .CountAsync(n => n.UserId == coordinator.Id && n.Title == "Moe Mentee is not coming");
            Assert.Equal(1, heard); // while they coordinate, they hear each answer
        }
        // They leave the school's staff: no coordinator enrolment, an ordinary member of the organisation.
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Enrolments.Where(e => e.UserId == coordinator.Id && e.ProgramId == group.Program.Id).ExecuteDeleteAsync();
            return await db.OrganisationMemberships.Where(m => m.UserId == coordinator.Id)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.Role, OrganisationRole.Member));
        });
        var before = await ConsentStates.ReachedAsync(fixture.App.Services, coordinator.Id, coordinator.Email);

        (await second.Client.PostAsJsonAsync(Answer(series[1].Id), new { response = "Decline", note = "Family matters", wholeSeries = false })).EnsureSuccessStatusCode();

        Assert.Equal(before, await ConsentStates.ReachedAsync(fixture.App.Services, coordinator.Id, coordinator.Email));
    }
}
