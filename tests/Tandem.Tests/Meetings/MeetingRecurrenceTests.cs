using System.Net.Http.Json;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Tests.Meetings;

/// <summary>
/// 2027: the United States move their clocks on 14 March, the United Kingdom on 28 March, so for two weeks
/// London and New York are four hours apart instead of five.
/// </summary>
public sealed class MeetingRecurrenceTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    [Fact]
    public void AWeeklySeriesKeepsTheOrganisersWallClockAcrossBothDaylightSavingChanges()
    {
        var london = MeetingRecurrence.Occurrences(new DateTime(2027, 3, 1, 18, 0, 0), "Europe/London", Cadence.Weekly, 6);
        Assert.All(london, at => Assert.Equal(new TimeSpan(18, 0, 0), Zones.ToLocal(at, "Europe/London").TimeOfDay));
        Assert.Equal([18, 18, 18, 18, 17, 17], london.Select(at => at.Hour));
        // The partner in New York sees the same instants on their own clock.
        Assert.Equal([13, 13, 14, 14, 13, 13], london.Select(at => Zones.ToLocal(at, "America/New_York").Hour));

        var newYork = MeetingRecurrence.Occurrences(new DateTime(2027, 3, 1, 9, 0, 0), "America/New_York", Cadence.Weekly, 6);
        Assert.All(newYork, at => Assert.Equal(new TimeSpan(9, 0, 0), Zones.ToLocal(at, "America/New_York").TimeOfDay));
        Assert.Equal([14, 14, 13, 13, 14, 14], newYork.Select(at => Zones.ToLocal(at, "Europe/London").Hour));
    }

    [Fact]
    public void FortnightlyAndMonthlySeriesFollowTheCadence()
    {
        var fortnightly = MeetingRecurrence.Occurrences(new DateTime(2027, 3, 1, 18, 0, 0), "Europe/London", Cadence.Fortnightly, 3);
        Assert.Equal([new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 29)], fortnightly.Select(DateOnly.FromDateTime));

        // 2 March 2027 is the first Tuesday: every first Tuesday, never "the 2nd" of the month.
        var monthly = MeetingRecurrence.Occurrences(new DateTime(2027, 3, 2, 17, 30, 0), "Europe/London", Cadence.Monthly, 3);
        Assert.Equal([new DateOnly(2027, 3, 2), new DateOnly(2027, 4, 6), new DateOnly(2027, 5, 4)],
            monthly.Select(at => DateOnly.FromDateTime(Zones.ToLocal(at, "Europe/London"))));
        Assert.All(monthly, at => Assert.Equal(new TimeSpan(17, 30, 0), Zones.ToLocal(at, "Europe/London").TimeOfDay));
        Assert.Equal("FREQ=MONTHLY;BYDAY=1TU;COUNT=3", MeetingRecurrence.Rule(Cadence.Monthly, 3, new DateTime(2027, 3, 2)));
    }

    [Fact]
    public async Task ASeriesProposedInNewYorkKeepsNineOClockThereAndShowsTheLondonPartnerTheRightHours()
    {
        var pair = await fixture.PairAsync(mentorZone: "Europe/London", menteeZone: "America/New_York");
        var proposed = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new
        {
            startsAt = "2027-03-01T09:00:00-05:00",
            durationMinutes = 45,
            mode = "InPerson",
            place = "Library",
            occurrences = 6,
        })).ReadAsync<List<MeetingView>>();
        Assert.Equal(6, proposed.Count);
        Assert.All(proposed, m => Assert.Equal(proposed[0].SeriesId, m.SeriesId));
        Assert.All(proposed, m => Assert.Equal(new TimeSpan(9, 0, 0), m.LocalStartsAt.TimeOfDay));

        var forMentor = await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal(6, forMentor.TotalCount);
        Assert.All(forMentor.Items, m => Assert.Equal("Europe/London", m.TimeZoneId));
        Assert.Equal([14, 14, 13, 13, 14, 14], forMentor.Items.Select(m => m.LocalStartsAt.Hour));
        Assert.Equal(proposed.Select(m => m.StartsAt), forMentor.Items.Select(m => m.StartsAt));
    }
}
