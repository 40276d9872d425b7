using Scalar.AspNetCore;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Browser defences on every response: pages, API answers, static files, error pages and 404s alike.
/// Set when the response starts (not when the request arrives) because the exception handler clears
/// the headers of a failed response before it writes the error.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// No inline script anywhere ('self' only: App.razor loads blazor.web.js by URL and renders no import map);
    /// the API reference page gets a per-request nonce for Scalar's one inline module. Styles come from
    /// app.css only, except on the API reference, whose Vue components set inline styles.
    /// </summary>
    public static string ContentSecurityPolicy(string? scriptNonce) =>
        "default-src 'self'; "
        + (scriptNonce is null ? "script-src 'self'; style-src 'self'; " : $"script-src 'self' 'nonce-{scriptNonce}'; style-src 'self' 'unsafe-inline'; ")
        + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()";
    public const string StrictTransportSecurity = "max-age=31536000";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool hsts) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var nonce = context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var value) ? value as string : null;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
            headers.XContentTypeOptions = "nosniff";
            // For browsers older than CSP's frame-ancestors; replaces antiforgery's SAMEORIGIN.
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            if (hsts && context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
