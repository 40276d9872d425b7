using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Integrations;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Integrations;

/// <summary>
/// ADR 121: a refused WhatsApp form comes back with what was typed (never the token), and a participant later known to be
/// a minor can still remove the number they gave.
/// </summary>
public sealed class WhatsAppFormTests(WhatsAppFixture fixture) : IClassFixture<WhatsAppFixture>
{
    private const string Token = "EAAGtesttokenNEVERSHOWN0123456789";

    private static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private static string ValueOf(IHtmlDocument page, string id) => ((IHtmlInputElement)page.QuerySelector($"#{id}")!).Value;

    [Fact]
    public async Task ARefusedAccountFormComesBackWithWhatTheCoordinatorTypedButNeverTheToken()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/whatsapp";
        (await coordinator.SubmitAsync(path, "whatsapp-account",
            [new("phoneNumberId", "111111111111"), new("accessToken", Token), new("announcementTemplate", "old_announcement"), new("reminderTemplate", "old_reminder"), new("languageCode", "en")]))
            .EnsureSuccessStatusCode();

        var refused = await coordinator.SubmitAsync(path, "whatsapp-account",
        [
            new("phoneNumberId", "222222222222"), new("accessToken", Token + "NEW"), new("removeToken", "true"), new("announcementTemplate", "new_announcement"),
            new("reminderTemplate", "new_reminder"), new("languageCode", "English please"),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var page = Parse(html);
        Assert.Equal(("222222222222", "new_announcement", "new_reminder", "English please"),
            (ValueOf(page, "phoneNumberId"), ValueOf(page, "announcementTemplate"), ValueOf(page, "reminderTemplate"), ValueOf(page, "languageCode")));
        Assert.True(((IHtmlInputElement)page.QuerySelector("#removeToken")!).IsChecked);
        Assert.Equal("", ValueOf(page, "accessToken"));
        Assert.DoesNotContain(Token, html);
        var stored = (await pair.Coordinator.GetFromJsonAsync<ProgramWhatsAppView>($"/api/v1/programs/{pair.ProgramId}/whatsapp", Json.Options))!;
        Assert.Equal(("111111111111", "old_announcement", true), (stored.PhoneNumberId, stored.AnnouncementTemplate, stored.TokenSet));
    }

    [Fact]
    public async Task ARefusedNumberComesBackAsTypedWithTheProgramsTicked()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        (await coordinator.SubmitAsync($"/programs/{pair.ProgramId}/whatsapp", "whatsapp-account",
            [new("phoneNumberId", "333333333333"), new("accessToken", Token), new("announcementTemplate", "tandem_announcement"), new("languageCode", "en")]))
            .EnsureSuccessStatusCode();
        var pages = await fixture.SignInPagesAsync(pair.Mentee);

        var refused = await pages.SubmitAsync("/notifications", "whatsapp", [new("WhatsAppSave", "1"), new("number", "0770 0900"), new("program", pair.ProgramId.ToString())]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var page = Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("0770 0900", ValueOf(page, "whatsapp-number"));
        Assert.True(((IHtmlInputElement)page.QuerySelector($"#whatsapp-{pair.ProgramId}")!).IsChecked);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Null((await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!.Number);
    }

    [Fact]
    public async Task AParticipantLaterKnownToBeAMinorSeesTheirStoredNumberAndRemovesIt()
    {
        var pair = await fixture.PairAsync();
        var school = await MinorsSchool.CreateAsync(fixture.Tandem);
        // Given before their age was known (an application saying 14 came later).
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new WhatsAppNumber(school.Minor.Id, "+447700900999", now));
            db.Add(new WhatsAppOptIn(school.Minor.Id, pair.ProgramId, now));
            return await db.SaveChangesAsync();
        });
        var pages = await fixture.SignInPagesAsync(school.Minor);

        var shown = Parse(await pages.Http.GetStringAsync("/notifications")).QuerySelector("#whatsapp")!.TextContent;
        Assert.Contains("aged 18 and over", shown);
        Assert.Contains("+447700900999", shown);
        Assert.Contains("Remove my WhatsApp number", shown);
        var removed = await pages.SubmitAsync("/notifications", "whatsapp", await pages.FormFieldsAsync("/notifications", "whatsapp"));

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.DoesNotContain("+447700900999", Parse(await removed.Content.ReadAsStringAsync()).QuerySelector("#whatsapp")!.TextContent);
        var left = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<WhatsAppNumber>().CountAsync(n => n.UserId == school.Minor.Id), await db.Set<WhatsAppOptIn>().CountAsync(o => o.UserId == school.Minor.Id));
        });
        Assert.Equal((0, 0), left);
    }
}
