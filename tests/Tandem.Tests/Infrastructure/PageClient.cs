using System.Net;
using System.Text.RegularExpressions;

namespace Tandem.Tests.Infrastructure;

/// <summary>Drives the server-rendered pages as a browser without JavaScript would: GET a form, POST it back.</summary>
public sealed partial class PageClient(HttpClient client)
{
    public HttpClient Http => client;

    public async Task<HttpResponseMessage> SubmitAsync(string path, string handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetStringAsync(path);
        var token = AntiforgeryToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on {path}");
        }
        var form = new List<KeyValuePair<string, string>>(fields)
        {
            new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)),
            new("_handler", handler),
        };
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
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
}
