using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Integrations;

/// <summary>A program's outside channels as its coordinators see them: each webhook masked, never in full.</summary>
public sealed record ProgramChannelsView(Guid ProgramId, string? Slack, string? Teams, DateTime? UpdatedAt);

/// <summary>Each field: left out (null) keeps the channel as it is, "" disconnects it, an address connects or replaces it.</summary>
public sealed class ChangeProgramChannelsRequest
{
    /// <summary>A Slack incoming-webhook address (https://hooks.slack.com/services/…).</summary>
    public string? SlackWebhookUrl { get; set; }

    /// <summary>A Microsoft Teams incoming-webhook or workflow address (https://…).</summary>
    public string? TeamsWebhookUrl { get; set; }
}

/// <summary>The program's channels, for its coordinators (others who see the program: 403; anyone else: 404).</summary>
public sealed class GetProgramChannels(TandemDb db, ProgramAccess programs)
{
    public const string OnlyCoordinators = "Only the program's coordinators see and change its Slack and Teams channels.";

    public async Task<Outcome<ProgramChannelsView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (program.Failure is { } failure)
        {
            return failure;
        }
        var channels = await db.Set<ProgramChannels>().AsNoTracking().SingleOrDefaultAsync(c => c.ProgramId == programId, ct);
        return View(programId, channels);
    }

    internal static ProgramChannelsView View(Guid programId, ProgramChannels? channels) =>
        new(programId, channels?.SlackWebhook is null ? null : channels.SlackMasked, channels?.TeamsWebhook is null ? null : channels.TeamsMasked, channels?.UpdatedAt);
}

/// <summary>Connects, replaces or disconnects a program's Slack and Teams incoming webhooks; the addresses are stored encrypted.</summary>
public sealed class ChangeProgramChannels(TandemDb db, ProgramAccess programs, IDataProtectionProvider protection, IOptions<IntegrationOptions> options, TimeProvider clock)
{
    public async Task<Outcome<ProgramChannelsView>> RunAsync(Actor actor, Guid programId, ChangeProgramChannelsRequest request, CancellationToken ct = default)
    {
        var program = await programs.FindManagedAsync(actor, programId, ct, GetProgramChannels.OnlyCoordinators, tracked: false);
        if (program.Failure is { } failure)
        {
            return failure;
        }
        var changes = new List<(ChannelKind Kind, Uri? Url)>();
        var errors = new Dictionary<string, string[]>();
        foreach (var (kind, field, value) in new[] { (ChannelKind.Slack, "slackWebhookUrl", request.SlackWebhookUrl), (ChannelKind.Teams, "teamsWebhookUrl", request.TeamsWebhookUrl) })
        {
            if (value is null)
            {
                continue;
            }
            if (value.Trim().Length == 0)
            {
                changes.Add((kind, null));
                continue;
            }
            var checkedUrl = WebhookAddress.Check(field, value, options.Value.AllowLoopbackHttp);
            if (checkedUrl.Failure is Invalid invalid)
            {
                foreach (var (key, messages) in invalid.Errors)
                {
                    errors[key] = messages;
                }
                continue;
            }
            changes.Add((kind, checkedUrl.Value));
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var protector = HttpOutbox.ChannelProtector(protection);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.SaveOverFirstAsync(async () =>
        {
            var channels = await db.Set<ProgramChannels>().SingleOrDefaultAsync(c => c.ProgramId == programId, ct);
            if (channels is null)
            {
                channels = new ProgramChannels(programId);
                db.Add(channels);
            }
            foreach (var (kind, url) in changes)
            {
                channels.Set(kind, url is null ? null : protector.Protect(url.AbsoluteUri), url is null ? null : WebhookAddress.Mask(url), actor.UserId, now);
            }
            return GetProgramChannels.View(programId, channels);
        }, ct);
    }
}
