using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>
/// "This and later ones" against another answer to one of those later meetings (ADR 125): the later meetings are claimed
/// with the clicked one, so the side that loses hears 409 and what the other side was told is what stays.
/// </summary>
public sealed class MeetingSeriesRaceTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private static object Series(DateTimeOffset startsAt, int occurrences) =>
        new { startsAt, durationMinutes = 60, mode = "InPerson", place = "Room 12", occurrences };

    /// <summary>A query reading a series' later occurrences (the use case's own: other contexts are not intercepted).</summary>
    private static bool ReadsLaterOccurrences(string sql) => sql.Contains("\"SeriesId\" = @", StringComparison.Ordinal);

    private static async Task<Dictionary<Guid, MeetingStatus>> StatusesAsync(HttpClient client, string meetings) =>
        (await (await client.GetAsync(meetings)).ReadAsync<Paged<MeetingView>>()).Items.ToDictionary(m => m.Id, m => m.Status);

    [Fact]
    public async Task AcceptingTheRestOfASeriesWhileThePartnerCancelsTheLaterOnesLeavesThemCancelled()
    {
        var pair = await fixture.PairAsync();
        var series = await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, Series(NextSpring, 3))).ReadAsync<List<MeetingView>>();
        var later = new[] { series[1].Id, series[2].Id };

        // Meanwhile the mentor's "cancel this and later ones" on the second commits, as CancelMeeting writes it.
        var accepted = await AfterReading.RunAsync<RespondToMeeting, Outcome<MeetingView>>(fixture.App.Services, ReadsLaterOccurrences,
            db => db.Set<Meeting>().Where(m => later.Contains(m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MeetingStatus.Cancelled).SetProperty(m => m.Sequence, m => m.Sequence + 1)),
            u => u.RunAsync(new Actor(pair.Mentee.User.Id, false), series[0].Id, new RespondToMeetingRequest { Response = MeetingResponse.Accept, WholeSeries = true }));

        Assert.Equal("Someone changed this meeting at the same moment. Reload and try again.", Assert.IsType<Conflict>(accepted.Failure).Detail);
        var statuses = await StatusesAsync(pair.Mentee.Client, pair.Meetings);
        Assert.Equal([MeetingStatus.Proposed, MeetingStatus.Cancelled, MeetingStatus.Cancelled], series.Select(m => statuses[m.Id]));
    }

    [Fact]
    public async Task ComingToTheRestOfASeriesWhileAnotherTabSaysCantComeToALaterOneKeepsThatAnswer()
    {
        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var series = await (await group.Coordinator.PostAsJsonAsync(meetings, Series(NextSpring, 4))).ReadAsync<List<MeetingView>>();
        var actor = new Actor(second.User.Id, false);
        var at = DateTime.SpecifyKind(NextSpring.UtcDateTime.AddDays(-30), DateTimeKind.Utc);

        // Meanwhile another tab's "can't come" to the third alone commits its answer.
        var coming = await AfterReading.RunAsync<RespondToMeeting, Outcome<MeetingView>>(fixture.App.Services, ReadsLaterOccurrences,
            db =>
            {
                db.Add(new MeetingAnswer(series[2].Id, second.User.Id, AttendanceAnswer.NotComing, "Away that week", series[2].Sequence, at));
                return db.SaveChangesAsync();
            },
            u => u.RunAsync(actor, series[0].Id, new RespondToMeetingRequest { Response = MeetingResponse.Accept, WholeSeries = true }));

        Assert.Null(coming.Failure);
        var mine = new List<AttendanceAnswer?>();
        foreach (var m in series)
        {
            mine.Add((await (await second.Client.GetAsync($"/api/v1/meetings/{m.Id}")).ReadAsync<MeetingView>()).MyAnswer);
        }
        Assert.Equal([AttendanceAnswer.Coming, AttendanceAnswer.Coming, AttendanceAnswer.NotComing, AttendanceAnswer.Coming], mine);
    }
}

/// <summary>
/// Runs a use case while "another request" commits its work on a context of its own just after the use case's first query
/// that <c>marks</c> names (before its next statement or transaction): a race made certain between a read and the write
/// that follows it. The other work is single statements (no transaction of its own, so it never queues at SQLite's write
/// gate); it is given a time limit because code that reads inside its write transaction would make it wait for that
/// transaction on SQLite's write lock.
/// </summary>
internal static class AfterReading
{
    public static async Task<T> RunAsync<TUseCase, T>(IServiceProvider services, Func<string, bool> marks, Func<TandemDb, Task> meanwhile,
        Func<TUseCase, Task<T>> run) where TUseCase : class
    {
        async Task Other()
        {
            await using var scope = services.CreateAsyncScope();
            await meanwhile(scope.ServiceProvider.GetRequiredService<TandemDb>());
        }
        var interceptor = new Interceptor(marks, () => Other().WaitAsync(TimeSpan.FromSeconds(20)));
        var result = await UseCaseOver.RunAsync(services, interceptor, run);
        Assert.True(interceptor.Ran, "The use case never read what was marked, so nothing happened meanwhile.");
        return result;
    }

    private sealed class Interceptor(Func<string, bool> marks, Func<Task> work) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private bool armed;

        public bool Ran { get; private set; }

        private async Task NextAsync()
        {
            if (armed && !Ran)
            {
                Ran = true;
                await work();
            }
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await NextAsync();
            armed |= marks(command.CommandText);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await NextAsync();
            return result;
        }

        public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            await NextAsync();
            return result;
        }

        public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            await NextAsync();
            return result;
        }
    }
}
