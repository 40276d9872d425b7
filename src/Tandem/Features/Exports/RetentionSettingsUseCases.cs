using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>How long an organisation keeps its closed programs' personal data, for the API and the retention page.</summary>
public sealed record RetentionView(Guid OrganisationId, string OrganisationName, int ClosedProgramMonths, bool IsDefault);

public sealed record RetentionRequest(int? ClosedProgramMonths);

/// <summary>One program whose data the retention job anonymised, and how many rows of each kind.</summary>
public sealed record RetentionRunView(Guid ProgramId, string ProgramName, DateTime ClosedAt, int KeptMonths, DateTime AnonymisedAt, IReadOnlyDictionary<string, int> Rows);

/// <summary>Reads an organisation's retention setting (its coordinators and administrators; others 403, outsiders 404).</summary>
public sealed class GetRetention(TandemDb db)
{
    public async Task<Outcome<RetentionView>> RunAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        if (await RetentionAccess.CheckAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var found = await db.Organisations.Where(o => o.Id == organisationId)
            .Select(o => new { o.Name, Months = db.Set<RetentionSettings>().Where(s => s.OrganisationId == o.Id).Select(s => (int?)s.ClosedProgramMonths).FirstOrDefault() })
            .SingleAsync(ct);
        return new RetentionView(organisationId, found.Name, found.Months ?? RetentionSettings.DefaultMonths, found.Months is null);
    }
}

/// <summary>Sets how many months (1 to 120) an organisation keeps its closed programs' personal data.</summary>
public sealed class ChangeRetention(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<RetentionView>> RunAsync(Actor actor, Guid organisationId, RetentionRequest request, CancellationToken ct = default)
    {
        if (await RetentionAccess.CheckAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        if (request.ClosedProgramMonths is not { } value || value < RetentionSettings.MinMonths || value > RetentionSettings.MaxMonths)
        {
            return Invalid.Field("closedProgramMonths",
                $"Give a whole number of months from {RetentionSettings.MinMonths} to {RetentionSettings.MaxMonths} (ten years); the default is {RetentionSettings.DefaultMonths}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await db.SaveOverFirstAsync(async () =>
        {
            var settings = await db.Set<RetentionSettings>().SingleOrDefaultAsync(s => s.OrganisationId == organisationId, ct);
            if (settings is null)
            {
                db.Add(new RetentionSettings(organisationId, value, actor.UserId, now));
            }
            else
            {
                settings.Change(value, actor.UserId, now);
            }
            return value;
        }, ct);
        var name = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).SingleAsync(ct);
        return new RetentionView(organisationId, name, value, IsDefault: false);
    }
}

/// <summary>What the retention job did in an organisation, newest first (its coordinators and administrators).</summary>
public sealed class ListRetentionRuns(TandemDb db)
{
    public async Task<Outcome<Paged<RetentionRunView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await RetentionAccess.CheckAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var runs = db.Set<RetentionRun>().AsNoTracking().Where(r => r.OrganisationId == organisationId);
        var total = await runs.CountAsync(ct);
        var items = await runs.OrderByDescending(r => r.At).ThenBy(r => r.Id).Page(paging)
            .Select(r => new { r.ProgramId, r.ProgramName, r.ClosedAt, r.KeptMonths, r.At, r.RowsJson }).ToListAsync(ct);
        return paging.Of(items.Select(r => new RetentionRunView(r.ProgramId, r.ProgramName, r.ClosedAt, r.KeptMonths, r.At,
            JsonSerializer.Deserialize<Dictionary<string, int>>(r.RowsJson) ?? [])).ToList(), total);
    }
}

internal static class RetentionAccess
{
    /// <summary>The organisation's coordinators and administrators; its other members 403, everyone else 404.</summary>
    public static async Task<Failure?> CheckAsync(TandemDb db, Actor actor, Guid organisationId, CancellationToken ct) =>
        await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) switch
        {
            Forbidden => new Forbidden("Only the organisation's coordinators see and set how long its data is kept."),
            var other => other,
        };
}
