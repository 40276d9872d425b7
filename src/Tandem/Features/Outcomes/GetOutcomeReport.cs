using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Outcomes;

/// <summary>
/// A program's outcome report for its coordinators (and administrators): the stored observations analysed by
/// <see cref="AnalyseOutcomes"/>, so the page, the API, the PDF program report and `tandem evaluate` on the same
/// file give the same figures, except that a group of fewer than five people shows only its size here
/// (<see cref="OutcomeDisclosure"/>). <see cref="OutcomeReport.Analysis"/> is null when nothing is imported.
/// </summary>
public sealed class GetOutcomeReport(TandemDb db, ProgramAccess access, AnalyseOutcomes analyse)
{
    public const string OnlyCoordinators = "Only the program's coordinators see and import its outcome data.";

    public async Task<Outcome<OutcomeReport>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return await ReportAsync(programId, ct);
    }

    /// <summary>
    /// The report of a program whose access the caller has already checked (the program page's objective
    /// measures, which only its managers see): one read of the stored set, analysed.
    /// </summary>
    public async Task<OutcomeReport> ReportAsync(Guid programId, CancellationToken ct = default)
    {
        var rows = await db.Set<OutcomeObservationRow>().AsNoTracking()
            .Where(r => r.ProgramId == programId)
            .OrderBy(r => r.Position)
            .Select(r => new { Observation = new OutcomeObservation(r.Person, r.Group, r.Measure, r.Pre, r.Post), r.ImportedAt })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return new OutcomeReport(programId, null, 0, null);
        }
        var analysis = OutcomeDisclosure.ForReaders(await analyse.RunAsync(rows.Select(r => r.Observation), ct));
        return new OutcomeReport(programId, rows[0].ImportedAt, rows.Count, analysis);
    }
}
