using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// A browser sends the auth cookie with any request to the app, including one that another site's
/// form or script makes. Such a cross-origin request can only be a "simple" one: a POST whose body is
/// a form, multipart or text/plain, or has no content type. So a cookie-authenticated POST to the API
/// must either carry a content type a page elsewhere cannot send without CORS permission (JSON, CSV)
/// or the antiforgery token in the RequestVerificationToken header; otherwise it is refused with 415
/// before anything runs. PUT, PATCH and DELETE always need CORS permission, which the app never grants.
/// </summary>
public static class ApiCsrfGuard
{
    private static readonly string[] FormLikeTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    public static IApplicationBuilder UseApiCsrfGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsProof(context.Request) && context.User.Identity?.IsAuthenticated == true)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            var tokenSent = context.Request.Headers.ContainsKey(context.RequestServices
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName ?? "RequestVerificationToken");
            if (!tokenSent || !await antiforgery.IsRequestValidAsync(context))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Send JSON or an antiforgery token",
                    detail: "A signed-in POST to the API needs Content-Type: application/json (or another non-form type), "
                        + "or the antiforgery token in the RequestVerificationToken header.").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    private static bool NeedsProof(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || !request.Path.StartsWithSegments("/api"))
        {
            return false;
        }
        if (string.IsNullOrEmpty(request.ContentType) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return true;
        }
        return FormLikeTypes.Any(t => type.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase));
    }
}
