using Microsoft.AspNetCore.Identity;

namespace Tandem.Features.Accounts;

/// <summary>A person with a Tandem account. Program roles belong to their enrolments, not to them.</summary>
public sealed class TandemUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    /// <summary>IANA time zone, e.g. "Europe/London"; times are stored in UTC and shown in this zone.</summary>
    public string TimeZoneId { get; set; } = "UTC";

    public bool IsDisabled { get; private set; }
    public DateTime CreatedAt { get; set; }

    public void Disable() => IsDisabled = true;
    public void Enable() => IsDisabled = false;
}
