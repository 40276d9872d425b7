using Microsoft.AspNetCore.Identity;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Accounts;

/// <summary>
/// Identity's check of an account's address, next to its own (ADR 120): a new account (sign-up, an administrator's, an
/// invitation's) and any change of address must be one the e-mails can address (<see cref="EmailAddresses.IsValid"/>).
/// Its code is Identity's InvalidEmail, which <see cref="CreateUser"/> answers as 422 on the Email field. An account saved
/// for another reason (a new password, disabling it) is not refused for an address stored before this check.
/// </summary>
public sealed class AddressValidator(TandemDb db) : IUserValidator<TandemUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<TandemUser> manager, TandemUser user)
    {
        var entry = db.Entry(user);
        var changed = entry.State is not (Microsoft.EntityFrameworkCore.EntityState.Unchanged or Microsoft.EntityFrameworkCore.EntityState.Modified)
            || entry.Property(u => u.Email).IsModified;
        if (!changed || EmailAddresses.IsValid(user.Email))
        {
            return Task.FromResult(IdentityResult.Success);
        }
        return Task.FromResult(IdentityResult.Failed(new IdentityError
        {
            Code = nameof(IdentityErrorDescriber.InvalidEmail),
            Description = "This is not an e-mail address Tandem can write to.",
        }));
    }
}
