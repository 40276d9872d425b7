using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Training;

/// <summary>
/// The training requirement as matching and relationships read it (ADR 61). A program that requires training before
/// matching holds back, at both stages, everyone who has not completed every module assigned to their role; one that
/// requires it before the relationship starts holds them back only when a relationship starts. A program with neither
/// setting (or no modules) costs one small query.
/// </summary>
internal sealed class TrainingGate(TandemDb db) : ITrainingGate
{
    private static readonly IReadOnlyDictionary<Guid, IReadOnlyList<string>> Nobody = new Dictionary<Guid, IReadOnlyList<string>>();

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<string>>> MissingAsync(Guid programId, TrainingGateStage stage, IReadOnlyCollection<Guid>? enrolmentIds, CancellationToken ct)
    {
        if (!await GatedAsync(db, programId, stage, ct))
        {
            return Nobody;
        }
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == programId)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Title, m.Audience }).ToListAsync(ct);
        if (modules.Count == 0)
        {
            return Nobody;
        }
        ProgramRole[] roles = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];
        var enrolments = db.Enrolments.AsNoTracking().Where(e => e.ProgramId == programId && roles.Contains(e.Role));
        if (enrolmentIds is not null)
        {
            enrolments = enrolments.Where(e => enrolmentIds.Contains(e.Id));
        }
        var people = await enrolments.Select(e => new { e.Id, e.UserId, e.Role }).ToListAsync(ct);
        var completions = db.Set<TrainingCompletion>().AsNoTracking().Where(c => c.ProgramId == programId && c.CompletedAt != null);
        if (enrolmentIds is not null)
        {
            var userIds = people.Select(p => p.UserId).ToList();
            completions = completions.Where(c => userIds.Contains(c.UserId));
        }
        var done = (await completions.Select(c => new { c.UserId, c.ModuleId }).ToListAsync(ct))
            .Select(c => (c.UserId, c.ModuleId)).ToHashSet();
        var missing = new Dictionary<Guid, IReadOnlyList<string>>();
        foreach (var person in people)
        {
            var titles = modules.Where(m => TrainingModule.RolesOf(m.Audience).Contains(person.Role) && !done.Contains((person.UserId, m.Id)))
                .Select(m => m.Title).ToList();
            if (titles.Count > 0)
            {
                missing[person.Id] = titles;
            }
        }
        return missing;
    }

    /// <summary>Whether the program holds back the untrained at this stage.</summary>
    internal static async Task<bool> GatedAsync(TandemDb db, Guid programId, TrainingGateStage stage, CancellationToken ct)
    {
        var settings = await db.Set<TrainingSettings>().AsNoTracking().Where(s => s.ProgramId == programId)
            .Select(s => new { s.RequiredBeforeMatching, s.RequiredBeforeStart }).SingleOrDefaultAsync(ct);
        return settings is not null && (settings.RequiredBeforeMatching || stage == TrainingGateStage.Start && settings.RequiredBeforeStart);
    }
}
