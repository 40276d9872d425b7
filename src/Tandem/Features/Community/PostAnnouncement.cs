using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Integrations;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Community;

/// <summary>
/// A coordinator announces something to the program: the announcement is stored, every participant of its audience whose
/// consent is not missing (ADR 48's gate) gets an in-app notice and (their preference allowing) an e-mail through the outbox, and it is posted to the program's
/// connected Slack and Teams channels through the outbound outbox (and to WhatsApp for those who opted in, ADR 69), and the organisation's signed webhooks are told of it
/// (its title and audience, ADR 58). Only announcements leave through the channels: never
/// check-ins, concerns or messages (ADR 55). Nothing once retention anonymised the program (409, ADR 121).
/// </summary>
public sealed class PostAnnouncement(TandemDb db, ProgramAccess programs, Notify notify, HttpOutbox channels, SendWhatsAppMessages whatsApp, IWebhookEvents webhooks,
    IProgramRetention retention, IOptions<EmailOptions> email, TimeProvider clock)
{
    public const string ChannelReference = "announcement";
    public const string OnlyCoordinators = "Only the program's coordinators post announcements.";
    public const string Retained = "This program's data has been anonymised after it closed, so it takes no new announcements.";

    public async Task<Outcome<AnnouncementView>> RunAsync(Actor actor, Guid programId, PostAnnouncementRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        // Retention anonymised the program once; an announcement now would be kept for good, in its notices and e-mails,
        // on WhatsApp, in Slack and Teams and at the organisation's webhooks (ADR 121).
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var title = request.Title?.Trim() ?? "";
        // Line breaks as one character, as the browser's maxlength counts them (a form posts them as two).
        var body = request.Body?.Replace("\r\n", "\n").Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (title.Length is 0 or > Announcement.TitleMax)
        {
            errors["title"] = [$"Give the announcement a title of 1 to {Announcement.TitleMax} characters."];
        }
        if (body.Length is 0 or > Announcement.BodyMax)
        {
            errors["body"] = [$"Write the announcement in 1 to {Announcement.BodyMax:N0} characters."];
        }
        if (!Enum.IsDefined(request.Audience))
        {
            errors["audience"] = ["The audience is Everyone, Mentors or Mentees."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var announcement = new Announcement(programId, actor.UserId, title, body, request.Audience, clock.GetUtcNow().UtcDateTime);
        db.Add(announcement);
        // Committed with the announcement: the organisation's webhooks hear of it once, and only if it is saved (ADR 58).
        await webhooks.AddAsync(WebhookEvent.ForAnnouncementPosted(announcement.Id, programId, title, request.Audience.ToString(), announcement.PostedAt), ct);
        await db.SaveChangesAsync(ct);

        var link = $"/programs/{programId}/announcements";
        var roles = Announcement.RolesOf(request.Audience);
        // Nobody without consent to the program is contacted through it (ADR 48): not in the app, by e-mail or on WhatsApp.
        var unconsented = await Applications.ConsentGate.UnconsentedAsync(db, programId, ct);
        var recipients = await db.Enrolments.Where(e => e.ProgramId == programId && roles.Contains(e.Role) && !unconsented.Contains(e.UserId))
            .Select(e => e.UserId).Distinct().ToListAsync(ct);
        await notify.RunAsync(recipients.Select(id => new NotificationMessage(id, NotificationKind.Announcements, $"{program.Name}: {title}", SafeMarkdown.ToPlainText(body), link, programId)).ToList(), ct);
        if (request.PostToChannels)
        {
            var audience = request.Audience == AnnouncementAudience.Everyone ? null : $"For {request.Audience.ToString().ToLowerInvariant()}";
            await channels.PostToChannelsAsync(programId, ChannelReference, announcement.Id,
                new ChannelMessage(program.Name, title, body, audience, email.Value.Link(link)), ct);
            // Those of the audience who opted in to WhatsApp get the title and a short plain opening, never more (ADR 69).
            await whatsApp.RunAsync(programId, ChannelReference, announcement.Id, recipients, new WhatsAppMessage(WhatsAppMessageKind.Announcement,
                [program.Name, title, WhatsAppPayloads.Parameter(SafeMarkdown.ToPlainText(body), WhatsAppPayloads.ShortTextMax)]), ct);
        }
        var author = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        return new AnnouncementView(announcement.Id, programId, title, body, announcement.Audience, author, announcement.PostedAt);
    }
}
