using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>
/// A program's public face (anyone, signed in or not): what it is, when, how often people meet, and its upcoming
/// information sessions while it recruits. Not found only when the program does not exist.
/// </summary>
public sealed class GetPublicProgram(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<PublicProgramView>> RunAsync(Guid programId, CancellationToken ct = default)
    {
        var program = await db.Programs.Where(p => p.Id == programId).Include(p => p.Objectives).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        var organisation = await db.Organisations.Where(o => o.Id == program.OrganisationId)
            .Select(o => new { o.Name, o.IncludesMinors }).SingleAsync(ct);
        IReadOnlyList<PublicSessionLine> sessions = [];
        if (program.Status == ProgramStatus.Recruiting)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // Information sessions are events of kind InformationSession (ADR 70).
            var rows = await db.Set<ProgramEvent>()
                .Where(x => x.ProgramId == programId && x.Kind == EventKind.InformationSession && x.CancelledAt == null && x.StartsAt > now)
                .OrderBy(x => x.StartsAt).ThenBy(x => x.Id).Take(MaxSessions)
                .Select(x => new { x.Id, x.Title, x.StartsAt, x.EndsAt, x.TimeZoneId, x.Place, x.VideoLink })
                .ToListAsync(ct);
            sessions = rows.Select(x => new PublicSessionLine(x.Id, x.Title, Local(x.StartsAt, x.TimeZoneId), x.TimeZoneId, (int)Math.Round((x.EndsAt - x.StartsAt).TotalMinutes),
                x.Place, x.VideoLink is not null)).ToList();
        }
        return new PublicProgramView(program.Id, program.Name, organisation.Name, program.Description, program.TargetAudience, program.Guidelines,
            program.Objectives.OrderBy(o => o.Position).Select(o => new ObjectiveLine(o.Description, o.Target)).ToList(),
            program.Status, ScreeningAccess.ApplicableRoles(program.Pairing), organisation.IncludesMinors)
        {
            StartsOn = program.StartsOn,
            EndsOn = program.EndsOn,
            Cadence = program.Cadence,
            MeetingFormats = program.MeetingFormats.ToList(),
            UpcomingSessions = sessions,
        };
    }

    /// <summary>Sessions listed on the public page; the rest are on the program's sessions page.</summary>
    public const int MaxSessions = 5;

    private static DateTime Local(DateTime utc, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), tz) : utc;
}
