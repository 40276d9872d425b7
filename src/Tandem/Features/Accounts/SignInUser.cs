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

/// <summary>Checks the password (with lockout), opens a server-side session and issues the cookie.</summary>
public sealed class SignInUser(UserManager<TandemUser> users, SignInManager<TandemUser> signIn, TandemDb db, TimeProvider clock)
{
    public const string WrongCredentials = "The e-mail or password is not right.";

    public async Task<Outcome<Guid>> RunAsync(SignInRequest request, string? userAgent)
    {
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null || user.IsDisabled)
        {
            return Invalid.Field(nameof(request.Password), WrongCredentials);
        }
        var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            return Invalid.Field(nameof(request.Password), "Too many failed attempts: this account is locked for 15 minutes.");
        }
        if (!check.Succeeded)
        {
            return Invalid.Field(nameof(request.Password), WrongCredentials);
        }
        await StartSessionAsync(user, request.RememberMe, userAgent);
        return user.Id;
    }

    /// <summary>Opens a session row and signs the user in with a cookie that names it.</summary>
    internal async Task StartSessionAsync(TandemUser user, bool persistent, string? userAgent)
    {
        var session = new UserSession(user.Id, clock.GetUtcNow().UtcDateTime, userAgent);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        await signIn.SignInWithClaimsAsync(user, persistent, [new Claim(SessionValidation.SessionClaim, session.Id.ToString())]);
    }
}
