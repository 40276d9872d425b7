using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Notifications;

public sealed class NotificationTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private Task NotifyAsync(Guid userId, string title, string body = "Something happened.", string? link = "/programs") =>
        fixture.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<Notify>().RunAsync(userId, NotificationKind.Messages, title, body, link, CancellationToken.None);
            return 0;
        });

    [Fact]
    public async Task ANotificationIsKeptInAppAndEmailedOverSmtpByDefault()
    {
        var person = await fixture.Tandem.CreateUserAsync("Nell Otify");

        await NotifyAsync(person.Id, "You have a match", "Meet Mona, your mentor.", "/relationships/mine");

        var message = Assert.Single(await fixture.Smtp.ForAsync(person.Email));
        Assert.Equal("You have a match", message.Subject);
        Assert.Contains("Meet Mona, your mentor.", message.TextBody);
        Assert.Contains("https://tandem.test/relationships/mine", message.TextBody);
        var client = await fixture.SignInAsync(person);
        var list = (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!;
        var stored = Assert.Single(list.Items);
        Assert.Equal("You have a match", stored.Title);
        Assert.True(stored.Emailed);
        Assert.Null(stored.ReadAt);
    }

    [Fact]
    public async Task SomeoneWhoTurnedEmailOffGetsTheNotificationInAppOnly()
    {
        var person = await fixture.Tandem.CreateUserAsync("Quinn Uiet");
        var client = await fixture.SignInAsync(person);
        var saved = await client.PutAsJsonAsync("/api/v1/me/notification-preferences", new { email = false });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.False((await client.GetFromJsonAsync<NotificationPreferenceView>("/api/v1/me/notification-preferences", Json.Options))!.Email);

        await NotifyAsync(person.Id, "Quiet please");
        await NotifyAsync(person.Id, "Still quiet");

        var list = (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!;
        Assert.Equal(["Still quiet", "Quiet please"], list.Items.Select(n => n.Title));
        Assert.All(list.Items, n => Assert.False(n.Emailed));
        Assert.Empty(await fixture.OutboxForAsync(person.Email));
        Assert.Equal(0, fixture.Smtp.CountFor(person.Email));
    }

    [Fact]
    public async Task PeopleReadAndMarkOnlyTheirOwnNotifications()
    {
        var owner = await fixture.Tandem.CreateUserAsync("Owen Ner");
        var other = await fixture.Tandem.CreateUserAsync("Otto Ther");
        await NotifyAsync(owner.Id, "First");
        await NotifyAsync(owner.Id, "Second");
        var ownerClient = await fixture.SignInAsync(owner);
        var otherClient = await fixture.SignInAsync(other);
        var mine = (await ownerClient.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!;

        Assert.Empty((await otherClient.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsync($"/api/v1/me/notifications/{mine.Items[0].Id}/read", Json.Empty())).StatusCode);

        var read = await ownerClient.PostAsync($"/api/v1/me/notifications/{mine.Items[0].Id}/read", Json.Empty());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var unread = (await ownerClient.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications?unread=true", Json.Options))!;
        Assert.Equal("First", Assert.Single(unread.Items).Title);

        Assert.Equal(HttpStatusCode.OK, (await ownerClient.PostAsync("/api/v1/me/notifications/read", Json.Empty())).StatusCode);
        Assert.Empty((await ownerClient.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications?unread=true", Json.Options))!.Items);
        Assert.Equal(HttpStatusCode.BadRequest, (await ownerClient.GetAsync("/api/v1/me/notifications?pageSize=1000")).StatusCode);
    }

    [Fact]
    public async Task TheNotificationsPageListsMarksReadAndSavesTheChannelChoice()
    {
        var person = await fixture.Tandem.CreateUserAsync("Paige Reader");
        await NotifyAsync(person.Id, "Meeting tomorrow", "Library, 16:00.");
        var pages = await fixture.SignInPagesAsync(person);

        var html = await pages.Http.GetStringAsync("/notifications");
        Assert.Contains("Meeting tomorrow", html);
        Assert.Contains("Library, 16:00.", html);
        Assert.Contains("Notifications (1)", html); // the unread count in the menu

        var marked = await pages.SubmitAsync("/notifications", "read", [new("Action", "all")]);
        Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        Assert.Contains("1 notification marked as read.", await marked.Content.ReadAsStringAsync());

        var saved = await pages.SubmitAsync("/notifications", "preferences",
            [new("Save", "choices"), new("choice.Meetings", "DailyDigest"), new("choice.Announcements", "InApp"), new("choice.Messages", "Email")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var page = await saved.Content.ReadAsStringAsync();
        Assert.Contains("Saved:", page);
        Assert.Contains("daily digest e-mail: meetings", page);
        var client = await fixture.SignInAsync(person);
        var choices = (await client.GetFromJsonAsync<NotificationPreferenceView>("/api/v1/me/notification-preferences", Json.Options))!.Choices.ToDictionary(c => c.Kind, c => c.Choice);
        Assert.Equal(NotificationChoice.DailyDigest, choices[NotificationKind.Meetings]);
        Assert.Equal(NotificationChoice.InApp, choices[NotificationKind.Announcements]);
        Assert.Equal(NotificationChoice.Email, choices[NotificationKind.Messages]);
        Assert.Equal(NotificationChoice.Email, choices[NotificationKind.Reminders]); // not sent: unchanged

        // The page shows the choices as radio groups, checked as saved; safeguarding has none to choose.
        html = await pages.Http.GetStringAsync("/notifications");
        Assert.Matches("<input type=\"radio\" id=\"Meetings-DailyDigest\" name=\"choice.Meetings\" value=\"DailyDigest\" checked", html);
        Assert.DoesNotContain("name=\"choice.Safeguarding\"", html);

        // A choice that is not one, or turning safeguarding off, is refused with the reason, and nothing changes.
        var refused = await pages.SubmitAsync("/notifications", "preferences", [new("Save", "choices"), new("choice.Meetings", "Pigeon")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is not a choice", await refused.Content.ReadAsStringAsync());
        refused = await pages.SubmitAsync("/notifications", "preferences", [new("Save", "choices"), new("choice.Safeguarding", "InApp")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("always e-mailed at once", await refused.Content.ReadAsStringAsync());
        choices = (await client.GetFromJsonAsync<NotificationPreferenceView>("/api/v1/me/notification-preferences", Json.Options))!.Choices.ToDictionary(c => c.Kind, c => c.Choice);
        Assert.Equal(NotificationChoice.DailyDigest, choices[NotificationKind.Meetings]);
    }
}
