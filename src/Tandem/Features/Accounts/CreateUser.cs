using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
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
/// whether the address is verified (an invitation link reached it) or not (self sign-up, ADR 28).
/// </summary>
public sealed class CreateUser(UserManager<TandemUser> users, TimeProvider clock)
{
    public async Task<Outcome<UserSummary>> RunAsync(CreateUserRequest request, bool emailVerified = true)
    {
        var zone = string.IsNullOrWhiteSpace(request.TimeZoneId) ? "UTC" : request.TimeZoneId.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Invalid.Field(nameof(request.TimeZoneId), $"'{zone}' is not a known IANA time zone.");
        }
        if (await users.FindByEmailAsync(request.Email.Trim()) is not null)
        {
            return new Conflict($"An account with the e-mail {request.Email.Trim()} already exists.");
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
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return new Invalid(new Dictionary<string, string[]>
            {
                [nameof(request.Password)] = created.Errors.Select(e => e.Description).ToArray(),
            });
        }
        if (request.IsAdministrator)
        {
            await users.AddToRoleAsync(user, Infrastructure.Auth.Actor.AdministratorRole);
        }
        return user.ToSummary();
    }
}
