using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Home;

/// <summary>
/// A participant's home (issue 10): the people they are matched with, the next meeting with its link, what is
/// waiting on them (a mentor request, a meeting to answer, a check-in, the fit check, a survey, an application)
/// and their programs' guidelines. It reads the other features' own views where they exist (relationships, mentor
/// requests, surveys) and a few grouped queries for meetings and check-ins; nothing here is another person's data
/// beyond a partner's name.
/// </summary>
public sealed class GetMyHome(
    TandemDb db, ListMyRelationships relationships, ListMyMentorRequests mentorRequests, ListMySurveys surveys,
    SuggestTimes suggestTimes, TimeProvider clock)
{
    /// <summary>Held meetings older than this no longer ask for a check-in on the home page.</summary>
    public const int CheckInWindowDays = 30;

    private const int Shown = 20;

    public async Task<MyHome> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // The reader's name and zone, and whether they manage a program (the home links to the coordinators' pages): one
        // compiled query (an administrator manages every program whatever it says).
        var me = await ProgramAccess.UserAndManagesQuery(db, actor.UserId, ct)
            ?? throw new InvalidOperationException("The signed-in user's account is gone.");

        var open = (await relationships.RunAsync(actor, new RelationshipListQuery(1, Shown), ct)).Value!.Items
            .Where(r => r.Status is RelationshipStatus.Active or RelationshipStatus.Paused).ToList();
        var openIds = open.Select(r => r.Id).ToList();

        // The meetings the home shows, one query per open relationship (most people have one): the accepted ones ahead
        // and of the last CheckInWindowDays, and the proposals ahead the reader did not make, each with whether the
        // reader answered it and whether they checked in about it. The reader's own proposals are read only for a
        // relationship with no accepted meeting ahead, and only the first: it may be that relationship's next meeting.
        var since = now.AddDays(-CheckInWindowDays);
        var meetings = new List<Planned>();
        foreach (var id in openIds)
        {
            var shown = await Meetings(db, id, since, now, actor.UserId).ToListAsync(ct);
            if (!shown.Any(m => m.StartsAt > now && m.Status == MeetingStatus.Accepted)
                && await FirstOwnProposal(db, id, now, actor.UserId, ct) is { } own)
            {
                shown.Add(own);
            }
            meetings.AddRange(shown);
        }
        meetings = meetings.OrderBy(m => m.StartsAt).ThenBy(m => m.Id).ToList();
        var planned = meetings.Where(m => m.StartsAt > now).ToList();
        // A relationship with a meeting ahead has been planned; only the others are asked whether they ever had one.
        var unplanned = open.Where(r => r.Status == RelationshipStatus.Active && planned.All(m => m.RelationshipId != r.Id)).Select(r => r.Id).ToList();
        // A meeting in the last weeks answers that too; the database is asked only about the rest.
        var unknown = unplanned.Where(id => meetings.All(m => m.RelationshipId != id)).ToList();
        var everPlanned = unknown.Count == 0 ? [] : await db.Set<Meeting>().Where(m => unknown.Contains(m.RelationshipId))
            .Select(m => m.RelationshipId).Distinct().ToListAsync(ct);
        everPlanned.AddRange(unplanned.Except(unknown));

        // The video link is for a meeting that will happen; a proposal shows it once accepted.
        HomeMeeting View(Planned m, MyRelationshipView r) => new(m.Id, m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place,
            m.Status == MeetingStatus.Accepted ? m.VideoLink : null, m.Status,
            r.Members.Where(p => p.UserId != actor.UserId).Select(p => p.DisplayName).ToList());

        var home = new List<HomeRelationship>();
        foreach (var r in open)
        {
            var next = planned.FirstOrDefault(m => m.RelationshipId == r.Id && m.Status == MeetingStatus.Accepted)
                ?? planned.FirstOrDefault(m => m.RelationshipId == r.Id);
            DateTime? suggested = null;
            if (unplanned.Contains(r.Id) && !everPlanned.Contains(r.Id)
                && (await suggestTimes.RunAsync(actor, r.Id, ct)).Value is { Times.Count: > 0 } times)
            {
                suggested = times.Times[0].StartsAt;
            }
            home.Add(new HomeRelationship(r.Id, r.ProgramId, r.ProgramName, r.Status,
                r.Members.Where(p => p.UserId != actor.UserId).Select(p => new HomePartner(p.UserId, p.DisplayName, Initials(p.DisplayName), p.Role)).ToList(),
                next is null ? null : View(next, r), suggested));
        }
        var nextMeeting = home.Where(r => r.NextMeeting is { Status: MeetingStatus.Accepted }).Select(r => r.NextMeeting!)
            .OrderBy(m => m.StartsAt).FirstOrDefault();

        var waiting = new List<WaitingItem>();
        var enrolled = await Enrolled(db, actor.UserId).ToListAsync(ct);
        // Requests to mentor reach mentors only: someone enrolled in no program as a mentor is not asked (all their
        // programs are on this page unless there are more than it shows).
        if (enrolled.Count >= Shown || enrolled.Any(p => p.Role == ProgramRole.Mentor))
        {
            var requests = await mentorRequests.RunAsync(actor, 1, Shown, pendingOnly: true, ct);
            waiting.AddRange(requests.Items.Where(q => q.IAmTheMentor)
                .Select(q => new WaitingItem(WaitingKind.MentorRequest, $"{q.MenteeName} asks you to be their mentor.", "/my/relationships")));
        }

        foreach (var m in planned.Where(m => m.Status == MeetingStatus.Proposed && m.ProposedByUserId != actor.UserId && !m.AnsweredByMe))
        {
            var r = open.Single(x => x.Id == m.RelationshipId);
            var who = string.Join(", ", r.Members.Where(p => p.UserId == m.ProposedByUserId).Select(p => p.DisplayName));
            waiting.Add(new WaitingItem(WaitingKind.AnswerMeeting,
                $"Answer {(who.Length > 0 ? who + "'s" : "a")} meeting proposal for {HomeText.When(m.StartsAt, me.TimeZoneId)}.",
                $"/relationships/{m.RelationshipId}/meetings"));
        }

        foreach (var m in meetings.Where(m => m.StartsAt <= now && !m.CheckedInByMe && m.StartsAt.AddMinutes(m.DurationMinutes) <= now))
        {
            waiting.Add(new WaitingItem(WaitingKind.CheckIn,
                $"Check in about your meeting on {HomeText.When(m.StartsAt, me.TimeZoneId)}: did it happen, and how did it go?",
                $"/relationships/{m.RelationshipId}/check-ins"));
        }

        foreach (var r in open.Where(r => r.FitCheckOpen && r.MyFitAnswer is null))
        {
            var partners = string.Join(", ", r.Members.Where(p => p.UserId != actor.UserId).Select(p => p.DisplayName));
            waiting.Add(new WaitingItem(WaitingKind.FitCheck, $"Tell your coordinators privately how your match with {partners} is going.", "/my/relationships"));
        }

        if ((await surveys.RunAsync(actor, 1, Shown, ct)).Value is { } mySurveys)
        {
            waiting.AddRange(mySurveys.Items.Where(s => s.CanAnswer && !s.Answered)
                .Select(s => new WaitingItem(WaitingKind.Survey,
                    $"Answer the survey “{s.Title}”{(s.ClosesOn is { } closes ? $" by {closes:d MMM yyyy}" : "")}.", $"/my/surveys/{s.Id}")));
        }

        var applications = await Applications(db, actor.UserId).ToListAsync(ct);
        foreach (var a in applications.Where(a => a.Status == ApplicationStatus.Draft && a.ProgramStatus == ProgramStatus.Recruiting))
        {
            waiting.Add(new WaitingItem(WaitingKind.Application,
                $"Finish and send your application to {a.Name} as a {a.Role.ToString().ToLowerInvariant()}.", $"/apply/{a.ProgramId}/{a.Role}"));
        }


        return new MyHome(me.DisplayName, me.TimeZoneId, home, nextMeeting, waiting,
            applications.Select(a => new HomeApplication(a.Id, a.ProgramId, a.Name, a.Role, a.Status,
                a.Status is ApplicationStatus.Approved or ApplicationStatus.Waitlisted or ApplicationStatus.Declined ? a.DecisionMessage : null)).ToList(),
            enrolled.Where(p => p.Role is not (ProgramRole.Coordinator or ProgramRole.Staff) && p.Status != ProgramStatus.Closed)
                .Select(p => new HomeProgram(p.Id, p.Name, p.Role, p.Status, p.Guidelines)).ToList(),
            actor.IsAdministrator || me.Manages);
    }

    // The home's queries are compiled once (issue 17, ADR 67): it is the page participants open most, and building and
    // looking up these expression trees on every visit cost about as much CPU as SQLite's running them.

    /// <summary>
    /// The meetings the home shows of one relationship, earliest first, each with whether the reader answered it and
    /// whether they checked in about it: the accepted ones from <c>since</c> on and the proposals ahead that others made.
    /// One range on (RelationshipId, StartsAt), by equality: written as "ahead, or accepted and recent", SQLite read every
    /// meeting of the installation twice (a multi-index OR), 18 ms on a school of 5,000; with a list of relationships
    /// (<c>= ANY</c>), PostgreSQL planned it again on every execution; with the reader's own proposals in it, a member who
    /// had proposed three hundred meetings made every visit to their home read all of them (issue 17).
    /// </summary>
    private static readonly Func<TandemDb, Guid, DateTime, DateTime, Guid, IAsyncEnumerable<Planned>> Meetings =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, DateTime since, DateTime now, Guid userId) => db.Set<Meeting>()
            .Where(m => m.RelationshipId == relationshipId && m.StartsAt >= since
                && (m.Status == MeetingStatus.Accepted || (m.Status == MeetingStatus.Proposed && m.StartsAt > now && m.ProposedByUserId != userId)))
            .OrderBy(m => m.StartsAt).ThenBy(m => m.Id)
            .Take(400)
            .Select(m => new Planned(m.Id, m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place, m.VideoLink, m.Status, m.ProposedByUserId,
                db.Set<MeetingAnswer>().Any(a => a.MeetingId == m.Id && a.UserId == userId && a.Sequence == m.Sequence),
                db.Set<CheckIn>().Any(c => c.MeetingId == m.Id && c.AuthorUserId == userId))));

    /// <summary>The reader's first proposal ahead in one relationship (they neither answer it nor check in about it before it).</summary>
    private static readonly Func<TandemDb, Guid, DateTime, Guid, CancellationToken, Task<Planned?>> FirstOwnProposal =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, DateTime now, Guid userId, CancellationToken ct) => db.Set<Meeting>()
            .Where(m => m.RelationshipId == relationshipId && m.StartsAt > now && m.Status == MeetingStatus.Proposed && m.ProposedByUserId == userId)
            .OrderBy(m => m.StartsAt).ThenBy(m => m.Id)
            .Select(m => new Planned(m.Id, m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place, m.VideoLink, m.Status, m.ProposedByUserId,
                false, false))
            .FirstOrDefault());

    private sealed record EnrolledIn(Guid Id, string Name, ProgramRole Role, ProgramStatus Status, string Guidelines);

    private static readonly Func<TandemDb, Guid, IAsyncEnumerable<EnrolledIn>> Enrolled =
        EF.CompileAsyncQuery((TandemDb db, Guid userId) => db.Enrolments.Where(e => e.UserId == userId)
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { p.Id, p.Name, e.Role, p.Status, p.Guidelines })
            .OrderBy(p => p.Name).ThenBy(p => p.Id).Take(Shown)
            .Select(p => new EnrolledIn(p.Id, p.Name, p.Role, p.Status, p.Guidelines)));

    private sealed record MyApplication(Guid Id, Guid ProgramId, ProgramRole Role, ApplicationStatus Status, string? DecisionMessage, string Name, ProgramStatus ProgramStatus);

    private static readonly Func<TandemDb, Guid, IAsyncEnumerable<MyApplication>> Applications =
        EF.CompileAsyncQuery((TandemDb db, Guid userId) => db.Set<Application>().Where(a => a.UserId == userId)
            .OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id).Take(Shown)
            .Join(db.Programs, a => a.ProgramId, p => p.Id,
                (a, p) => new MyApplication(a.Id, a.ProgramId, a.Role, a.Status, a.DecisionMessage, p.Name, p.Status)));

    private sealed record Planned(Guid Id, Guid RelationshipId, string? Title, DateTime StartsAt, int DurationMinutes, MeetingMode Mode,
        string? Place, string? VideoLink, MeetingStatus Status, Guid ProposedByUserId, bool AnsweredByMe, bool CheckedInByMe);

    /// <summary>
    /// "Ada Lovelace" → "AL"; one name → its first letter. A letter is a whole text element (an emoji, a letter outside the
    /// first plane, a letter with its accent): half a surrogate pair is no character at all.
    /// </summary>
    public static string Initials(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        static string First(string part) => part[..System.Globalization.StringInfo.GetNextTextElementLength(part)];
        return parts.Length switch
        {
            0 => "?",
            1 => First(parts[0]).ToUpperInvariant(),
            _ => string.Concat(First(parts[0]), First(parts[^1])).ToUpperInvariant(),
        };
    }
}
