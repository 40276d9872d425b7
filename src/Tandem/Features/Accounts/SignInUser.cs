using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed class SignInRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required, StringLength(200)]
    public string Password { get; set; } = "";

    public bool RememberMe { get; set; }
}

/// <summary>
/// Checks the password, opens a server-side session and issues the cookie. Whatever went wrong (no
/// such address, a disabled account, a wrong password, a locked account) the answer is the same text
/// after the same work (one password hash check), so the answer does not tell whether an address has
/// an account. Lockout and the per-account limit apply only to devices that never signed in to the
/// account (ADR 15).
/// </summary>
public sealed class SignInUser(
    UserManager<TandemUser> users, SignInManager<TandemUser> signIn, IPasswordHasher<TandemUser> hasher,
    KnownDevices devices, SignInLimits limits, TandemDb db, TimeProvider clock, ILogger<SignInUser> logger)
{
    public const string WrongCredentials =
        "The e-mail or password is not right. After 5 wrong passwords an account opens for 15 minutes only on devices it has signed in on before.";

    // A real hash of a random password: checking against it costs what checking a real account costs.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<TandemUser>().HashPassword(new TandemUser(), Guid.NewGuid().ToString()));

    public async Task<Outcome<Guid>> RunAsync(SignInRequest request, string? userAgent)
    {
        var email = request.Email.Trim();
        var user = await users.FindByEmailAsync(email);
        var knownDevice = user is not null && devices.Knows(user.Id);
        // Operators see failures by account id (never the address typed, which may be someone's password).
        if (!knownDevice && limits.TryAttempt("email:" + users.NormalizeEmail(email)) is { } limited)
        {
            logger.LogWarning("Sign-in refused: too many attempts for account {UserId} (null: no such account)", user?.Id);
            return limited;
        }
        if (user is null || user.IsDisabled || (!knownDevice && await users.IsLockedOutAsync(user)))
        {
            hasher.VerifyHashedPassword(new TandemUser(), DummyHash.Value, request.Password);
            logger.LogWarning("Sign-in failed: {Reason} {UserId}", user is null ? "no such account" : user.IsDisabled ? "disabled account" : "locked account", user?.Id);
            return Wrong();
        }
        if (!await users.CheckPasswordAsync(user, request.Password))
        {
            await users.AccessFailedAsync(user); // the fifth in a row locks the account (AccountsSetup)
            logger.LogWarning("Sign-in failed: wrong password for account {UserId} from a {Device} device", user.Id, knownDevice ? "known" : "new");
            return Wrong();
        }
        // The owner got in: their count starts again. A lock set by strangers stays for other devices.
        if (!(await users.ResetAccessFailedCountAsync(user)).Succeeded)
        {
            // Another request saved the account at the same moment (a second sign-in, a wrong password elsewhere): Identity
            // answers ConcurrencyFailure and leaves this stale copy changed, which the session's save would then trip over.
            // The count stays as the other request left it; the account is read again, and signed in only if still enabled.
            await db.Entry(user).ReloadAsync();
            if (user.IsDisabled)
            {
                logger.LogWarning("Sign-in failed: account {UserId} was disabled while signing in", user.Id);
                return Wrong();
            }
        }
        devices.Remember(user.Id);
        await StartSessionAsync(user, request.RememberMe, userAgent);
        return user.Id;
    }

    private static Invalid Wrong() => Invalid.Field(nameof(SignInRequest.Password), WrongCredentials);

    /// <summary>Opens a session row and signs the user in with a cookie that names it.</summary>
    internal async Task StartSessionAsync(TandemUser user, bool persistent, string? userAgent)
    {
        var session = new UserSession(user.Id, clock.GetUtcNow().UtcDateTime, userAgent);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        await signIn.SignInWithClaimsAsync(user, persistent, [new Claim(SessionValidation.SessionClaim, session.Id.ToString())]);
    }
}
