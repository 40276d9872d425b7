using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Integrations;

/// <summary>
/// Turns an event into one <see cref="OutboundPost"/> per active webhook of the program's organisation subscribed to its
/// type, added to the caller's DbContext and left for the caller to save with the change the event reports (ADR 58).
/// </summary>
public sealed class OrganisationWebhookEvents(TandemDb db) : IWebhookEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Publishing a matching draft starts hundreds of relationships in one request: the program's webhooks are read once.
    private readonly Dictionary<Guid, (Guid OrganisationId, List<OrganisationWebhook> Webhooks)?> byProgram = [];

    private sealed record ProgramRow(Guid OrganisationId, List<OrganisationWebhook> Webhooks);

    // Compiled (issue 17): every check-in that says a meeting was held runs it.
    private static readonly Func<TandemDb, Guid, Task<ProgramRow?>> ProgramWebhooks =
        EF.CompileAsyncQuery((TandemDb db, Guid programId) => db.Programs.AsNoTracking().Where(p => p.Id == programId)
            .Select(p => new ProgramRow(p.OrganisationId, db.Set<OrganisationWebhook>().Where(w => w.OrganisationId == p.OrganisationId && w.Active).ToList()))
            .SingleOrDefault());

    public async Task AddAsync(WebhookEvent webhookEvent, CancellationToken ct)
    {
        if (!byProgram.TryGetValue(webhookEvent.ProgramId, out var known))
        {
            // An organisation has at most a handful of webhooks (OrganisationWebhook.PerOrganisationMax): the program's
            // organisation and its active webhooks in one query, since every check-in that says a meeting was held asks.
            var row = await ProgramWebhooks(db, webhookEvent.ProgramId);
            known = row is null ? null : (row.OrganisationId, row.Webhooks);
            byProgram[webhookEvent.ProgramId] = known;
        }
        if (known is not { } found)
        {
            return;
        }
        var organisation = found.OrganisationId;
        var subscribed = found.Webhooks.Where(w => w.Wants(webhookEvent.Type)).ToList();
        if (subscribed.Count == 0)
        {
            return;
        }
        var payload = Payload(webhookEvent, organisation);
        db.Set<OutboundPost>().AddRange(subscribed.Select(w =>
            OutboundPost.ToWebhook(w.Id, webhookEvent.ProgramId, webhookEvent.Type, webhookEvent.Id, payload, webhookEvent.OccurredAt)));
    }

    /// <summary>The documented body: <c>{id, type, occurredAt, organisationId, programId, data}</c> (docs/formats.md, "Signed webhooks").</summary>
    public static string Payload(WebhookEvent webhookEvent, Guid organisationId) => JsonSerializer.Serialize(new
    {
        id = webhookEvent.Id,
        type = webhookEvent.Type,
        occurredAt = webhookEvent.OccurredAt,
        organisationId,
        programId = webhookEvent.ProgramId,
        data = webhookEvent.Data,
    }, Json);
}
