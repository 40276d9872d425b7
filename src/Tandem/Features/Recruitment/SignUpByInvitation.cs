using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class InvitationSignUpRequest
{
    [Required, StringLength(200)]
    public string Token { get; set; } = "";

    [Required(ErrorMessage = "Give your name."), StringLength(120, MinimumLength = 1)]
    public string DisplayName { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Choose your time zone."), StringLength(64)]
    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>
/// Someone invited at an address that has no account creates one with that address (the link, sent to it, shows
/// they receive its mail), is signed in, and accepts the invitation. Where the address already has an account, the
/// holder of the link is told to sign in instead, or to choose a new password by e-mail: the account may have been made
/// by someone else on an application form and never verified (ADR 28), and a reset link, sent to the address, gives it
/// to its owner (closing the other person's sessions). Only the address's owner receives the invitation link, so this
/// tells no one else that the account exists.
/// </summary>
public sealed class SignUpByInvitation(FindInvitation find, CreateUser createUser, SignInUser signIn, UserManager<TandemUser> users, AcceptInvitation accept)
{
    public async Task<Outcome<InvitationAcceptance>> RunAsync(InvitationSignUpRequest request, string? userAgent, CancellationToken ct = default)
    {
        var found = await find.RunAsync(request.Token, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var invitation = found.Value!;
        switch (invitation.Status)
        {
            case InvitationStatus.Accepted:
                return new Conflict("This invitation has already been used. Each invitation link works once.");
            case InvitationStatus.Revoked:
                return new Gone("This invitation was withdrawn by the coordinator who sent it.");
            case InvitationStatus.Expired:
                return new Gone($"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask the coordinator to send a new one.");
        }
        var created = await createUser.RunAsync(new CreateUserRequest
        {
            DisplayName = request.DisplayName,
            Email = invitation.Email,
            Password = request.Password,
            TimeZoneId = request.TimeZoneId,
        });
        if (created.Failure is { } refused)
        {
            return refused is Conflict
                ? new Conflict($"An account with {invitation.Email} already exists: sign in with it, then accept the invitation. "
                    + "If you do not know its password, choose a new one with \"Forgot your password?\" on the sign-in page: the link goes to this address.")
                : refused;
        }
        var user = await users.FindByIdAsync(created.Value!.Id.ToString());
        await signIn.StartSessionAsync(user!, persistent: false, userAgent);
        return await accept.RunAsync(new Actor(user!.Id, IsAdministrator: false), request.Token, ct);
    }
}
