using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;

namespace Tandem.Features.Concerns;

/// <summary>
/// What people are told about concerns. A notice never carries the description, the notes or who the concern is
/// about (it may be e-mailed), and never goes to the person it is about: handlers are chosen by <see cref="ConcernAccess.HandlersAsync"/>
/// (a concern none of the program's coordinators may handle goes to the safeguarding leads, then the administrators).
/// </summary>
public sealed class ConcernNotices(TandemDb db, ConcernAccess access, Notify notify)
{
    public async Task ReceivedAsync(Concern concern, CancellationToken ct)
    {
        var program = await ProgramNameAsync(concern.ProgramId, ct);
        var handlers = await access.HandlersAsync(concern, ct);
        var kind = concern.IsSafeguarding ? "safeguarding report" : $"concern ({ConcernText.Category(concern.Category).ToLowerInvariant()})";
        var messages = handlers.Select(id => new NotificationMessage(id, NotificationKind.Safeguarding, $"New {kind} in {program}",
            $"A {kind} was reported in {program} on {concern.ReportedAt:d MMM yyyy, HH:mm} UTC. Acknowledge it by {concern.AcknowledgeBy:d MMM yyyy, HH:mm} UTC.",
            Link(concern))).ToList();
        if (concern.IsSafeguarding && handlers.Count == 0)
        {
            messages = await NoLeadAsync(concern, program, ct);
        }
        await notify.RunAsync(messages, ct);
    }

    public async Task StepAsync(Concern concern, CancellationToken ct)
    {
        var program = await ProgramNameAsync(concern.ProgramId, ct);
        // The reporter is a participant: their notices go through the program's consent gate (ADR 48); the handlers' do not.
        await notify.ToProgramAsync(concern.ProgramId, [new NotificationMessage(concern.ReporterUserId, NotificationKind.Safeguarding, $"Your concern is {Concern.Describe(concern.State)}",
            $"The concern you reported in {program} on {concern.ReportedAt:d MMM yyyy} is now {Concern.Describe(concern.State)}.", "/concerns")], ct);
    }

    public async Task MediatorAsync(Concern concern, CancellationToken ct)
    {
        var program = await ProgramNameAsync(concern.ProgramId, ct);
        await notify.RunAsync(concern.MediatorUserId!.Value, NotificationKind.Safeguarding, $"You are asked to mediate in {program}",
            $"A coordinator of {program} asks you to be the neutral third party at a mediation meeting on {concern.MediationAt:ddd d MMM yyyy, HH:mm} UTC. They will brief you.", null, ct);
    }

    /// <summary>The one reminder for a concern still unacknowledged two working days after it was reported.</summary>
    public async Task<int> UnacknowledgedAsync(Concern concern, CancellationToken ct)
    {
        var program = await ProgramNameAsync(concern.ProgramId, ct);
        var handlers = await access.HandlersAsync(concern, ct);
        var kind = concern.IsSafeguarding ? "safeguarding report" : "concern";
        var messages = handlers.Select(id => new NotificationMessage(id, NotificationKind.Safeguarding, $"Waiting for acknowledgement: a {kind} in {program}",
            $"A {kind} reported in {program} on {concern.ReportedAt:d MMM yyyy} has not been acknowledged for two working days. Acknowledge it and plan the next step.",
            Link(concern))).ToList();
        if (concern.IsSafeguarding && handlers.Count == 0)
        {
            messages = await NoLeadAsync(concern, program, ct);
        }
        await notify.RunAsync(messages, ct);
        return messages.Count;
    }

    /// <summary>A safeguarding report nobody may read: the organisation's coordinators are told to designate a lead, and nothing more.</summary>
    private async Task<List<NotificationMessage>> NoLeadAsync(Concern concern, string program, CancellationToken ct)
    {
        var about = access.About().Where(a => a.ConcernId == concern.Id).Select(a => a.UserId);
        var coordinators = await db.OrganisationMemberships.Where(m => m.OrganisationId == concern.OrganisationId && m.Role == OrganisationRole.Coordinator
                && !about.Contains(m.UserId) && db.Users.Any(u => u.Id == m.UserId && !u.IsDisabled))
            .Select(m => m.UserId).ToListAsync(ct);
        // Leads there are, but the report involves each of them (the only lead is a coordinator of the pair, or named): "no
        // lead" would read as stale beside the leads page's list, and nobody would designate another (ADR 130).
        if (await access.CurrentLeads().AnyAsync(l => l.OrganisationId == concern.OrganisationId, ct))
        {
            return coordinators.Select(id => new NotificationMessage(id, NotificationKind.Safeguarding, "A safeguarding report needs another lead",
                $"A safeguarding report was made in {program} that none of your organisation's designated safeguarding leads may read: a report is never shown to a lead it involves. Designate another lead (docs: user guide, \"Concerns\").",
                $"/organisations/{concern.OrganisationId}/safeguarding-leads")).ToList();
        }
        return coordinators.Select(id => new NotificationMessage(id, NotificationKind.Safeguarding, "A safeguarding report has no designated lead",
            $"A safeguarding report was made in {program}, and your organisation has no designated safeguarding lead to read it. Designate one (docs: user guide, \"Concerns\").",
            null)).ToList();
    }

    private Task<string> ProgramNameAsync(Guid programId, CancellationToken ct) =>
        db.Programs.Where(p => p.Id == programId).Select(p => p.Name).SingleAsync(ct);

    private static string Link(Concern concern) => $"/programs/{concern.ProgramId}/concerns/{concern.Id}";
}
