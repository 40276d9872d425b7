using System.Security.Cryptography;
using System.Text;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// The secret in an e-mailed link (account links, invitations, guardians' links): 32 random bytes, URL-safe base64.
/// Only its SHA-256 (upper-case hex) is stored, so reading the database gives nobody a working link.
/// </summary>
public static class LinkToken
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));
}
