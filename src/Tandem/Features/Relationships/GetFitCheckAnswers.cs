using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public sealed record FitCheckAnswerView(Guid UserId, string DisplayName, FitAnswer Answer, string? Note, DateTime AnsweredAt);

/// <summary>Every member's answer to the fit check of one relationship, for its coordinators (members never read each other's).</summary>
public sealed record FitCheckView(Guid RelationshipId, DateOnly OpensOn, bool IsOpen, bool PoorFit, IReadOnlyList<FitCheckAnswerView> Answers);

/// <summary>Every member's fit-check answer and the poor-fit flag, for the program's coordinators and administrators.</summary>
public sealed class GetFitCheckAnswers(TandemDb db, RelationshipAccess access, IMeetingsHeld meetingsHeld, Privacy.AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome<FitCheckView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var found = await access.FindManageableAsync(actor, relationshipId, ct,
            forbidden: "Only the program's coordinators read the members' fit-check answers.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        var (opensOn, isOpen) = await FitCheckWindow.ReadAsync(db, meetingsHeld, relationshipId, relationship.ProgramId, relationship.StartsOn, relationship.Status,
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        var answers = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == relationshipId)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new FitCheckAnswerView(a.UserId, u.DisplayName, a.Answer, a.Note, a.AnsweredAt))
            .ToListAsync(ct);
        // A minor's answer and note are part of their record, and so is an adult's answer about the minor they mentor ("No:
        // Sam seems withdrawn"): the read is logged for every member (the audit log keeps the minors) and any author no
        // longer a member, before they are shown (ADR 40), as reading the pair's check-ins is.
        await audit.RecordAsync(actor, relationship.Members.Select(m => m.UserId).Concat(answers.Select(a => a.UserId)).Distinct().ToList(),
            Privacy.AuditRecord.Relationship, relationshipId, relationship.ProgramId, "Reading the fit-check answers", ct);
        return new FitCheckView(relationshipId, opensOn, isOpen, relationship.PoorFitFlaggedAt is not null, answers.OrderBy(a => a.AnsweredAt).ToList());
    }
}
