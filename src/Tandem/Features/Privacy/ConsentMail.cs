using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Privacy;

/// <summary>A guardian to e-mail once the consent row is committed: the link's token exists only here and in the e-mail.</summary>
public sealed record GuardianAsk(Guid ConsentId, string Email, string Token, string ChildName, string ProgramName, string OrganisationName, bool Renewal, bool Answered);

/// <summary>Single-use guardian links (a random token; only its SHA-256 is stored) and the e-mails that carry them.</summary>
public sealed class ConsentMail(MailOutbox outbox, IOptions<EmailOptions> options, ILogger<ConsentMail> logger)
{
    public const string MailReference = "consent";

    /// <summary>How long a request for consent stays open; a link for a later change or withdrawal lasts a year.</summary>
    public static readonly TimeSpan AskFor = TimeSpan.FromDays(30), ChangeFor = TimeSpan.FromDays(365);

    public static string PagePath(string token) => $"/guardian/consent?token={Uri.EscapeDataString(token)}";

    public async Task SendAsync(IReadOnlyList<GuardianAsk> asks, CancellationToken ct)
    {
        // A guardian's address stored before the check of ADR 120 that MimeKit cannot address is left out (and logged),
        // never thrown on: the others are asked as usual.
        var addressable = asks.Where(a => EmailAddresses.IsValid(a.Email)).ToList();
        foreach (var ask in asks.Except(addressable))
        {
            logger.LogWarning("No consent e-mail for consent {ConsentId}: the guardian's address cannot be written to", ask.ConsentId);
        }
        if (addressable.Count > 0)
        {
            await outbox.SendAsync(addressable.Select(a => new OutgoingMessage(Compose(a), MailReference, a.ConsentId)).ToList(), supersedePending: true, ct);
        }
    }

    private MimeMessage Compose(GuardianAsk ask)
    {
        var email = options.Value;
        var link = email.Link(PagePath(ask.Token));
        var message = new MimeMessage();
        message.From.Add(email.Sender());
        message.To.Add(EmailAddresses.Mailbox(null, ask.Email)!);
        string subject, opening, action;
        if (ask.Answered)
        {
            subject = $"Your answer about {ask.ChildName} and {ask.ProgramName}";
            opening = $"Thank you: your answer about {ask.ChildName} taking part in {ask.ProgramName} ({ask.OrganisationName}) is recorded.";
            action = "To change your answer or withdraw your consent at any time, open this link (it is personal, works once, and expires in a year):";
        }
        else
        {
            subject = ask.Renewal ? $"{ask.ProgramName} changed its privacy notice: your consent for {ask.ChildName}" : $"Your consent for {ask.ChildName} to join {ask.ProgramName}";
            opening = ask.Renewal
                ? $"{ask.OrganisationName} changed what it tells families about {ask.ProgramName}, and asks for your consent again for {ask.ChildName}."
                : $"{ask.ChildName} applied to {ask.ProgramName}, a mentoring program of {ask.OrganisationName}, and gave your address as their parent or guardian. Because of their age, they can take part only with your consent.";
            action = "Read what the program does with their data and give or refuse your consent here (the link is personal, works once and expires in 30 days):";
        }
        message.Subject = subject;
        var text = $"""
            Hello,

            {opening}

            {action}
            {link}

            Until you consent, {ask.ChildName} will not be matched with anyone or contacted through the program.
            If you were not expecting this, you can ignore this message.
            """;
        var html = $"""
            <p>Hello,</p>
            <p>{WebUtility.HtmlEncode(opening)}</p>
            <p>{WebUtility.HtmlEncode(action)} <a href="{WebUtility.HtmlEncode(link)}">{(ask.Answered ? "Change your answer" : "Read and answer")}</a></p>
            <p>Until you consent, {WebUtility.HtmlEncode(ask.ChildName)} will not be matched with anyone or contacted through the program.
            If you were not expecting this, you can ignore this message.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
