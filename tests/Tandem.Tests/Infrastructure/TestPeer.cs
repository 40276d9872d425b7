using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no network peer; this gives each request the address in its
/// X-Test-Peer header, as if it had come over TCP from there (a proxy, or a client behind one).
/// It runs before the app's own pipeline, so forwarded headers and rate limits see it as real.
/// </summary>
public static class TestPeer
{
    public const string Header = "X-Test-Peer";

    public static IWebHostBuilder UseTestPeerAddress(this IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, PeerFilter>());

    public static HttpRequestMessage From(this HttpRequestMessage request, string peer)
    {
        request.Headers.Add(Header, peer);
        return request;
    }

    private sealed class PeerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var peer) && IPAddress.TryParse(peer, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return following(context);
            });
            next(app);
        };
    }
}
