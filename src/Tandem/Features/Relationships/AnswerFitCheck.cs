using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public sealed class FitCheckRequest
{
    [Required]
    public FitAnswer? Answer { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }
}

/// <summary>
/// A member answers the early fit check once it is open (see <see cref="FitCheckOpening"/>). A "no" from either side flags the relationship as a poor fit for the coordinators.
/// </summary>
public sealed class AnswerFitCheck(TandemDb db, RelationshipAccess access, GetFitCheck getFitCheck, IMeetingsHeld meetingsHeld, TimeProvider clock)
{
    public async Task<Outcome<MyFitCheckView>> RunAsync(Actor actor, Guid relationshipId, FitCheckRequest request, CancellationToken ct = default)
    {
        var relationship = await access.Readable(actor).Where(r => r.Id == relationshipId).Include(r => r.Members).SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (relationship.Members.All(m => m.UserId != actor.UserId))
        {
            return new Forbidden("Only the members of a relationship answer its fit check.");
        }
        if (!relationship.IsOpen)
        {
            return new Conflict($"The relationship is {relationship.Status}; its fit check is closed.");
        }
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, relationship.ProgramId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var opensOn = relationship.StartsOn.AddDays(settings.FitCheckAfterDays);
        var held = (await meetingsHeld.CountAsync([relationshipId], ct)).GetValueOrDefault(relationshipId);
        if (!FitCheckOpening.IsOpen(opensOn, DateOnly.FromDateTime(now), held))
        {
            return new Conflict($"The fit check opens after your first {FitCheckOpening.AfterMeetings} meetings, or on {opensOn:d MMM yyyy} at the latest.");
        }
        if (await db.Set<FitCheckAnswer>().AnyAsync(a => a.RelationshipId == relationshipId && a.UserId == actor.UserId, ct))
        {
            return new Conflict("You have already answered the fit check.");
        }
        var answer = request.Answer ?? FitAnswer.NotSure;
        // The page's form mapping takes a number ("7") as an answer; stored, it failed every read of the fit check (ADR 112).
        if (!Enum.IsDefined(answer))
        {
            return Invalid.Field(nameof(request.Answer), "Choose yes, not sure or no.");
        }
        // Line breaks as one character, as the form's maxlength counts them; the page posts here without the API's annotations.
        var note = request.Note?.Replace("\r\n", "\n").Trim() is { Length: > 0 } text ? text : null;
        if (note?.Length > 1000)
        {
            return Invalid.Field(nameof(request.Note), "The note is at most 1000 characters.");
        }
        db.Add(new FitCheckAnswer(relationshipId, actor.UserId, answer, note, now));
        if (answer == FitAnswer.No)
        {
            relationship.FlagPoorFit(now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return new Conflict("You have already answered the fit check.");
        }
        return await getFitCheck.RunAsync(actor, relationshipId, ct);
    }
}
