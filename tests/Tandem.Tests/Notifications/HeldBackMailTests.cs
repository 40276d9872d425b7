using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Engagement;

namespace Tandem.Tests.Notifications;

/// <summary>
/// ADR 120: a program's notice e-mail or digest still queued when a guardian withdraws (its first attempt failed) is not
/// sent by a later attempt of the outbox worker or by `tandem mail retry`.
/// </summary>
public sealed class HeldBackMailTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private const string Reason = "the program may no longer contact the recipient (consent)";

    /// <summary>A message of the outbox whose first attempt failed (its claim has run out): due for the worker now.</summary>
    private static OutgoingEmail Queued(string to, string subject, string referenceKind, Guid referenceId, DateTime now)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("tandem@tandem.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = subject };
        using var mime = new MemoryStream();
        message.WriteTo(mime);
        return new OutgoingEmail(to, subject, mime.ToArray(), referenceKind, referenceId, now.AddMinutes(-10), "a node that failed", now.AddMinutes(-5));
    }

    private async Task WithdrawAsync(Pair pair)
    {
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false })).StatusCode);
    }

    private Task<OutgoingEmail> RowAsync(Guid id) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutgoingEmail>().AsNoTracking().SingleAsync(e => e.Id == id));

    private bool Received(string email, string subject) =>
        fixture.Smtp.Received.Any(r => r.Recipients.Contains(email, StringComparer.OrdinalIgnoreCase) && r.Message.Subject == subject);

    [Fact]
    public async Task AQueuedNoticeEmailIsNotSentByTheWorkerOrByMailRetryAfterTheGuardianWithdrew()
    {
        var pair = await fixture.PairAsync();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var title = $"You are matched {Guid.NewGuid():N}";
        var (toMentee, toMentor) = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var forMentee = new Notification(pair.Mentee.Id, NotificationKind.Matches, NotificationChoice.Email, title, "Meet Mona.", "/my/relationships", now).For(pair.ProgramId);
            var forMentor = new Notification(pair.Mentor.Id, NotificationKind.Matches, NotificationChoice.Email, title, "Meet your mentee.", "/my/relationships", now).For(pair.ProgramId);
            db.AddRange(forMentee, forMentor);
            var menteeRow = Queued(pair.Mentee.Email, title, Notify.MailReference, forMentee.Id, now);
            var mentorRow = Queued(pair.Mentor.Email, title, Notify.MailReference, forMentor.Id, now);
            db.AddRange(menteeRow, mentorRow);
            await db.SaveChangesAsync();
            return (menteeRow.Id, mentorRow.Id);
        });
        await WithdrawAsync(pair);

        await fixture.WithScopeAsync(s => s.GetRequiredService<MailOutbox>().DeliverDueAsync());

        Assert.False(Received(pair.Mentee.Email, title));
        var heldBack = await RowAsync(toMentee);
        Assert.Null(heldBack.SentAt);
        Assert.NotNull(heldBack.GaveUpAt);
        Assert.Equal(Reason, heldBack.LastError);
        // The partner, whose consent stands, gets theirs.
        Assert.True(Received(pair.Mentor.Email, title));
        Assert.NotNull((await RowAsync(toMentor)).SentAt);

        // `tandem mail retry` does not make it due again.
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<MailOutbox>().RetryAsync(toMentee)));
        await fixture.WithScopeAsync(s => s.GetRequiredService<MailOutbox>().DeliverDueAsync());
        Assert.False(Received(pair.Mentee.Email, title));
        Assert.Equal(Reason, (await RowAsync(toMentee)).LastError);
    }

    [Fact]
    public async Task AQueuedDigestIsGivenUpAfterTheGuardianWithdrewAndItsOtherNoticesGoInTheNextDigest()
    {
        var pair = await fixture.PairAsync();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var fromProgram = $"Your mentor in the program {Guid.NewGuid():N}";
        var ownNotice = $"Your account {Guid.NewGuid():N}";
        var subject = $"Your Tandem digest: 2 notifications {Guid.NewGuid():N}";
        var (row, programNoticeId, ownNoticeId) = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var program = new Notification(pair.Mentee.Id, NotificationKind.Matches, NotificationChoice.DailyDigest, fromProgram, "You are matched.", "/my/relationships", now.AddHours(-3)).For(pair.ProgramId);
            var own = new Notification(pair.Mentee.Id, NotificationKind.Discussions, NotificationChoice.DailyDigest, ownNotice, "Something of your own.", null, now.AddHours(-2));
            var digest = new NotificationDigest(pair.Mentee.Id, now.AddHours(-1), 2, now.AddHours(-1));
            program.MarkDigested(digest.Id);
            own.MarkDigested(digest.Id);
            var queued = Queued(pair.Mentee.Email, subject, SendDailyDigests.MailReference, digest.Id, now);
            db.AddRange(program, own, digest, queued);
            await db.SaveChangesAsync();
            return (queued.Id, program.Id, own.Id);
        });
        await WithdrawAsync(pair);

        await fixture.WithScopeAsync(s => s.GetRequiredService<MailOutbox>().DeliverDueAsync());

        Assert.False(Received(pair.Mentee.Email, subject));
        var heldBack = await RowAsync(row);
        Assert.Null(heldBack.SentAt);
        Assert.Equal(Reason, heldBack.LastError);
        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.Id == programNoticeId || n.Id == ownNoticeId).ToDictionaryAsync(n => n.Id));
        // The program's notice stays in the app only; the person's own waits for the next digest.
        Assert.Equal((NotificationChoice.InApp, (Guid?)null), (notices[programNoticeId].Choice, notices[programNoticeId].DigestId));
        Assert.Equal((NotificationChoice.DailyDigest, (Guid?)null), (notices[ownNoticeId].Choice, notices[ownNoticeId].DigestId));
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<MailOutbox>().RetryAsync(row)));

        await fixture.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(now.AddDays(1)));

        var next = fixture.Smtp.Received.Where(r => r.Recipients.Contains(pair.Mentee.Email, StringComparer.OrdinalIgnoreCase)
            && r.Message.Subject?.StartsWith("Your Tandem digest") == true).Select(r => r.Message.TextBody).ToList();
        Assert.Contains(next, body => body?.Contains(ownNotice) == true);
        Assert.DoesNotContain(next, body => body?.Contains(fromProgram) == true);
    }
}
