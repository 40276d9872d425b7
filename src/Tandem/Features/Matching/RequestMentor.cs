using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

public sealed class MentorRequestBody
{
    [Required]
    public Guid? MentorEnrolmentId { get; set; }

    /// <summary>The longest message (the column's length), counted after line breaks become one character each.</summary>
    public const int MaxMessage = 2000;

    // RequestMentor checks the length, after CRLF becomes LF as a browser's maxlength counts it, so the page (which skips
    // the API's validation) is held to it too: a longer message from the page failed on PostgreSQL's varchar(2000) (500).
    [Required]
    public string Message { get; set; } = "";
}

/// <summary>A mentee asks one available mentor, with a message; one pending request at a time.</summary>
public sealed class RequestMentor(TandemDb db, ProgramAccess programs, IProgramRetention retention, MentorRanking ranking, MentorRequestViews requests, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid programId, MentorRequestBody body, CancellationToken ct = default)
    {
        var found = await SelfMatchMentee.FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // A closed program's pairs are completed by retention (ADR 109): nobody browses or asks for a mentor there (ADR 111).
        if (await MatchingAccess.RefusalAsync(db, retention, programId, ct) is { } closed)
        {
            return closed;
        }
        var (enrolment, settings) = found.Value;
        var message = body.Message.Replace("\r\n", "\n").Replace('\r', '\n').Trim();
        if (message.Length == 0)
        {
            return Invalid.Field(nameof(body.Message), "Write a short message to the mentor.");
        }
        if (message.Length > MentorRequestBody.MaxMessage)
        {
            return Invalid.Field(nameof(body.Message), $"The message is at most {MentorRequestBody.MaxMessage} characters.");
        }
        if (await db.Set<MentorRequest>().AnyAsync(r => r.MenteeEnrolmentId == enrolment.Id && r.Status == MentorRequestStatus.Pending, ct))
        {
            return new Conflict("You already have a request waiting for an answer; withdraw it first.");
        }
        var ranked = (await ranking.RankAsync(programId, [enrolment.Id], ct))[enrolment.Id];
        if (ranked.FirstOrDefault(r => r.EnrolmentId == body.MentorEnrolmentId) is not { } mentor)
        {
            return new Conflict("This mentor is not available to you (no capacity left, or not a mentor of this program).");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var request = new MentorRequest(programId, enrolment.Id, actor.UserId, mentor.EnrolmentId, mentor.UserId, message,
            mentor.Explanation, (int)Math.Clamp(mentor.Score, 0, 100), now, now.AddDays(settings.RequestTimeoutDays));
        db.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return new Conflict("You already have a request waiting for an answer; withdraw it first.");
        }
        var menteeName = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        // The ranking offers only mentors the program may contact; the gate is asked again for a consent changed meanwhile (ADR 48).
        // The mentee's words stay on the request, where withdrawal, erasure and retention reach them, not in the notice or its e-mail (ADR 105).
        await notify.ToProgramAsync(request.ProgramId, [new NotificationMessage(mentor.UserId, NotificationKind.Matches, "A mentee asks you to be their mentor",
            $"{menteeName} would like you as their mentor. Open your relationships in Tandem to read their message, and accept or decline by {request.ExpiresAt:d MMM yyyy}.", "/my/relationships")], ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == request.Id), ct)).Single();
    }
}
