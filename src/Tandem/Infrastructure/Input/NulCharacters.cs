using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// PostgreSQL cannot store or compare a NUL character (U+0000) in text, so one in a query value
/// would fail the request with a 500 there while SQLite took it: on either database the API answers 400
/// naming the parameter instead. On the pages (a search box, a shared link) the NUL is removed from the
/// query string before the page reads it, and a page form with one in a field is a 400 naming the
/// field. Kestrel refuses a NUL in the path before this runs; JSON bodies are checked as they are read
/// (<see cref="JsonInput"/>), and so are the API's multipart forms (<see cref="UploadForms.ReadAsync"/>: read here, before the
/// endpoint, they would be buffered for a caller the endpoint refuses and without its size limit). Route values are
/// checked too, for hosts other than Kestrel.
/// </summary>
public static class NulCharacters
{
    private const char Nul = '\0';

    public static IApplicationBuilder UseNulCharacterGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api"))
        {
            if (FirstNamedWithNul(request) is { } name)
            {
                await Invalid.Field(name, $"{name} {JsonInput.NulMessage}").ToProblem().ExecuteAsync(context);
                return;
            }
        }
        else
        {
            Strip(request);
            if (await FirstFormFieldWithNulAsync(context) is { } field)
            {
                await FieldRefused(field).ToProblem().ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>
    /// A page form's field holding a NUL: the form reader refuses a %00, but a raw NUL byte, in a
    /// multipart form or an URL-encoded one, reaches the page as it is.
    /// </summary>
    private static async Task<string?> FirstFormFieldWithNulAsync(HttpContext context)
    {
        var request = context.Request;
        // A form antiforgery could not validate (it could not read a %00, or the token is wrong) is refused by the page.
        if (!HttpMethods.IsPost(request.Method) || context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
            || !request.HasFormContentType)
        {
            return null;
        }
        IFormCollection form;
        try
        {
            // Antiforgery has read the form already for the pages; this is the same, cached, form.
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null; // The form cannot be read (a %00, over a limit): the framework refuses it as before.
        }
        return FirstFieldWithNul(form);
    }

    /// <summary>
    /// A form's text field holding a NUL (in its name or a value), named without it; null when none does. Files are not
    /// text fields and are left alone. The API's upload forms are checked as they are read (<see cref="UploadForms.ReadAsync"/>).
    /// </summary>
    public static string? FirstFieldWithNul(IFormCollection form) =>
        form.FirstOrDefault(f => f.Key.Contains(Nul) || f.Value.Any(v => v?.Contains(Nul) == true)).Key is { } key
            ? key.Replace("\0", "")
            : null;

    /// <summary>The 400 for a field holding a NUL, as the API answers one in a query value or a JSON body.</summary>
    public static Failure FieldRefused(string field) => Invalid.Field(field, $"{field} {JsonInput.NulMessage}");

    private static string? FirstNamedWithNul(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
        {
            if (values.Any(v => v?.Contains(Nul) == true))
            {
                return key;
            }
        }
        return request.RouteValues.FirstOrDefault(r => r.Value is string s && s.Contains(Nul)).Key;
    }

    private static void Strip(HttpRequest request)
    {
        if (request.QueryString.HasValue && request.Query.Any(q => q.Value.Any(v => v?.Contains(Nul) == true)))
        {
            request.QueryString = QueryString.Create(request.Query.Select(q => KeyValuePair.Create(q.Key, Strip(q.Value))));
        }
    }

    private static StringValues Strip(StringValues values) => new(values.Select(v => v?.Replace("\0", "")).ToArray());
}
