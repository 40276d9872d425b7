using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>One meeting as the actor may see it.</summary>
public sealed class GetMeeting(TandemDb db, MeetingAccess access)
{
    public async Task<Outcome<MeetingView>> RunAsync(Actor actor, Guid meetingId, CancellationToken ct = default)
    {
        var meeting = await access.Visible(actor).AsNoTracking().SingleOrDefaultAsync(m => m.Id == meetingId, ct);
        if (meeting is null)
        {
            return new NotFound("No meeting with this id is visible to you.");
        }
        return (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
    }
}
