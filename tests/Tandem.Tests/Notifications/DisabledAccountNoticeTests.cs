using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Notifications;

/// <summary>ADR 120: a disabled (or erased) account is told nothing, in the app or by e-mail, so "who has been told" does not count it.</summary>
public sealed class DisabledAccountNoticeTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task ADisabledAccountGetsNoNoticeFromAProgramOrAnyoneElse()
    {
        var pair = await fixture.PairAsync();
        var admin = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Disabler", administrator: true));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{pair.Mentee.Id}/disable", Json.Empty())).StatusCode);
        var announced = $"Announcement {Guid.NewGuid():N}";
        var stored = $"Stored {Guid.NewGuid():N}";
        var direct = $"Direct {Guid.NewGuid():N}";

        var told = await fixture.WithScopeAsync(async s =>
        {
            var notify = s.GetRequiredService<Notify>();
            var toProgram = await notify.ToProgramAsync(pair.ProgramId,
                [new NotificationMessage(pair.Mentee.Id, NotificationKind.Announcements, announced, "Party on Friday."), new NotificationMessage(pair.Mentor.Id, NotificationKind.Announcements, announced, "Party on Friday.")]);
            await notify.StoreToProgramAsync(pair.ProgramId, [new NotificationMessage(pair.Mentee.Id, NotificationKind.Announcements, stored, "In the app.")]);
            await notify.RunAsync(pair.Mentee.Id, NotificationKind.Messages, direct, "To you.", null);
            await notify.StoreAsync([new NotificationMessage(pair.Mentee.Id, NotificationKind.Messages, direct, "Stored for you.")]);
            return toProgram;
        });

        Assert.Equal([pair.Mentor.Id], told.Select(n => n.UserId));
        var toMentee = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .CountAsync(n => n.UserId == pair.Mentee.Id && (n.Title == announced || n.Title == stored || n.Title == direct)));
        Assert.Equal(0, toMentee);
        Assert.DoesNotContain(await fixture.OutboxForAsync(pair.Mentee.Email), e => e.Subject == announced || e.Subject == direct);
    }
}
