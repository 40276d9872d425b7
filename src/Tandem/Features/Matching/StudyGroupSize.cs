using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;

namespace Tandem.Features.Matching;

/// <summary>Answers <see cref="IStudyGroupSize"/> from the program's matching setup.</summary>
public sealed class StudyGroupSize(TandemDb db) : IStudyGroupSize
{
    public Task<int?> OfProgramAsync(Guid programId, CancellationToken ct) =>
        db.Set<MatchSetup>().Where(s => s.ProgramId == programId).Select(s => (int?)s.GroupSize).SingleOrDefaultAsync(ct);
}
