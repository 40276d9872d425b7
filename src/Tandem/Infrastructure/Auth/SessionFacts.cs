namespace Tandem.Infrastructure.Auth;

/// <summary>
/// What a signed-in request's session check read besides the session itself (<see cref="SessionValidation"/>): the
/// user's time zone, which the request's pages show their times in. Scoped to the request; empty for a visitor and
/// in a live component's circuit, whose readers read it themselves.
/// </summary>
public sealed class SessionFacts
{
    public Guid? UserId { get; private set; }

    public string? TimeZoneId { get; private set; }

    /// <summary>Records the facts of an open session; always true, so that the check can run it as its last step.</summary>
    public bool Record(Guid userId, string? timeZoneId)
    {
        UserId = userId;
        TimeZoneId = timeZoneId;
        return true;
    }
}
