using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class RatingInput
{
    [Required]
    public Guid? CriterionId { get; set; }

    [Required, Range(1, 5)]
    public int? Score { get; set; }
}

public sealed class RateRequest
{
    [Required, MinLength(1), MaxLength(50)]
    public List<RatingInput> Ratings { get; set; } = [];
}

/// <summary>A reviewer (coordinator or staff) rates a submitted application 1–5 on the program's criteria; each rating keeps who and when.</summary>
public sealed class RateApplication(TandemDb db, ScreeningAccess access, GetApplicationForReview getForReview, TimeProvider clock)
{
    public async Task<Outcome<ReviewApplicationView>> RunAsync(Actor actor, Guid programId, Guid applicationId, RateRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (!await db.Set<Application>().AnyAsync(a => a.Id == applicationId && a.ProgramId == programId && a.Status != ApplicationStatus.Draft && a.UserId != actor.UserId, ct))
        {
            return new NotFound("No submitted application with this id in this program.");
        }
        var criteria = await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).Select(c => c.Id).ToListAsync(ct);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < request.Ratings.Count; i++)
        {
            var input = request.Ratings[i];
            if (input.CriterionId is not { } id || !criteria.Contains(id))
            {
                errors[$"ratings[{i}].criterionId"] = ["This program has no such review criterion."];
            }
            if (input.Score is not (>= 1 and <= 5))
            {
                errors[$"ratings[{i}].score"] = ["Rate from 1 to 5."];
            }
        }
        if (request.Ratings.GroupBy(r => r.CriterionId).Any(g => g.Count() > 1))
        {
            errors["ratings"] = ["Rate each criterion once."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = await db.Set<Rating>().Where(r => r.ApplicationId == applicationId && r.ReviewerUserId == actor.UserId).ToListAsync(ct);
        foreach (var input in request.Ratings)
        {
            var existing = mine.FirstOrDefault(r => r.CriterionId == input.CriterionId);
            if (existing is null)
            {
                db.Add(new Rating(applicationId, input.CriterionId!.Value, actor.UserId, input.Score!.Value, now));
            }
            else
            {
                existing.Change(input.Score!.Value, now);
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("You rated this application from elsewhere at the same moment; reload and try again.");
        }
        return await getForReview.RunAsync(actor, programId, applicationId, ct);
    }
}
