using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// An organisation's coordinator builds a survey that needs no program, typically the needs assessment a school
/// sends before designing one (the default template), to a roster of its members (or all of them). The people on
/// the roster are recorded now and asked when it is sent; until then nobody sees it.
/// </summary>
public sealed class CreateOrganisationSurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid organisationId, SaveSurveyRequest request, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var template = SurveyTemplates.Find(request.Template ?? SurveyKind.NeedsAssessment);
        if (template is null)
        {
            return Invalid.Field("template", "There is no template of this kind.");
        }
        request.Roster ??= [];
        var design = SurveyDesignRules.Check(request, template, clock);
        if (design.Failure is { } invalid)
        {
            return invalid;
        }
        var members = db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && !m.User!.IsDisabled);
        var emails = request.Roster.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim().ToUpperInvariant()).Distinct().ToList();
        List<Guid> people;
        if (emails.Count == 0)
        {
            people = await members.Where(m => m.Role == OrganisationRole.Member).Select(m => m.UserId).ToListAsync(ct);
        }
        else
        {
            var found = await members.Where(m => emails.Contains(m.User!.NormalizedEmail!))
                .Select(m => new { m.UserId, m.User!.NormalizedEmail }).ToListAsync(ct);
            var unknown = emails.Except(found.Select(f => f.NormalizedEmail!)).ToList();
            if (unknown.Count > 0)
            {
                return Invalid.Field("roster", $"{unknown.Count} of these addresses are not members of the organisation: {string.Join(", ", unknown.Take(5).Select(e => e.ToLowerInvariant()))}{(unknown.Count > 5 ? ", …" : "")}.");
            }
            people = found.Select(f => f.UserId).Distinct().ToList();
        }
        if (people.Count == 0)
        {
            return Invalid.Field("roster", "Nobody to ask: the organisation has no members yet.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var survey = new Survey(organisationId, null, template.Kind, actor.UserId, now);
        survey.Design(design.Value!, now);
        db.Add(survey);
        db.Set<SurveyInvitation>().AddRange(people.Select(p => new SurveyInvitation(survey.Id, p, null, Guid.Empty, now)));
        await db.SaveChangesAsync(ct);
        var (invited, answered) = await access.CountsAsync(survey.Id, ct);
        return survey.ToView(invited, answered);
    }
}
