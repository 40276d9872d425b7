using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Surveys;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Surveys;

/// <summary>
/// Surveys sent on an event or a date (issue 11, item 1): the survey job asks after each meeting held, opens a
/// survey on its date, half-way through the program and when it closes, reminds once, and closes surveys past
/// their last day. The class has its own app and moves its clock.
/// </summary>
public sealed class SurveyJobTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private Task<SurveyRun> RunJobAsync() => factory.WithScopeAsync(s => s.GetRequiredService<DispatchSurveys>().RunAsync());

    private static async Task<SurveyView> SendNewAsync(HttpClient coordinator, Guid programId, object body)
    {
        var created = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/surveys", body);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var survey = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        var sent = await coordinator.PostAsync($"/api/v1/surveys/{survey.Id}/send", Json.Empty());
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        return (await sent.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
    }

    [Fact]
    public async Task TheJobAsksAfterEachMeetingHeldOnTheDayHalfWayAndAtTheCloseAndRemindsOnce()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Maya Mentor", "mentor");
        var mentee = await program.ApproveAsync("Milo Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var id = program.Program.Id;
        var today = factory.Today;

        var pulse = await SendNewAsync(program.Coordinator, id, new { template = "Pulse" });
        var halfway = await SendNewAsync(program.Coordinator, id, new { template = "MidPoint" });
        var end = await SendNewAsync(program.Coordinator, id, new { template = "EndOfProgram" });
        var dated = await SendNewAsync(program.Coordinator, id, new { template = "NeedsAssessment", title = "Dated", trigger = "OnDate",
            sendOn = today.AddDays(3).ToString("yyyy-MM-dd"), closesOn = today.AddDays(20).ToString("yyyy-MM-dd"), remindAfterDays = 0 });
        Assert.Equal(SurveyStatus.Open, pulse.Status);
        Assert.Equal([SurveyStatus.Scheduled, SurveyStatus.Scheduled, SurveyStatus.Scheduled], new[] { halfway.Status, end.Status, dated.Status });

        Assert.Equal(new SurveyRun(0, 0, 0, 0), await RunJobAsync());
        Assert.Empty(await SurveyProgram.MineAsync(mentee.Client));

        (await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/check-ins",
            new { happened = true, topics = "Fractions", occurredAt = factory.Clock.GetUtcNow().UtcDateTime.AddHours(-1) })).EnsureSuccessStatusCode();
        var afterMeeting = await RunJobAsync();
        var again = await RunJobAsync();

        Assert.Equal(2, afterMeeting.Invited); // the mentor and the mentee, once for this meeting
        Assert.Equal(0, again.Invited);
        var asked = Assert.Single(await SurveyProgram.MineAsync(mentee.Client));
        Assert.Equal("How was your meeting?", asked.Title);

        factory.Clock.Advance(TimeSpan.FromDays(3));
        var third = await RunJobAsync();
        Assert.Equal(1, third.Opened); // the dated survey
        Assert.Equal(2, third.Invited);
        Assert.Equal(2, third.Reminded); // the pulse's reminder after two days; the dated survey has none
        Assert.Equal(0, (await RunJobAsync()).Reminded);
        var notices = await PairingProgram.NoticesAsync(mentee.Client);
        Assert.Contains(notices, n => n.Title == "Reminder: How was your meeting?");
        Assert.Contains(notices, n => n.Title == "A short survey: Dated");
        Assert.Contains(await factory.OutboxForAsync(mentee.User.Email), e => e.Subject == "Reminder: How was your meeting?");

        // The program runs 2027-01-10 to 2027-06-30: half-way is 2027-04-05; the dated survey closed after 2027-02-24.
        factory.Clock.Advance(new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero) - factory.Clock.GetUtcNow());
        var spring = await RunJobAsync();
        // Two months on, everyone signs in again.
        var coordinator = await factory.SignedInClientAsync(program.School.Coordinator);
        var menteeClient = await factory.SignedInClientAsync(mentee.User);
        var mentorClient = await factory.SignedInClientAsync(mentor.User);
        Assert.Equal(1, spring.Opened);
        Assert.Equal(1, spring.Closed);
        Assert.Equal(SurveyStatus.Closed, (await coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{dated.Id}", Json.Options))!.Status);
        Assert.Contains(await SurveyProgram.MineAsync(menteeClient), s => s.Title == "Half-way check" && s.CanAnswer);

        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var closing = await RunJobAsync();
        Assert.Equal(1, closing.Opened);
        Assert.Contains(await SurveyProgram.MineAsync(mentorClient), s => s.Title == "End of program survey" && s.CanAnswer);
    }
}
