using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// Who builds, sends and reads the results of a survey: the coordinators who manage its program (or, for a survey
/// without a program, its organisation's coordinators) and administrators. Participants never see a survey as
/// such, only their own invitations to answer it.
/// </summary>
public sealed class SurveyAccess(TandemDb db, ProgramAccess programs)
{
    public IQueryable<Survey> Managed(Actor actor)
    {
        if (actor.IsAdministrator)
        {
            return db.Set<Survey>();
        }
        var managedPrograms = db.Programs.Where(programs.Manageable(actor)).Select(p => p.Id);
        var coordinated = db.OrganisationMemberships
            .Where(m => m.UserId == actor.UserId && m.Role == OrganisationRole.Coordinator).Select(m => m.OrganisationId);
        return db.Set<Survey>().Where(s => s.ProgramId != null ? managedPrograms.Contains(s.ProgramId.Value) : coordinated.Contains(s.OrganisationId));
    }

    public async Task<Outcome<Survey>> FindManagedAsync(Actor actor, Guid surveyId, CancellationToken ct) =>
        await Managed(actor).SingleOrDefaultAsync(s => s.Id == surveyId, ct) is { } survey
            ? survey
            : new NotFound("No survey with this id is visible to you.");

    /// <summary>
    /// The reader's own invitations, while they still belong where the survey was asked (enrolled in its program, or a
    /// member of its organisation for a survey without one): someone removed since neither sees nor answers it (404).
    /// </summary>
    public IQueryable<SurveyInvitation> MyInvitations(Actor actor) => Current(db, db.Set<SurveyInvitation>().Where(i => i.UserId == actor.UserId));

    /// <summary>
    /// Of some invitations, those of people who may still be asked: an account that is not disabled (nor erased, which
    /// disables it) and a current enrolment in the survey's program, or membership of its organisation when it has no
    /// program. Inviting, reminding and answering all pass through it.
    /// </summary>
    public static IQueryable<SurveyInvitation> Current(TandemDb db, IQueryable<SurveyInvitation> invitations) => invitations.Where(i =>
        db.Users.Any(u => u.Id == i.UserId && !u.IsDisabled)
        && db.Set<Survey>().Any(s => s.Id == i.SurveyId && (s.ProgramId != null
            ? db.Enrolments.Any(e => e.ProgramId == s.ProgramId && e.UserId == i.UserId)
            : db.OrganisationMemberships.Any(m => m.OrganisationId == s.OrganisationId && m.UserId == i.UserId))));

    /// <summary>Of <paramref name="userIds"/>, those a survey may ask now (as <see cref="Current"/>).</summary>
    public static async Task<HashSet<Guid>> CurrentAmongAsync(TandemDb db, Survey survey, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        var current = survey.ProgramId is { } programId
            ? db.Enrolments.Where(e => e.ProgramId == programId && ids.Contains(e.UserId) && !e.User!.IsDisabled).Select(e => e.UserId)
            : db.OrganisationMemberships.Where(m => m.OrganisationId == survey.OrganisationId && ids.Contains(m.UserId) && !m.User!.IsDisabled).Select(m => m.UserId);
        return (await current.Distinct().ToListAsync(ct)).ToHashSet();
    }

    /// <summary>
    /// How many different people have answered: a pulse asks each person once per meeting held, so one person may give
    /// many of a survey's answers (answered invitations keep who, never which answer, ADR 24).
    /// </summary>
    public Task<int> RespondentsAsync(Guid surveyId, CancellationToken ct) => Respondents(db, surveyId, ct);

    public static Task<int> Respondents(TandemDb db, Guid surveyId, CancellationToken ct) =>
        db.Set<SurveyInvitation>().Where(i => i.SurveyId == surveyId && i.Answered).Select(i => i.UserId).Distinct().CountAsync(ct);

    /// <summary>
    /// The fewest different people that <paramref name="answers"/> of a survey's <paramref name="total"/> answers can come
    /// from when <paramref name="respondents"/> people gave them all: each answer beyond one a person may be a repeat.
    /// </summary>
    public static int FewestPeople(int answers, int total, int respondents) => answers - Math.Max(0, total - respondents);

    public async Task<(int Invited, int Answered)> CountsAsync(Guid surveyId, CancellationToken ct)
    {
        var counts = await db.Set<SurveyInvitation>().Where(i => i.SurveyId == surveyId)
            .GroupBy(i => i.Answered).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return (counts.Sum(c => c.Count), counts.Where(c => c.Key).Sum(c => c.Count));
    }
}
