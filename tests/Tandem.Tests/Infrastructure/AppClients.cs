using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Tandem.Features.Accounts;

namespace Tandem.Tests.Infrastructure;

/// <summary>What every test host needs whatever factory it came from: clients, sign-in, and the test SMTP server.</summary>
public static class AppClients
{
    /// <summary>Sends the app's e-mail to an SMTP server on this loopback port (no TLS), with links on https://tandem.test.</summary>
    public static IWebHostBuilder UseTestSmtp(this IWebHostBuilder builder, int port) => builder
        .UseSetting("Email:Smtp:Host", "127.0.0.1")
        .UseSetting("Email:Smtp:Port", port.ToString())
        .UseSetting("Email:Smtp:Security", "None")
        .UseSetting("Email:PublicBaseUrl", "https://tandem.test");

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public static HttpClient AnonymousClient(this WebApplicationFactory<Program> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that keeps cookies, signed in through the real sign-in endpoint.</summary>
    public static async Task<HttpClient> SignedInClientAsync(this WebApplicationFactory<Program> app, UserSummary user, string password = TandemFactory.Password)
    {
        var client = app.AnonymousClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = password });
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return client;
    }
}
