namespace Tandem.Infrastructure.Email;

/// <summary>
/// An e-mail address as a calendar's mailto: URI (RFC 6068), for an iCalendar ATTENDEE or ORGANIZER. Ical.Net's string
/// constructors refuse what <see cref="Uri.IsWellFormedUriString"/> refuses, and an address <see cref="EmailAddresses.IsValid"/>
/// accepts may hold characters a URI does not ({ } | ^ ` %): those are percent-encoded, as RFC 6068 asks, so the
/// calendar file is written for everyone (ADR 128). An address that is well formed as it stands is written as it is.
/// </summary>
public static class CalendarAddress
{
    public static Uri MailTo(string address)
    {
        var plain = "mailto:" + address;
        if (Uri.IsWellFormedUriString(plain, UriKind.Absolute) && Uri.TryCreate(plain, UriKind.Absolute, out var uri))
        {
            return uri;
        }
        var at = address.LastIndexOf('@');
        var escaped = at < 0
            ? "mailto:" + Uri.EscapeDataString(address)
            : "mailto:" + Uri.EscapeDataString(address[..at]) + "@" + Uri.EscapeDataString(address[(at + 1)..]);
        return new Uri(escaped, UriKind.Absolute);
    }
}
