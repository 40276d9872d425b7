using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Tandem.Features.Accounts;

/// <summary>
/// A browser that has signed in to an account before carries a long-lived, encrypted "device cookie"
/// naming that account. A stranger guessing passwords does not have it, so the account's lockout and
/// per-account limit, which only they can set off, do not stop the owner on their own device (ADR 15).
/// Only the browser's own cookie proves it: the cookie is HttpOnly and encrypted with the shared keys.
/// </summary>
public sealed class KnownDevices(IHttpContextAccessor http, IDataProtectionProvider protection)
{
    public const string CookieName = "tandem.device";
    private const int MostAccounts = 5;
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly IDataProtector protector = protection.CreateProtector("Tandem.Accounts.KnownDevices.v1");

    public bool Knows(Guid userId) => Accounts().Contains(userId);

    public void Remember(Guid userId)
    {
        var context = http.HttpContext;
        if (context is null)
        {
            return;
        }
        var accounts = Accounts().Where(a => a != userId).Prepend(userId).Take(MostAccounts).ToArray();
        context.Response.Cookies.Append(CookieName, protector.Protect(JsonSerializer.Serialize(accounts)), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            MaxAge = Lifetime,
        });
    }

    private Guid[] Accounts()
    {
        if (http.HttpContext?.Request.Cookies[CookieName] is not { Length: > 0 } value)
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<Guid[]>(protector.Unprotect(value)) ?? [];
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return []; // Made up, or from before a key was retired: simply not a known device.
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
