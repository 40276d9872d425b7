namespace Tandem.Features.Accounts;

/// <summary>
/// A signed-in browser or client. The auth cookie names its session; a revoked session's cookie is
/// rejected on the next request, so a cookie replayed after sign-out is worthless.
/// </summary>
public sealed class UserSession
{
    private UserSession() { }

    public UserSession(Guid userId, DateTime createdAt, string? userAgent)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        CreatedAt = createdAt;
        UserAgent = userAgent is { Length: > 256 } ? userAgent[..256] : userAgent;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public TandemUser? User { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public string? UserAgent { get; private set; }

    /// <summary>
    /// The last day the session was used (written at most once a day by the session check); null until then, which means
    /// <see cref="CreatedAt"/>. Retention deletes sessions unused for longer than the cookie could live.
    /// </summary>
    public DateTime? LastSeenAt { get; private set; }

    public void Seen(DateTime at) => LastSeenAt = at;

    public void Revoke(DateTime at) => RevokedAt ??= at;
}
