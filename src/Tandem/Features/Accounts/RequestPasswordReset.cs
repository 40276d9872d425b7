using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Accounts;

public sealed class PasswordResetRequestRequest
{
    [Required(ErrorMessage = "Give your e-mail address."), EmailAddress(ErrorMessage = "Give a valid e-mail address."), StringLength(256)]
    public string Email { get; set; } = "";
}

/// <summary>What anyone who asks for a reset link is told, whether or not the address has an account.</summary>
public sealed record PasswordResetRequested(string Message);

/// <summary>
/// "Forgot your password?": the address is put on an in-memory queue and the answer is the same at once, whether or
/// not it has an account; <see cref="PasswordResetWorker"/> looks the address up and e-mails a link to an account
/// that exists and is not disabled. Neither the answer nor its timing says who has an account (ADR 28). The
/// per-account limit is keyed by the address typed, account or not, so a 429 says nothing either.
/// </summary>
public sealed class RequestPasswordReset(PasswordResetQueue queue, SignInLimits limits, ILookupNormalizer normalizer)
{
    public const string Answer =
        "If an account uses this address, we have sent it a link to choose a new password. The link works once, for a short time. Check your spam folder if nothing arrives.";

    public Task<Outcome<PasswordResetRequested>> RunAsync(PasswordResetRequestRequest request)
    {
        var email = request.Email.Trim();
        if (limits.TryAttempt("reset:" + normalizer.NormalizeEmail(email)) is { } limited)
        {
            return Task.FromResult<Outcome<PasswordResetRequested>>(limited);
        }
        queue.Enqueue(email);
        return Task.FromResult<Outcome<PasswordResetRequested>>(new PasswordResetRequested(Answer));
    }
}

/// <summary>Addresses waiting for a reset link, on this node. Full (a flood) → the newest are dropped and logged; the person asks again.</summary>
public sealed class PasswordResetQueue(ILogger<PasswordResetQueue> logger)
{
    private readonly Channel<string> channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Enqueue(string email)
    {
        if (!channel.Writer.TryWrite(email))
        {
            logger.LogWarning("A password-reset request was dropped: the queue is full");
        }
    }

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken ct) => channel.Reader.ReadAllAsync(ct);
}

/// <summary>Sends the reset links the queue asks for, one at a time, each in a fresh scope.</summary>
public sealed class PasswordResetWorker(PasswordResetQueue queue, IServiceScopeFactory scopes, TandemTelemetry telemetry, ILogger<PasswordResetWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var email in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await telemetry.MeasurePassAsync("password-reset-links", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<SendPasswordResetLink>().RunAsync(email, stoppingToken);
                }, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not send a password-reset link");
            }
        }
    }
}

/// <summary>Issues a reset link for the account with this address (if any, and not disabled) and e-mails it.</summary>
public sealed class SendPasswordResetLink(UserManager<TandemUser> users, TandemDb db, AccountMail mail, IOptions<AccountLinkOptions> options,
    TimeProvider clock, ILogger<SendPasswordResetLink> logger)
{
    public async Task RunAsync(string email, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null || user.IsDisabled)
        {
            logger.LogInformation("Password reset asked for an address without an active account");
            return;
        }
        var (token, row) = AccountToken.Issue(user.Id, AccountTokenPurpose.PasswordReset, clock.GetUtcNow().UtcDateTime, options.Value.PasswordResetLinkLifetime);
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await mail.SendResetAsync(user, token, row, ct);
        logger.LogInformation("Password-reset link sent to account {UserId}", user.Id);
    }
}
