using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Tests.Engagement;

namespace Tandem.Tests.Notifications;

/// <summary>
/// ADR 102: the daily digest asks the consent gate about a pair's notices too. Meeting and schedule notices link to
/// /relationships/{id}/…, not /programs/{id}/…, and one stored before a withdrawal was e-mailed after it.
/// </summary>
public sealed class DigestConsentTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task APairsMeetingNoticeStoredBeforeAWithdrawalIsNotInTheDigestAfterIt()
    {
        var pair = await fixture.PairAsync();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var title = $"Mona proposed a meeting {Guid.NewGuid():N}";
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Notification(pair.Mentee.Id, NotificationKind.Meetings, NotificationChoice.DailyDigest, title, "Thursday at 4 in the library.",
                $"/relationships/{pair.RelationshipId}/meetings", now));
            db.Add(new Notification(pair.Mentor.Id, NotificationKind.Meetings, NotificationChoice.DailyDigest, title, "Thursday at 4 in the library.",
                $"/relationships/{pair.RelationshipId}/meetings", now));
            return await db.SaveChangesAsync();
        });
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false })).StatusCode);

        await fixture.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(now.AddDays(1)));

        static bool Lists(MimeMessage m, string title) => m.Subject?.StartsWith("Your Tandem digest") == true && m.TextBody?.Contains(title) == true;
        async Task<List<MimeMessage>> MailsToAsync(string email) =>
            (await fixture.OutboxForAsync(email)).Select(m => MimeMessage.Load(new MemoryStream(m.Mime))).ToList();
        Assert.DoesNotContain(await MailsToAsync(pair.Mentee.Email), m => Lists(m, title));
        // The partner, whose consent stands, gets theirs.
        Assert.Single(await MailsToAsync(pair.Mentor.Email), m => Lists(m, title));
    }

    /// <summary>
    /// ADR 105: a program's notice knows its program, so one linking to the person's own pages (/my/relationships,
    /// /my/surveys/…), not to the program's, is held back from the digest after a withdrawal too, and kept in the app.
    /// </summary>
    [Fact]
    public async Task AProgramsNoticeLinkingToMyPagesIsNotInTheDigestAfterAWithdrawal()
    {
        var pair = await fixture.PairAsync();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var title = $"Your mentor in the program {Guid.NewGuid():N}";
        var survey = $"A short survey {Guid.NewGuid():N}";
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            foreach (var kind in new[] { NotificationKind.Matches, NotificationKind.Surveys })
            {
                db.Add(new NotificationPreference(pair.Mentee.Id, kind, NotificationChoice.DailyDigest, now));
                db.Add(new NotificationPreference(pair.Mentor.Id, kind, NotificationChoice.DailyDigest, now));
            }
            await db.SaveChangesAsync();
            return await s.GetRequiredService<Notify>().ToProgramAsync(pair.ProgramId, [
                new NotificationMessage(pair.Mentee.Id, NotificationKind.Matches, title, "You are matched.", "/my/relationships"),
                new NotificationMessage(pair.Mentee.Id, NotificationKind.Surveys, survey, "Tell us how it goes.", $"/my/surveys/{Guid.NewGuid()}"),
                new NotificationMessage(pair.Mentor.Id, NotificationKind.Matches, title, "You are matched.", "/my/relationships")]);
        });
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false })).StatusCode);

        await fixture.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(now.AddDays(1)));

        static bool Lists(MimeMessage m, string title) => m.Subject?.StartsWith("Your Tandem digest") == true && m.TextBody?.Contains(title) == true;
        async Task<List<MimeMessage>> MailsToAsync(string email) =>
            (await fixture.OutboxForAsync(email)).Select(m => MimeMessage.Load(new MemoryStream(m.Mime))).ToList();
        var toMentee = await MailsToAsync(pair.Mentee.Email);
        Assert.DoesNotContain(toMentee, m => Lists(m, title));
        Assert.DoesNotContain(toMentee, m => Lists(m, survey));
        Assert.Single(await MailsToAsync(pair.Mentor.Email), m => Lists(m, title));
        // Kept in the app, and no later digest picks them up.
        var kept = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.UserId == pair.Mentee.Id && (n.Title == title || n.Title == survey))
            .Select(n => new { n.Choice, n.DigestId, n.ProgramId }).ToListAsync());
        Assert.Equal(2, kept.Count);
        Assert.All(kept, n => Assert.Equal((NotificationChoice.InApp, (Guid?)null, (Guid?)pair.ProgramId), (n.Choice, n.DigestId, n.ProgramId)));
    }

    [Theory]
    [InlineData("/relationships/0195a7e2-0000-7000-8000-000000000001/meetings", true)]
    [InlineData("/relationships/0195a7e2-0000-7000-8000-000000000001", true)]
    [InlineData("/relationships/", false)]
    [InlineData("/programs/0195a7e2-0000-7000-8000-000000000001", false)]
    public void TheRelationshipIsReadFromALink(string link, bool found) =>
        Assert.Equal(found, SendDailyDigests.RelationshipOf(link) is not null);
}
