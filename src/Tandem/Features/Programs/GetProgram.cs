using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>One program as the actor may see it, with what they may do to it (no reopening once retention anonymised it, ADR 128).</summary>
public sealed class GetProgram(TandemDb db, ProgramAccess access, KeptFigures figures, IServiceProvider services, IProgramRetention retention,
    IOptions<ProgramOptions> options, TimeProvider clock)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        // A few small queries rather than one with nested grouping, which SQLite cannot translate.
        var program = await access.Visible(actor).Where(p => p.Id == programId)
            .Include(p => p.Objectives).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var organisationName = await db.Organisations.Where(o => o.Id == program.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var enrolments = db.Enrolments.Where(e => e.ProgramId == programId);
        // People per role: a whole-program count (100,000 enrolments in a district) under every coordinator page that
        // shows the program, kept for a short while (KeptFigures, ADR 60).
        var counts = await figures.GetAsync("roles", programId, "", services,
            (scope, c) => scope.GetRequiredService<GetProgram>().RoleCountsAsync(programId, c), ct);
        var myRoles = await enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToListAsync(ct);
        var canManage = await access.Visible(actor).Where(p => p.Id == programId).AnyAsync(access.Manageable(actor), ct);
        var p = program;
        // A closed program's steps are its reopening, which retention rules out for good.
        var reopenable = canManage && p.Status == ProgramStatus.Closed && await retention.AnonymisedAtAsync(programId, ct) is null;
        IReadOnlyList<ProgramStatus> steps = canManage && (p.Status != ProgramStatus.Closed || reopenable)
            ? p.NextSteps(clock.GetUtcNow().UtcDateTime, options.Value.ReopenGrace) : [];
        return new ProgramDetails(
            p.Id, p.OrganisationId, organisationName, p.Name, p.Description, p.TargetAudience, p.Pairing,
            p.Guidelines, p.MeetingFormats.ToList(), p.Cadence, p.StartsOn, p.EndsOn, p.Status,
            steps,
            // How an objective is measured is for the people who manage the program; participants read the targets.
            p.Objectives.OrderBy(o => o.Position).Select(o => canManage
                ? new ObjectiveView(o.Description, o.Target, o.Measure, o.Threshold, o.AtMost, o.SurveyId, o.QuestionId, o.OutcomeMeasure)
                : new ObjectiveView(o.Description, o.Target)).ToList(),
            counts.ToDictionary(c => c.Role, c => c.Count),
            myRoles, canManage, p.CreatedAt, p.UpdatedAt)
        {
            ClosedAt = p.ClosedAt,
            ReopenableUntil = reopenable ? p.ReopenableUntil(options.Value.ReopenGrace) : null,
        };
    }

    private sealed record RoleCount(ProgramRole Role, int Count);

    /// <summary>The program's people per role (a whole-program count, kept).</summary>
    private Task<List<RoleCount>> RoleCountsAsync(Guid programId, CancellationToken ct) =>
        db.Enrolments.Where(e => e.ProgramId == programId).GroupBy(e => e.Role).Select(g => new RoleCount(g.Key, g.Count())).ToListAsync(ct);
}
