namespace Tandem.Features.Notifications;

/// <summary>
/// A part another feature adds to the bottom of the notification settings page (Integrations' WhatsApp opt-in, ADR 69): the
/// page renders each registered component and knows nothing else of it, so no feature it does not depend on is referenced.
/// </summary>
public sealed record NotificationSettingsSection(Type Component);
