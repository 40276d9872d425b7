using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;

namespace Tandem.Features.Surveys;

/// <summary>
/// Asks people to answer a survey: stores one invitation per person and occasion, then tells each of them in the
/// app and by e-mail (their preference) through Notifications. Callers hold the survey (its status change or its
/// claim) so that two nodes never invite the same people; the unique index is the last guard. Only people who still
/// belong are asked or reminded: enrolled in the program (a member of the organisation for a survey without one), an
/// account not disabled (<see cref="SurveyAccess.Current"/>); in a program, nobody without consent to it (ADR 48's gate).
/// </summary>
public sealed class SurveyDispatch(TandemDb db, Notify notify, IProgramConsent consent, TimeProvider clock)
{
    /// <summary>
    /// Stores the invitations of everyone in the audience not asked yet (a survey without a program: its roster, asked
    /// now), and tells nobody: the caller commits them with the survey's opening, then calls <see cref="TellAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<SurveyInvitation>> StoreAudienceAsync(Survey survey, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (survey.ProgramId is not { } programId)
        {
            // A survey without a program recorded its roster when it was built: ask those still members now. The others' rows go,
            // so someone who left before it was sent is not admitted nor reminded if they join again (ADR 99, 130).
            var recorded = db.Set<SurveyInvitation>().Where(i => i.SurveyId == survey.Id && !i.Answered);
            var stillMembers = SurveyAccess.Current(db, recorded).Select(i => i.Id);
            await recorded.Where(i => !stillMembers.Contains(i.Id)).ExecuteDeleteAsync(ct);
            var roster = SurveyAccess.Current(db, recorded);
            await roster.ExecuteUpdateAsync(u => u.SetProperty(i => i.InvitedAt, now), ct);
            return await roster.AsNoTracking().ToListAsync(ct);
        }
        var roles = survey.Audience().ToList();
        // Those the program may not contact are left out by StoreAsync.
        var people = await db.Enrolments.Where(e => e.ProgramId == programId && roles.Contains(e.Role) && !e.User!.IsDisabled)
            .Select(e => new { e.UserId, e.Role }).ToListAsync(ct);
        var asked = await db.Set<SurveyInvitation>().Where(i => i.SurveyId == survey.Id && i.Occasion == Guid.Empty)
            .Select(i => i.UserId).ToListAsync(ct);
        var fresh = people.GroupBy(p => p.UserId).Where(g => !asked.Contains(g.Key))
            .Select(g => new SurveyInvitation(survey.Id, g.Key, g.OrderBy(p => p.Role).First().Role, Guid.Empty, now))
            .ToList();
        return await StoreAsync(survey, fresh, ct);
    }

    /// <summary>Stores and tells at once (a pulse's invitations, which change nothing else).</summary>
    public async Task<int> InviteAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, CancellationToken ct)
    {
        var stored = await StoreAsync(survey, invitations, ct);
        await TellAsync(survey, stored, ct);
        return stored.Count;
    }

    /// <summary>Tells people of invitations already committed.</summary>
    public Task TellAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, CancellationToken ct) =>
        NotifyAsync(survey, invitations, reminder: false, ct);

    private async Task<IReadOnlyList<SurveyInvitation>> StoreAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, CancellationToken ct)
    {
        invitations = await ReachableAsync(survey, invitations, ct);
        if (invitations.Count == 0)
        {
            return [];
        }
        db.Set<SurveyInvitation>().AddRange(invitations);
        await db.SaveChangesAsync(ct);
        return invitations;
    }

    /// <summary>Reminds those invited; someone removed, disabled or whose consent was withdrawn since is not reminded.</summary>
    public async Task RemindAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, CancellationToken ct) =>
        await NotifyAsync(survey, await ReachableAsync(survey, invitations, ct), reminder: true, ct);

    /// <summary>
    /// Of some invitations, those of people who still belong (<see cref="SurveyAccess.CurrentAmongAsync"/>) and, in a program,
    /// whom it may contact (ADR 48); a survey without a program asks its roster's current members.
    /// </summary>
    private async Task<IReadOnlyList<SurveyInvitation>> ReachableAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, CancellationToken ct)
    {
        if (invitations.Count == 0)
        {
            return invitations;
        }
        var current = await SurveyAccess.CurrentAmongAsync(db, survey, invitations.Select(i => i.UserId).ToList(), ct);
        invitations = invitations.Where(i => current.Contains(i.UserId)).ToList();
        if (survey.ProgramId is not { } programId || invitations.Count == 0)
        {
            return invitations;
        }
        var unconsented = await consent.UnconsentedAmongAsync(programId, invitations.Select(i => i.UserId).ToList(), ct);
        return unconsented.Count == 0 ? invitations : invitations.Where(i => !unconsented.Contains(i.UserId)).ToList();
    }
    private Task NotifyAsync(Survey survey, IReadOnlyList<SurveyInvitation> invitations, bool reminder, CancellationToken ct)
    {
        var (title, body) = Words(survey, reminder);
        return notify.RunAsync(invitations.Select(i => new NotificationMessage(i.UserId, NotificationKind.Surveys, title, body, Link(i.Id), survey.ProgramId)).ToList(), ct);
    }

    public static string Link(Guid invitationId) => $"/my/surveys/{invitationId}";

    private static (string Title, string Body) Words(Survey survey, bool reminder)
    {
        var title = (reminder ? "Reminder: " : "A short survey: ") + survey.Title;
        var privacy = survey.Anonymous
            ? "Your answers are anonymous: they are stored with no link to you, and results are shown only for groups of at least five."
            : "Your program's coordinators will see your name with your answers.";
        var body = (reminder ? "You have not answered this survey yet. " : "") + $"It takes about a minute to answer. {privacy}"
            + (survey.ClosesOn is { } closes ? $" Open until {closes:d MMMM yyyy}." : "");
        return (title, body);
    }
}
