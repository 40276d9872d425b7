using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Relationships;

/// <summary>How a self-match request reads, for the person asking and the mentor asked.</summary>
public sealed class MentorRequestViews(TandemDb db)
{
    internal async Task<List<MentorRequestView>> ViewsAsync(Actor actor, IQueryable<MentorRequest> requests, CancellationToken ct) =>
        await requests.Select(r => new MentorRequestView(
            r.Id, r.ProgramId, db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
            r.MenteeEnrolmentId, db.Users.Where(u => u.Id == r.MenteeUserId).Select(u => u.DisplayName).First(),
            r.MentorEnrolmentId, db.Users.Where(u => u.Id == r.MentorUserId).Select(u => u.DisplayName).First(),
            r.Message, r.MatchExplanation, r.Status, r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.DecisionNote, r.RelationshipId,
            r.MentorUserId == actor.UserId)).ToListAsync(ct);
}
