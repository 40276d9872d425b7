using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

/// <param name="Password">A new account's password (shown once); null for an existing account, whose password is kept.</param>
/// <param name="Enabled">The existing account was disabled and has been enabled again.</param>
public sealed record AddedAdministrator(UserSummary User, string? Password, bool Enabled = false);

/// <summary>
/// The first administrator of a new installation (nobody can sign in to make one through the app), or an administrator
/// again for an existing account, when the last one left: a new account gets a random password, shown once; an
/// existing account keeps its password and gets the role, and is enabled again if it was disabled (the recovery when the
/// last administrator's own account was disabled: an administrator that cannot sign in restores nothing).
/// </summary>
public sealed class AddAdministrator(UserManager<TandemUser> users, RoleManager<IdentityRole<Guid>> roles, CreateUser createUser)
{
    public async Task<Outcome<AddedAdministrator>> RunAsync(string email, string displayName, string? timeZoneId)
    {
        if (!await roles.RoleExistsAsync(Actor.AdministratorRole))
        {
            await roles.CreateAsync(new IdentityRole<Guid>(Actor.AdministratorRole) { Id = Guid.CreateVersion7() });
        }
        if (await users.FindByEmailAsync(email.Trim()) is { } existing)
        {
            if (ErasedAccounts.Is(existing))
            {
                return new Conflict(ErasedAccounts.Refusal);
            }
            var wasDisabled = existing.IsDisabled;
            if (wasDisabled)
            {
                existing.Enable();
                Check(await users.UpdateAsync(existing));
            }
            if (!await users.IsInRoleAsync(existing, Actor.AdministratorRole))
            {
                Check(await users.AddToRoleAsync(existing, Actor.AdministratorRole));
            }
            return new AddedAdministrator(existing.ToSummary(), Password: null, Enabled: wasDisabled);
        }
        var password = NewPassword();
        var request = new CreateUserRequest
        {
            Email = email.Trim(),
            DisplayName = displayName.Trim(),
            Password = password,
            TimeZoneId = timeZoneId,
            IsAdministrator = true,
        };
        // The same rules as the API's request (DataAnnotations), which no endpoint filter checks here.
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), problems, validateAllProperties: true))
        {
            return new Invalid(problems.GroupBy(p => p.MemberNames.FirstOrDefault() ?? "")
                .ToDictionary(g => g.Key, g => g.Select(p => p.ErrorMessage ?? "").ToArray()));
        }
        var created = await createUser.RunAsync(request);
        return created.Failure is { } failure ? failure : new AddedAdministrator(created.Value!, password);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The account could not be saved: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    private static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 5).Select(i => new string(chars, i * 4, 4)));
    }
}

/// <summary>
/// An erased account (ADR 42) keeps its row for the programs' counts, under an address no one has; it is never enabled
/// again, by an administrator or by `tandem users add-administrator` (ADR 102).
/// </summary>
public static class ErasedAccounts
{
    public const string Domain = "@erased.invalid";

    public const string Refusal = "This account was erased; it cannot be enabled again. Make a new account instead.";

    public static bool Is(TandemUser user) => user.Email?.EndsWith(Domain, StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>`tandem users add-administrator --email … --name …`: how an installation gets its first administrator.</summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "The administrator's e-mail address (their sign-in name).", Required = true };
        var name = new Option<string>("--name") { Description = "Their name as others see it (for a new account).", DefaultValueFactory = _ => "Administrator" };
        var zone = new Option<string?>("--time-zone") { Description = "Their IANA time zone, e.g. Europe/London (for a new account; default UTC)." };
        var add = new Command("add-administrator", "Make an administrator: a new account with a random password shown once, or the role for an existing account (its password unchanged; enabled again if it was disabled).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        add.Options.Add(email);
        add.Options.Add(name);
        add.Options.Add(zone);
        add.SetAction(async (parse, ct) =>
        {
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<AddAdministrator>()
                .RunAsync(parse.GetValue(email)!, parse.GetValue(name)!, parse.GetValue(zone));
            var output = parse.InvocationConfiguration.Output;
            if (outcome.Failure is { } failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No administrator was made: {failure.Detail}");
                return failure is Conflict ? 1 : 2;
            }
            var added = outcome.Value!;
            if (added.Password is null)
            {
                await output.WriteLineAsync(added.Enabled
                    ? $"{added.User.Email} already had an account, which was disabled: it is enabled again and is now an administrator; its password is unchanged."
                    : $"{added.User.Email} already had an account and is now an administrator; its password is unchanged.");
            }
            else
            {
                await output.WriteLineAsync($"Administrator {added.User.Email} created. Password (shown once; change it after signing in): {added.Password}");
            }
            return 0;
        });
        var users = new Command("users", "Accounts that the app cannot make for itself.");
        users.Subcommands.Add(add);
        return users;
    }
}
