using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>The program's self-match settings; each one left out stays as it is (the default before any change).</summary>
public sealed class RelationshipSettingsRequest
{
    public bool? SelfMatchEnabled { get; set; }

    [Range(1, 60)]
    public int? RequestTimeoutDays { get; set; }

    [Range(1, 120)]
    public int? FitCheckAfterDays { get; set; }
}

/// <summary>A coordinator turns self-match on or off and sets the request time-out and the fit check delay.</summary>
public sealed class ChangeRelationshipSettings(TandemDb db, ProgramAccess programs, TimeProvider clock)
{
    public async Task<Outcome<RelationshipSettingsView>> RunAsync(Actor actor, Guid programId, RelationshipSettingsRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (request.RequestTimeoutDays is < 1 or > 60)
        {
            return Invalid.Field(nameof(request.RequestTimeoutDays), "A request times out after 1 to 60 days.");
        }
        if (request.FitCheckAfterDays is < 1 or > 120)
        {
            return Invalid.Field(nameof(request.FitCheckAfterDays), "The fit check opens 1 to 120 days after the start.");
        }
        return await db.SaveOverFirstAsync(async () =>
        {
            var settings = await db.Set<ProgramSelfMatchSettings>().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
            if (settings is null)
            {
                settings = new ProgramSelfMatchSettings(programId);
                db.Add(settings);
            }
            settings.Change(request.SelfMatchEnabled ?? settings.SelfMatchEnabled, request.RequestTimeoutDays ?? settings.RequestTimeoutDays,
                request.FitCheckAfterDays ?? settings.FitCheckAfterDays, actor.UserId, clock.GetUtcNow().UtcDateTime);
            return new RelationshipSettingsView(programId, settings.SelfMatchEnabled, settings.RequestTimeoutDays, settings.FitCheckAfterDays);
        }, ct);
    }
}
