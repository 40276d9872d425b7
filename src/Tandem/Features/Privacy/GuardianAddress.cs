using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Privacy;

/// <summary>
/// A parent's or guardian's address as typed on an application (or corrected by a coordinator): valid, stored as the bare
/// address ("Mum &lt;mum@example.com&gt;" is kept as mum@example.com, so the guardian's page finds it), and never the
/// child's own sign-in address (the child would then answer for themselves).
/// </summary>
public static class GuardianAddress
{
    public const string Invalid = "Give a valid e-mail address for the parent or guardian.";
    public const string TheirOwn = "A parent's or guardian's address must not be your own.";

    /// <summary>The address to store, or why it cannot be.</summary>
    public static async Task<(string? Address, string? Problem)> CheckAsync(TandemDb db, Guid childUserId, string typed, CancellationToken ct,
        string theirOwn = TheirOwn)
    {
        if (typed.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(typed.Trim(), out var parsed))
        {
            return (null, Invalid);
        }
        var address = parsed.Address.Trim();
        if (!EmailAddresses.IsValid(address))
        {
            return (null, Invalid);
        }
        var own = await db.Users.Where(u => u.Id == childUserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (own is not null && Guardians.Normalize(own) == Guardians.Normalize(address))
        {
            return (null, theirOwn);
        }
        return (address, null);
    }
}
