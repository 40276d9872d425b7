using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Notifications;

/// <summary>Marking a notice read that retention or an erasure deletes at the same moment (ADR 120).</summary>
public sealed class NoticeDeletedMeanwhileTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task MarkingReadANoticeDeletedMeanwhileIsNotFoundRatherThanAnError()
    {
        var person = await fixture.Tandem.CreateUserAsync("Del Eted");
        var title = $"Gone soon {Guid.NewGuid():N}";
        var notice = await fixture.WithScopeAsync(async s => Assert.Single(await s.GetRequiredService<Notify>().StoreAsync(
            [new NotificationMessage(person.Id, NotificationKind.Messages, title, "It will be deleted.")])));

        var outcome = await UseCaseOver.RunAsync<MarkNotificationRead, Outcome<NotificationView>>(fixture.App.Services, new DeleteTheNoticeJustBefore(title),
            useCase => useCase.RunAsync(new Actor(person.Id, false), notice.Id));

        var failure = Assert.IsType<NotFound>(outcome.Failure);
        Assert.Equal("You have no notification with this id.", failure.Detail);
    }

    [Fact]
    public async Task MarkingReadTwiceAnswersTheNoticeBothTimes()
    {
        var person = await fixture.Tandem.CreateUserAsync("Twi Ce");
        var notice = await fixture.WithScopeAsync(async s => Assert.Single(await s.GetRequiredService<Notify>().StoreAsync(
            [new NotificationMessage(person.Id, NotificationKind.Messages, "Read me twice", "Twice.")])));

        var first = await fixture.WithScopeAsync(s => s.GetRequiredService<MarkNotificationRead>().RunAsync(new Actor(person.Id, false), notice.Id));
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await fixture.WithScopeAsync(s => s.GetRequiredService<MarkNotificationRead>().RunAsync(new Actor(person.Id, false), notice.Id));
        var someoneElse = await fixture.WithScopeAsync(s => s.GetRequiredService<MarkNotificationRead>().RunAsync(new Actor(Guid.NewGuid(), false), notice.Id));

        Assert.NotNull(first.Value!.ReadAt);
        Assert.Equal(first.Value.ReadAt, second.Value!.ReadAt);
        Assert.IsType<NotFound>(someoneElse.Failure);
    }

    /// <summary>Deletes the notice (found by its title) in the instant before the use case's first UPDATE of the notices.</summary>
    private sealed class DeleteTheNoticeJustBefore(string title) : DbCommandInterceptor
    {
        private int done;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            await DeleteFirstAsync(command, ct);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken ct = default)
        {
            await DeleteFirstAsync(command, ct);
            return result;
        }

        private async Task DeleteFirstAsync(DbCommand command, CancellationToken ct)
        {
            if (!command.CommandText.Contains("UPDATE \"Notifications\"") || Interlocked.Exchange(ref done, 1) == 1)
            {
                return;
            }
            await using var other = command.Connection!.CreateCommand();
            other.Transaction = command.Transaction;
            other.CommandText = "DELETE FROM \"Notifications\" WHERE \"Title\" = @title";
            var parameter = other.CreateParameter();
            parameter.ParameterName = "@title";
            parameter.Value = title;
            other.Parameters.Add(parameter);
            Assert.Equal(1, await other.ExecuteNonQueryAsync(ct));
        }
    }
}
