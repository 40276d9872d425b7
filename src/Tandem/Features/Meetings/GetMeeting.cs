using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>One meeting as the actor may see it; a reader who is not a member is logged for the minor members (ADR 90).</summary>
public sealed class GetMeeting(TandemDb db, MeetingAccess access, Privacy.AuditLog audit)
{
    public async Task<Outcome<MeetingView>> RunAsync(Actor actor, Guid meetingId, CancellationToken ct = default)
    {
        var meeting = await access.Visible(actor).AsNoTracking().SingleOrDefaultAsync(m => m.Id == meetingId, ct);
        if (meeting is null)
        {
            return new NotFound("No meeting with this id is visible to you.");
        }
        var view = (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
        await MeetingViews.LogReadAsync(db, audit, actor, meeting.RelationshipId, meeting.ProgramId, [view], ct);
        return view;
    }
}
