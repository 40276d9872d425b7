using System.ComponentModel.DataAnnotations;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class SignUpRequest
{
    [Required(ErrorMessage = "Give your name."), StringLength(120, MinimumLength = 1)]
    public string DisplayName { get; set; } = "";

    [Required(ErrorMessage = "Give your e-mail address."), EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Choose your time zone."), StringLength(64)]
    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>
/// Someone applying for the first time creates their account (name, e-mail, password, time zone) and is signed in.
/// The address is unverified and gets a verification link, needed before an application can be submitted (ADR 28),
/// unless they came by an invitation link sent to that very address, which shows the address is theirs.
/// </summary>
public sealed class SignUpApplicant(CreateUser createUser, SignInUser signIn, Microsoft.AspNetCore.Identity.UserManager<TandemUser> users,
    SendEmailVerification verification, Recruitment.FindInvitation findInvitation)
{
    public async Task<Outcome<UserSummary>> RunAsync(SignUpRequest request, string? userAgent, string? invitationToken = null)
    {
        var invited = !string.IsNullOrWhiteSpace(invitationToken)
            && (await findInvitation.RunAsync(invitationToken)).Value is { } invitation
            && invitation.Status is Recruitment.InvitationStatus.Sent or Recruitment.InvitationStatus.NotSent
            && string.Equals(users.NormalizeEmail(invitation.Email), users.NormalizeEmail(request.Email.Trim()), StringComparison.Ordinal);
        var created = await createUser.RunAsync(new CreateUserRequest
        {
            DisplayName = request.DisplayName,
            Email = request.Email,
            Password = request.Password,
            TimeZoneId = request.TimeZoneId,
        }, emailVerified: invited);
        if (created.Failure is { } failure)
        {
            return failure is Conflict
                ? Invalid.Field(nameof(request.Email), "An account with this e-mail address already exists: sign in instead.")
                : failure;
        }
        var user = await users.FindByIdAsync(created.Value!.Id.ToString());
        if (!invited)
        {
            await verification.SendAsync(user!, CancellationToken.None);
        }
        await signIn.StartSessionAsync(user!, persistent: false, userAgent);
        return created.Value!;
    }
}
