using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Calendar = Ical.Net.Calendar;

namespace Tandem.Features.Meetings;

public enum MeetingChange { Proposed, Accepted, Cancelled }

/// <summary>A person on a meeting's invitation.</summary>
public sealed record MeetingPerson(Guid UserId, string DisplayName, string Email)
{
    /// <summary>Their IANA zone, for the times in what they are sent.</summary>
    public string TimeZoneId { get; init; } = "UTC";
}

/// <summary>
/// iCalendar (RFC 5545) for meetings, written with Ical.Net. Every meeting (each occurrence of a series too) is
/// one VEVENT with a stable UID, times in UTC and a SEQUENCE, so a feed refresh or an e-mailed update replaces
/// the same event in Google Calendar, Outlook or Apple Calendar, and a CANCEL removes it.
/// </summary>
public static class MeetingCalendar
{
    public const string ProductId = "-//Tandem//Meetings//EN";

    public static string Uid(Guid meetingId) => $"meeting-{meetingId}@tandem";

    /// <param name="groupAnswers">For group meetings: each member's own answer (PARTSTAT ACCEPTED / DECLINED, NEEDS-ACTION until they answer).</param>
    /// <param name="cancelled">Meetings to write as cancelled whatever their status (a feed's future meetings of a relationship
    /// that ended), one SEQUENCE above the stored one so that a calendar replaces the event it holds.</param>
    /// <param name="reader">Whose calendar this is: the only attendee written with an e-mail address (ADR 95).</param>
    /// <param name="organiserAddress">Tandem's sender address: the ORGANIZER's address, under the proposer's name, so that a
    /// calendar app's reply goes to Tandem and no member's address is given to another.</param>
    public static string Write(IEnumerable<(Meeting Meeting, IReadOnlyList<MeetingPerson> People)> meetings, string? method, DateTime now, Func<Meeting, string> link,
        Guid reader, string organiserAddress,
        string? calendarName = null, IReadOnlyDictionary<Guid, List<MeetingAnswerView>>? groupAnswers = null, Func<Meeting, bool>? cancelled = null)
    {
        var calendar = new Calendar { ProductId = ProductId };
        if (method is not null)
        {
            calendar.Method = method;
        }
        if (calendarName is not null)
        {
            calendar.AddProperty("X-WR-CALNAME", calendarName);
        }
        foreach (var (meeting, people) in meetings)
        {
            var overridden = cancelled?.Invoke(meeting) == true && meeting.Status is MeetingStatus.Proposed or MeetingStatus.Accepted;
            var evt = Event(meeting, people, method == "CANCEL" || overridden ? MeetingStatus.Cancelled : meeting.Status, now, link(meeting),
                groupAnswers?.GetValueOrDefault(meeting.Id), reader, organiserAddress);
            if (overridden)
            {
                evt.Sequence = meeting.Sequence + 1;
            }
            calendar.Events.Add(evt);
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static CalendarEvent Event(Meeting meeting, IReadOnlyList<MeetingPerson> people, MeetingStatus status, DateTime now, string link,
        List<MeetingAnswerView>? answers, Guid reader, string organiserAddress)
    {
        var organiser = people.FirstOrDefault(p => p.UserId == meeting.ProposedByUserId);
        var where = meeting.Mode == MeetingMode.Online ? meeting.VideoLink : meeting.Place;
        var evt = new CalendarEvent
        {
            Uid = Uid(meeting.Id),
            Start = new CalDateTime(DateTime.SpecifyKind(meeting.StartsAt, DateTimeKind.Utc), "UTC"),
            End = new CalDateTime(DateTime.SpecifyKind(meeting.EndsAt, DateTimeKind.Utc), "UTC"),
            DtStamp = new CalDateTime(DateTime.SpecifyKind(now, DateTimeKind.Utc), "UTC"),
            Summary = meeting.Title ?? "Mentoring meeting: " + string.Join(", ", people.Select(p => p.DisplayName)),
            Location = where,
            Description = (meeting.Mode == MeetingMode.Online ? $"Join: {meeting.VideoLink}\n" : "") + $"In Tandem: {link}",
            Sequence = meeting.Sequence,
            Status = status switch
            {
                MeetingStatus.Accepted => EventStatus.Confirmed,
                MeetingStatus.Proposed => EventStatus.Tentative,
                _ => EventStatus.Cancelled,
            },
            Url = Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri : null,
        };
        // Members do not see each other's addresses anywhere in Tandem (ADR 95): the organiser is Tandem's sender address
        // under the proposer's name, the reader is the one attendee (calendar apps keep only attendees with an address), and
        // the others are named with their answers in the description.
        evt.Organizer = new Organizer("mailto:" + organiserAddress) { CommonName = organiser?.DisplayName ?? "Tandem" };
        string Answer(MeetingPerson person) => person.UserId == meeting.ProposedByUserId ? "ACCEPTED"
            : answers is not null ? answers.FirstOrDefault(a => a.UserId == person.UserId)?.Answer switch
            {
                AttendanceAnswer.Coming => "ACCEPTED",
                AttendanceAnswer.NotComing => "DECLINED",
                _ => "NEEDS-ACTION",
            }
            : status == MeetingStatus.Accepted ? "ACCEPTED" : "NEEDS-ACTION";
        foreach (var person in people.Where(p => p.UserId == reader))
        {
            evt.Attendees.Add(new Attendee(Tandem.Infrastructure.Email.CalendarAddress.MailTo(person.Email)) { CommonName = person.DisplayName, Role = "REQ-PARTICIPANT", ParticipationStatus = Answer(person) });
        }
        var others = people.Where(p => p.UserId != reader).ToList();
        if (others.Count > 0)
        {
            static string Said(string partStat) => partStat switch
            {
                "ACCEPTED" => "coming",
                "DECLINED" => "not coming",
                _ => "not answered yet",
            };
            evt.Description += "\nWith: " + string.Join("; ", others.Select(p => $"{p.DisplayName} ({Said(Answer(p))})"));
        }
        return evt;
    }

    /// <summary>Feed tokens: 32 random bytes, base64url; only the SHA-256 (hex) is stored.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool IsEmail(string value) => MailAddress.TryCreate(value, out _);
}
