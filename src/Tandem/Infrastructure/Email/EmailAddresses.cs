using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace Tandem.Infrastructure.Email;

/// <summary>
/// The one check of an e-mail address (ADR 120): an address is accepted (an account, a change of address, an invitation, a
/// guardian's address) only when the e-mails are able to address it, so that nothing stored can make a composer throw.
/// A browser's type=email and DataAnnotations' [EmailAddress] let through addresses MimeKit refuses (".anna@school.org",
/// a space, ',' ';' '&lt;'), and MimeKit is what every e-mail of Tandem is written with.
/// </summary>
public static class EmailAddresses
{
    public const int MaxLength = 256;

    /// <summary>
    /// Whether <paramref name="address"/> (as stored: trimmed) is one bare mailbox MimeKit can address: no whitespace, a
    /// local part and a domain, and MimeKit reads it back as that very address (not a list, a group or a name with one).
    /// </summary>
    public static bool IsValid([NotNullWhen(true)] string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength || address.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }
        if (!MailboxAddress.TryParse(address, out var parsed) || parsed is null || parsed.Address != address)
        {
            return false;
        }
        try
        {
            // The constructor the composers use parses the address again, more strictly than TryParse in some cases.
            _ = new MailboxAddress("", address);
            return true;
        }
        catch (ParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// The mailbox to write an e-mail to, or null when the stored address cannot be addressed (a row stored before this
    /// check, or written around it): the composer then leaves that person out and logs it, and never throws, so one bad
    /// row cannot fail the request or batch of everyone else.
    /// </summary>
    public static MailboxAddress? Mailbox(string? name, string? address) =>
        IsValid(address) ? new MailboxAddress(name ?? "", address) : null;
}
