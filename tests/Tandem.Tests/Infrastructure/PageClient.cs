using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Tandem.Tests.Infrastructure;

/// <summary>Drives the server-rendered pages as a browser without JavaScript would: GET a form, POST it back.</summary>
public sealed partial class PageClient(HttpClient client)
{
    public HttpClient Http => client;

    public async Task<HttpResponseMessage> SubmitAsync(string path, string handler, IEnumerable<KeyValuePair<string, string>> fields, bool multipart = false)
    {
        var page = await client.GetStringAsync(path);
        // Blazor refuses a post naming a form that two forms on the page share: a page listing rows must name each row's
        // form (a shared "status" failed every change on the relationships list once two pairs were listed).
        var named = HandlerInput().Matches(page).Count(m => WebUtility.HtmlDecode(m.Groups[1].Value) == handler);
        if (named > 1)
        {
            throw new InvalidOperationException($"{named} forms on {path} are named {handler}: Blazor refuses a post to any of them.");
        }
        var form = new List<KeyValuePair<string, string>>(fields)
        {
            new("__RequestVerificationToken", TokenOf(page, path)),
            new("_handler", handler),
        };
        if (!multipart)
        {
            return await client.PostAsync(path, new FormUrlEncodedContent(form));
        }
        // As a browser sends a form with enctype="multipart/form-data": the values travel raw, not URL-encoded.
        var parts = new MultipartFormDataContent();
        foreach (var (name, value) in form)
        {
            parts.Add(new StringContent(value), name);
        }
        return await client.PostAsync(path, parts);
    }

    /// <summary>
    /// The fields of the page's form named <paramref name="handler"/> as a browser would post them unchanged: every text,
    /// hidden, number and date input, every text area, each select's chosen option and the ticked boxes (AngleSharp, an
    /// HTML5 parser). The antiforgery token and the form's name are left to <see cref="SubmitAsync"/>.
    /// </summary>
    public async Task<List<KeyValuePair<string, string>>> FormFieldsAsync(string path, string handler)
    {
        var document = new HtmlParser().ParseDocument(await client.GetStringAsync(path));
        var form = document.Forms.SingleOrDefault(f => f.Elements.OfType<IHtmlInputElement>().Any(i => i.Name == "_handler" && i.Value == handler))
            ?? throw new InvalidOperationException($"No form {handler} on {path}");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && !input.IsDisabled
                    && input.Name is not ("_handler" or "__RequestVerificationToken"):
                    if (input.Type is "checkbox" or "radio")
                    {
                        if (input.IsChecked)
                        {
                            fields.Add(new(input.Name, input.Value));
                        }
                    }
                    else if (input.Type is not ("submit" or "button" or "file" or "image" or "reset"))
                    {
                        fields.Add(new(input.Name, input.Value));
                    }
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name) && !area.IsDisabled:
                    fields.Add(new(area.Name, area.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name) && !select.IsDisabled:
                    if ((select.SelectedOptions.FirstOrDefault() ?? select.Options.FirstOrDefault()) is { } option)
                    {
                        fields.Add(new(select.Name, option.Value));
                    }
                    break;
            }
        }
        return fields;
    }

    /// <summary>The antiforgery token of a form on the page (and its cookie, kept by the client), as a script of the app would read it.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        return TokenOf(await client.GetStringAsync(path), path);
    }

    private static string TokenOf(string page, string path)
    {
        var token = AntiforgeryToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on {path}");
        }
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    public static async Task<PageClient> SignInAsync(TandemFactory factory, string email, string password = TandemFactory.Password)
    {
        var page = new PageClient(factory.AnonymousClient());
        var response = await page.SubmitAsync("/account/sign-in", "sign-in",
            [new("Input.Email", email), new("Input.Password", password)]);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in form answered {(int)response.StatusCode}");
        }
        return page;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]*)\"")]
    private static partial Regex HandlerInput();
}
