using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class AddCriterionRequest
{
    [Required, StringLength(80, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [StringLength(500)]
    public string? Description { get; set; }
}

/// <summary>A coordinator adds a review criterion, e.g. "communication" (at most 20 per program).</summary>
public sealed class AddReviewCriterion(TandemDb db, ScreeningAccess access, TimeProvider clock)
{
    public const int MaxCriteria = 20;

    public async Task<Outcome<CriterionView>> RunAsync(Actor actor, Guid programId, AddCriterionRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var name = request.Name.Trim();
        // A double submit: the program's row lock makes the second request read the criteria after the first's insert, so
        // the name is added once and the 21st is refused (ADR 118).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await Programs.ProgramLock.TakeAsync(db, programId, ct))
        {
            return new NotFound("No such program.");
        }
        var existing = await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).Select(c => new { c.Name, c.Position }).ToListAsync(ct);
        if (existing.Count >= MaxCriteria)
        {
            return new Conflict($"A program has at most {MaxCriteria} review criteria.");
        }
        if (existing.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return new Conflict($"The criterion '{name}' already exists.");
        }
        var criterion = new ReviewCriterion(programId, existing.Count == 0 ? 0 : existing.Max(c => c.Position) + 1, name,
            string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(), clock.GetUtcNow().UtcDateTime);
        db.Add(criterion);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CriterionView(criterion.Id, criterion.Name, criterion.Description, criterion.Position);
    }
}
