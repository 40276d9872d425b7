using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// A participant of a program reports a concern about their relationship or the program. It goes to the handlers
/// (ConcernAccess), who are told at once. The person it names, if any, is someone of the program (enrolled, or a
/// coordinator of its organisation), and is due for acknowledgement two working days later (ADR 23).
/// </summary>
public sealed class ReportConcern(TandemDb db, ProgramAccess programs, IProgramRetention retention, ConcernNotices notices, TimeProvider clock)
{
    public async Task<Outcome<MyConcernView>> RunAsync(Actor actor, Guid programId, ReportConcernRequest request, CancellationToken ct = default)
    {
        var program = await programs.Visible(actor).Where(p => p.Id == programId)
            .Select(p => new { p.Id, p.Name, p.OrganisationId, Enrolled = p.Enrolments.Any(e => e.UserId == actor.UserId) })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        if (!program.Enrolled)
        {
            return new Forbidden("Only the program's participants report concerns about it.");
        }
        // Retention anonymised the program's concerns once; a description written afterwards would be kept for good (ADR 108).
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(ConcernText.RetainedReport);
        }
        // A form's select is bound with Enum.TryParse, which takes any number ("99"): an undefined category stored would
        // fail every later read of the concern (ADR 116).
        if (request.Category is not { } category || !Enum.IsDefined(category))
        {
            return Invalid.Field("category", "Choose what kind of concern it is: a conflict, a no-show, safeguarding or something else.");
        }
        if (request.RelationshipId is { } relationshipId
            && !await db.Set<RelationshipMember>().AnyAsync(m => m.RelationshipId == relationshipId && m.UserId == actor.UserId
                && db.Set<Relationship>().Any(r => r.Id == relationshipId && r.ProgramId == programId), ct))
        {
            return Invalid.Field("relationshipId", "This is not one of your relationships in this program.");
        }
        if (request.SubjectUserId is { } subject)
        {
            if (subject == actor.UserId)
            {
                return Invalid.Field("subjectUserId", "A concern is about someone else (or leave the person out).");
            }
            if (!await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == subject, ct)
                && !await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == program.OrganisationId && m.UserId == subject && m.Role == OrganisationRole.Coordinator, ct))
            {
                return Invalid.Field("subjectUserId", "This person is not in the program.");
            }
        }
        var description = Concern.Typed(request.Description);
        if (description.Length < 10)
        {
            return Invalid.Field("description", "Say in a sentence or two what happened (at least 10 characters).");
        }
        if (description.Length > Concern.DescriptionMax)
        {
            return Invalid.Field("description", $"Keep it under {Concern.DescriptionMax} characters.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var concern = new Concern(programId, program.OrganisationId, actor.UserId, request.SubjectUserId, request.RelationshipId,
            category, description, now, WorkingDays.Add(now, 2));
        db.Add(concern);
        await db.SaveChangesAsync(ct);
        await notices.ReceivedAsync(concern, ct);
        return new MyConcernView(concern.Id, programId, program.Name, concern.Category, concern.State, concern.ReportedAt,
            [new MyConcernStep(ConcernState.Received, concern.ReportedAt)]);
    }
}
