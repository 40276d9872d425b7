using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

/// <summary>How many sign-in and password attempts are allowed (section "SignIn:Limits"; docs/operations.md).</summary>
public sealed class SignInLimitOptions
{
    /// <summary>Attempts from one client address per window: generous, as a whole school can sit behind one address.</summary>
    [Range(1, int.MaxValue)]
    public int PerIpPermitLimit { get; set; } = 300;
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan PerIpWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts on one account (one e-mail address, known or not) per window, from devices it has not signed in on.</summary>
    [Range(1, int.MaxValue)]
    public int PerAccountPermitLimit { get; set; } = 10;
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan PerAccountWindow { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Rate limits on the endpoints and pages that check a password (ASP.NET Core rate limiting, fixed
/// windows): per client address in the middleware (policy <see cref="PerIpPolicy"/>), and per account
/// in <see cref="SignInUser"/> and <see cref="ChangePassword"/>, which read the address from the body.
/// Over the limit the answer is 429 with Retry-After. ADR 15.
/// </summary>
public sealed class SignInLimits : IDisposable
{
    public const string PerIpPolicy = "sign-in-per-ip";

    private readonly PartitionedRateLimiter<string> perAccount;

    public SignInLimits(IOptions<SignInLimitOptions> options)
    {
        var limits = options.Value;
        perAccount = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PerAccountPermitLimit, Window = limits.PerAccountWindow, QueueLimit = 0 }));
    }

    /// <summary>Takes one attempt for the account (a normalized e-mail address or a user id), or says how long to wait.</summary>
    public Failure? TryAttempt(string account)
    {
        using var lease = perAccount.AttemptAcquire(account);
        if (lease.IsAcquired)
        {
            return null;
        }
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        return new TooManyRequests("Too many attempts for this account: wait a little, then try again.", wait);
    }

    public void Dispose() => perAccount.Dispose();

    public static IServiceCollection AddSignInLimits(IServiceCollection services)
    {
        services.AddCheckedOptions<SignInLimitOptions>("SignIn:Limits");
        services.AddSingleton<SignInLimits>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerIpPolicy, context =>
            {
                // Showing the form is free; posting it checks a password.
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("reading");
                }
                var limits = context.RequestServices.GetRequiredService<IOptions<SignInLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PerIpPermitLimit, Window = limits.PerIpWindow, QueueLimit = 0 });
            });
            limiter.OnRejected = (rejected, _) => WriteRejectionAsync(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1));
        });
        return services;
    }

    private static async ValueTask WriteRejectionAsync(HttpContext context, TimeSpan retryAfter)
    {
        var failure = new TooManyRequests("Too many sign-in attempts from your network: wait a little, then try again.", retryAfter);
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await failure.ToProblem(context.Response).ExecuteAsync(context);
            return;
        }
        context.Response.Headers.RetryAfter = failure.RetryAfterSeconds.ToString();
        context.Response.ContentType = "text/html; charset=utf-8";
        // Plain HTML with a body, so the pages' status-code re-execution leaves it alone.
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>Too many attempts · Tandem</title><link rel="stylesheet" href="/app.css" /></head>
            <body><main id="main" class="content"><h1>Too many attempts</h1>
            <p>{failure.Detail} You can try again in {failure.RetryAfterSeconds} seconds.</p>
            <p><a href="/account/sign-in">Back to sign in</a></p></main></body></html>
            """);
    }
}
