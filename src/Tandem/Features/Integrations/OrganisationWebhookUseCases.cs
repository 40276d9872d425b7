using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Integrations;

/// <summary>An organisation's webhook as its coordinators see it: never the secret, only its last four characters.</summary>
public sealed record WebhookView(Guid Id, Guid OrganisationId, string Url, string? Description, IReadOnlyList<string> Events, bool Active,
    string SecretHint, DateTime SecretCreatedAt, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A webhook just made, with its signing secret: the only time the secret is shown.</summary>
public sealed record CreatedWebhook(WebhookView Webhook, string Secret);

/// <summary>A webhook's new signing secret, shown this once; the old one signs nothing more.</summary>
public sealed record WebhookSecretView(Guid WebhookId, string Secret, string SecretHint, DateTime SecretCreatedAt);

/// <summary>One delivery of an event to a webhook: Waiting (for its first or next attempt), Delivered or GivenUp.</summary>
public sealed record WebhookDeliveryView(Guid Id, Guid EventId, string Type, string Status, int Attempts, DateTime CreatedAt, DateTime? NextAttemptAt,
    DateTime? DeliveredAt, DateTime? GaveUpAt, string? LastError);

public sealed class CreateWebhookRequest
{
    /// <summary>The receiver's address: https (see WebhookAddress).</summary>
    public string? Url { get; set; }

    /// <summary>What the endpoint is for, for the coordinators' own reference.</summary>
    public string? Description { get; set; }

    /// <summary>Event types: relationship.started, meeting.held, relationship.ended, announcement.posted.</summary>
    public List<string>? Events { get; set; }
}

/// <summary>Each field left out (null) stays as it is.</summary>
public sealed class ChangeWebhookRequest
{
    public string? Url { get; set; }
    public string? Description { get; set; }
    public List<string>? Events { get; set; }

    /// <summary>false disables the endpoint: nothing more is queued for it and what waits is given up.</summary>
    public bool? Active { get; set; }
}

internal static class Webhooks
{
    public const string NoSuchWebhook = "No such webhook in this organisation.";

    public static WebhookView View(OrganisationWebhook w) =>
        new(w.Id, w.OrganisationId, w.Url, w.Description, w.EventList, w.Active, w.SecretHint, w.SecretCreatedAt, w.CreatedAt, w.UpdatedAt);

    public static async Task<Outcome<OrganisationWebhook>> FindAsync(TandemDb db, Actor actor, Guid organisationId, Guid webhookId, CancellationToken ct)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var webhook = await db.Set<OrganisationWebhook>().SingleOrDefaultAsync(w => w.Id == webhookId && w.OrganisationId == organisationId, ct);
        return webhook is null ? new NotFound(NoSuchWebhook) : webhook;
    }

    /// <summary>The events asked for, each known, without repeats; the errors otherwise.</summary>
    public static List<string>? CheckEvents(IReadOnlyCollection<string>? events, Dictionary<string, string[]> errors)
    {
        var asked = (events ?? []).Select(e => e?.Trim() ?? "").ToList();
        if (asked.Count == 0)
        {
            errors["events"] = [$"Choose at least one event: {string.Join(", ", WebhookEvent.Types)}."];
            return null;
        }
        var unknown = asked.Where(e => !WebhookEvent.Types.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            errors["events"] = [$"{string.Join(", ", unknown.Select(u => $"\"{u}\""))} is not an event Tandem sends; choose from {string.Join(", ", WebhookEvent.Types)}."];
            return null;
        }
        return WebhookEvent.Types.Where(asked.Contains).ToList();
    }

    public static string? CheckDescription(string? description, Dictionary<string, string[]> errors)
    {
        var text = description?.Trim();
        if (text is { Length: > OrganisationWebhook.DescriptionMax })
        {
            errors["description"] = [$"Describe the endpoint in at most {OrganisationWebhook.DescriptionMax} characters."];
        }
        return text;
    }

    public static string? CheckUrl(string? url, bool allowLoopbackHttp, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["Give the receiver's https address."];
            return null;
        }
        var checkedUrl = WebhookAddress.Check("url", url, allowLoopbackHttp);
        if (checkedUrl.Failure is Invalid invalid)
        {
            foreach (var (key, messages) in invalid.Errors)
            {
                errors[key] = messages;
            }
            return null;
        }
        return checkedUrl.Value!.AbsoluteUri;
    }
}

/// <summary>An organisation's webhooks, for its coordinators and administrators (members: 403; anyone else: 404).</summary>
public sealed class ListOrganisationWebhooks(TandemDb db)
{
    public async Task<Outcome<Paged<WebhookView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var webhooks = db.Set<OrganisationWebhook>().AsNoTracking().Where(w => w.OrganisationId == organisationId);
        var total = await webhooks.CountAsync(ct);
        var items = await webhooks.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Page(paging).ToListAsync(ct);
        return paging.Of(items.Select(Webhooks.View).ToList(), total);
    }
}

