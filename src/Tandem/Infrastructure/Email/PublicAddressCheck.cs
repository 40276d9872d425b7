namespace Tandem.Infrastructure.Email;

/// <summary>
/// Links in e-mails, calendar feeds and recruitment links are built from Email:PublicBaseUrl, never from the request
/// (a Host header is the caller's to choose). Outside Development an unset address means those links point at
/// http://localhost:5000, so the start-up log says so.
/// </summary>
public sealed class PublicAddressCheck(IConfiguration configuration, IHostEnvironment environment, ILogger<PublicAddressCheck> logger) : IHostedService
{
    public const string Warning =
        "Email:PublicBaseUrl is not set: links in e-mails, calendar feeds and recruitment links will point at {PublicBaseUrl}. Set it to the address people use (e.g. Email__PublicBaseUrl=https://tandem.example.org).";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && string.IsNullOrWhiteSpace(configuration["Email:PublicBaseUrl"]))
        {
            logger.LogWarning(Warning, new EmailOptions().PublicBaseUrl);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
