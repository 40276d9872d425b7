using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed class CreateUserRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required, StringLength(120, MinimumLength = 1)]
    public string DisplayName { get; set; } = "";

    [Required, StringLength(200, MinimumLength = 10)]
    public string Password { get; set; } = "";

    [StringLength(64)]
    public string? TimeZoneId { get; set; }

    public bool IsAdministrator { get; set; }
}

public sealed record UserSummary(Guid Id, string Email, string DisplayName, string TimeZoneId, bool IsDisabled);

public static class UserMapping
{
    public static UserSummary ToSummary(this TandemUser user) =>
        new(user.Id, user.Email ?? "", user.DisplayName, user.TimeZoneId, user.IsDisabled);
}

/// <summary>
/// Creates an account: an administrator's (the address counts as verified), or for the sign-up use cases, which say
/// whether the address is verified (an invitation link reached it) or not (self sign-up, ADR 28). An address that has an
/// account is a conflict, also when the same account is created twice at once (a double click, two tabs): the second
/// insert meets the unique user name and gets the same answer as if it had come a moment later.
/// </summary>
public sealed class CreateUser(UserManager<TandemUser> users, TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<UserSummary>> RunAsync(CreateUserRequest request, bool emailVerified = true)
    {
        var zone = string.IsNullOrWhiteSpace(request.TimeZoneId) ? "UTC" : request.TimeZoneId.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Invalid.Field(nameof(request.TimeZoneId), $"'{zone}' is not a known IANA time zone.");
        }
        var exists = new Conflict($"An account with the e-mail {request.Email.Trim()} already exists.");
        if (await users.FindByEmailAsync(request.Email.Trim()) is not null)
        {
            return exists;
        }
        var user = new TandemUser
        {
            Id = Guid.CreateVersion7(),
            UserName = request.Email.Trim(),
            Email = request.Email.Trim(),
            EmailConfirmed = emailVerified,
            DisplayName = request.DisplayName.Trim(),
            TimeZoneId = zone,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, request.Password);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another request inserted the same address after the check above; the row stays out of this scope's later saves.
            db.Entry(user).State = EntityState.Detached;
            return exists;
        }
        // Identity's own check ran after the other request's commit but before this one's insert.
        if (created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)))
        {
            return exists;
        }
        if (!created.Succeeded)
        {
            // The address is the user name: what Identity says about either is about the address, never the password.
            var aboutAddress = created.Errors.Where(e => e.Code is nameof(IdentityErrorDescriber.InvalidUserName) or nameof(IdentityErrorDescriber.InvalidEmail)).ToList();
            return aboutAddress.Count > 0
                ? Invalid.Field(nameof(request.Email), "This is not a valid e-mail address.")
                : new Invalid(new Dictionary<string, string[]> { [nameof(request.Password)] = created.Errors.Select(e => e.Description).ToArray() });
        }
        if (request.IsAdministrator)
        {
            await users.AddToRoleAsync(user, Infrastructure.Auth.Actor.AdministratorRole);
        }
        return user.ToSummary();
    }
}