/// <summary>Registers an endpoint for the organisation's events and makes its signing secret, returned this once.</summary>
public sealed class CreateOrganisationWebhook(TandemDb db, IDataProtectionProvider protection, IOptions<IntegrationOptions> options, TimeProvider clock)
{
    public async Task<Outcome<CreatedWebhook>> RunAsync(Actor actor, Guid organisationId, CreateWebhookRequest request, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        var url = Webhooks.CheckUrl(request.Url, options.Value.AllowLoopbackHttp, errors);
        var description = Webhooks.CheckDescription(request.Description, errors);
        var events = Webhooks.CheckEvents(request.Events, errors);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        if (await db.Set<OrganisationWebhook>().CountAsync(w => w.OrganisationId == organisationId, ct) >= OrganisationWebhook.PerOrganisationMax)
        {
            return new Conflict($"An organisation has at most {OrganisationWebhook.PerOrganisationMax} webhooks; delete one first.");
        }
        var secret = OrganisationWebhook.NewSecret();
        var webhook = new OrganisationWebhook(organisationId, url!, string.IsNullOrEmpty(description) ? null : description, events!,
            HttpOutbox.SecretProtector(protection).Protect(secret), OrganisationWebhook.Hint(secret), actor.UserId, clock.GetUtcNow().UtcDateTime);
        db.Add(webhook);
        await db.SaveChangesAsync(ct);
        return new CreatedWebhook(Webhooks.View(webhook), secret);
    }
}

/// <summary>
/// Changes an endpoint's address, description, events or active flag. Disabling it gives up what still waits for it (a
/// disabled receiver gets nothing, not a backlog when it is enabled again).
/// </summary>
public sealed class ChangeOrganisationWebhook(TandemDb db, IOptions<IntegrationOptions> options, TimeProvider clock)
{
    public async Task<Outcome<WebhookView>> RunAsync(Actor actor, Guid organisationId, Guid webhookId, ChangeWebhookRequest request, CancellationToken ct = default)
    {
        var found = await Webhooks.FindAsync(db, actor, organisationId, webhookId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var errors = new Dictionary<string, string[]>();
        var url = request.Url is null ? null : Webhooks.CheckUrl(request.Url, options.Value.AllowLoopbackHttp, errors);
        var description = request.Description is null ? null : Webhooks.CheckDescription(request.Description, errors);
        var events = request.Events is null ? null : Webhooks.CheckEvents(request.Events, errors);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var webhook = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        webhook.Change(url, description, events, request.Active, now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted by someone else since it was read (ADR 94).
            return new NotFound(Webhooks.NoSuchWebhook);
        }
        if (!webhook.Active)
        {
            await db.Set<OutboundPost>().Where(p => p.WebhookId == webhookId && p.SentAt == null && p.GaveUpAt == null && (p.ClaimedUntil == null || p.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.GaveUpAt, now).SetProperty(p => p.LastError, "The webhook was disabled."), ct);
        }
        await transaction.CommitAsync(ct);
        return Webhooks.View(webhook);
    }
}

/// <summary>Replaces an endpoint's signing secret; the next attempt of every delivery is signed with the new one.</summary>
public sealed class RotateWebhookSecret(TandemDb db, IDataProtectionProvider protection, TimeProvider clock)
{
    public async Task<Outcome<WebhookSecretView>> RunAsync(Actor actor, Guid organisationId, Guid webhookId, CancellationToken ct = default)
    {
        var found = await Webhooks.FindAsync(db, actor, organisationId, webhookId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var webhook = found.Value!;
        var secret = OrganisationWebhook.NewSecret();
        webhook.RotateSecret(HttpOutbox.SecretProtector(protection).Protect(secret), OrganisationWebhook.Hint(secret), clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted by someone else since it was read (ADR 94).
            return new NotFound(Webhooks.NoSuchWebhook);
        }
        return new WebhookSecretView(webhook.Id, secret, webhook.SecretHint, webhook.SecretCreatedAt);
    }
}

/// <summary>Deletes an endpoint with its deliveries.</summary>
public sealed class DeleteOrganisationWebhook(TandemDb db)
{
    public async Task<Outcome<Guid>> RunAsync(Actor actor, Guid organisationId, Guid webhookId, CancellationToken ct = default)
    {
        var found = await Webhooks.FindAsync(db, actor, organisationId, webhookId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        db.Remove(found.Value!);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted by someone else since it was read (a delete clicked twice, ADR 94).
            return new NotFound(Webhooks.NoSuchWebhook);
        }
        return webhookId;
    }
}

/// <summary>A webhook's deliveries, newest first, with their state: what the receiver got, what waits, what was given up and why.</summary>
public sealed class ListWebhookDeliveries(TandemDb db)
{
    public async Task<Outcome<Paged<WebhookDeliveryView>>> RunAsync(Actor actor, Guid organisationId, Guid webhookId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        if (!await db.Set<OrganisationWebhook>().AnyAsync(w => w.Id == webhookId && w.OrganisationId == organisationId, ct))
        {
            return new NotFound(Webhooks.NoSuchWebhook);
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var deliveries = db.Set<OutboundPost>().Where(p => p.WebhookId == webhookId);
        var total = await deliveries.CountAsync(ct);
        var items = await deliveries.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Page(paging)
            .Select(p => new WebhookDeliveryView(p.Id, p.ReferenceId, p.ReferenceKind,
                p.SentAt != null ? "Delivered" : p.GaveUpAt != null ? "GivenUp" : "Waiting", p.Attempts, p.CreatedAt,
                p.SentAt == null && p.GaveUpAt == null ? (DateTime?)p.NextAttemptAt : null, p.SentAt, p.GaveUpAt, p.LastError))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
