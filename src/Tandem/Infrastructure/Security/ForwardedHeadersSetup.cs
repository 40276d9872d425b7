using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Behind a TLS-terminating reverse proxy the app sees plain HTTP; the proxy's X-Forwarded-Proto and
/// X-Forwarded-For make the request https (so cookies are Secure and HSTS is sent) and give the client's
/// address (for the per-IP sign-in limit). Only proxies named in configuration are believed: anyone
/// else sending those headers is ignored (docs/operations.md, "Behind a reverse proxy").
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddTandemForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = section.GetValue<int?>("ForwardLimit") ?? 1;
            if (proxies.Length > 0 || networks.Length > 0)
            {
                // Configured proxies replace the default (loopback only), so a proxy on another host works
                // and nothing else is trusted.
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var proxy in proxies)
                {
                    o.KnownProxies.Add(IPAddress.Parse(proxy));
                }
                foreach (var network in networks)
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
        });
        // Antiforgery's own default is never Secure; like the auth cookie it follows the (forwarded) scheme.
        services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }
}
