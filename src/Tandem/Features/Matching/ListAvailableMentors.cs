using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

public sealed record AvailableMentorView(Guid EnrolmentId, string DisplayName, int RemainingCapacity, long Score, IReadOnlyList<string> Reasons);

/// <summary>A mentee's ranked list of mentors with room left, with the reasons from the engine's scoring.</summary>
public sealed class ListAvailableMentors(TandemDb db, ProgramAccess programs, MentorRanking ranking)
{
    public const int MaxPageSize = 50;

    public async Task<Outcome<Paged<AvailableMentorView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await SelfMatchMentee.FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize, MaxPageSize);
        var menteeId = found.Value.Enrolment.Id;
        var ranked = (await ranking.RankAsync(programId, [menteeId], ct))[menteeId];
        var items = ranked.Page(paging)
            .Select(r => new AvailableMentorView(r.EnrolmentId, r.DisplayName, r.RemainingCapacity, r.Score, r.Reasons)).ToList();
        return paging.Of(items, ranked.Count);
    }
}
