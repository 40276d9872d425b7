using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// A mentor as a mentee choosing one reads them: best match first, with the reasons from public answers. No score: it
/// counts the private criteria too, so comparing two mentors' scores would tell a mentee a mentor's private answer.
/// </summary>
public sealed record AvailableMentorView(Guid EnrolmentId, string DisplayName, int RemainingCapacity, IReadOnlyList<string> Reasons);

/// <summary>A mentee's ranked list of mentors with room left, with the reasons from the engine's scoring (the order, never the score).</summary>
public sealed class ListAvailableMentors(TandemDb db, ProgramAccess programs, IProgramRetention retention, MentorRanking ranking)
{
    public const int MaxPageSize = 50;

    public async Task<Outcome<Paged<AvailableMentorView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
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
        var paging = PageRequest.Clamp(page, pageSize, MaxPageSize);
        var menteeId = found.Value.Enrolment.Id;
        var ranked = (await ranking.RankAsync(programId, [menteeId], ct))[menteeId];
        var items = ranked.Page(paging)
            .Select(r => new AvailableMentorView(r.EnrolmentId, r.DisplayName, r.RemainingCapacity, r.Reasons)).ToList();
        return paging.Of(items, ranked.Count);
    }
}
