using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

/// <summary>One kind of notification and how the reader hears of it; <c>canChange</c> is false for safeguarding and privacy.</summary>
public sealed record NotificationChoiceView(NotificationKind Kind, string Label, NotificationChoice Choice, bool CanChange);

/// <summary>
/// The reader's notification settings. <c>email</c> (from before choices per kind) is true when any kind reaches them by
/// e-mail, at once or in the digest; <c>digestHour</c> is the hour on their own clock after which the digest goes out.
/// </summary>
public sealed record NotificationPreferenceView(bool Email, bool InApp, int DigestHour, IReadOnlyList<NotificationChoiceView> Choices)
{
    internal static NotificationPreferenceView From(IReadOnlyDictionary<NotificationKind, NotificationChoice> stored, int digestHour)
    {
        var choices = NotificationKinds.All.Select(k => new NotificationChoiceView(k, NotificationKinds.Label(k),
            NotificationKinds.IsFixed(k) ? NotificationChoice.Email : stored.GetValueOrDefault(k, NotificationKinds.Default),
            CanChange: !NotificationKinds.IsFixed(k))).ToList();
        return new NotificationPreferenceView(choices.Any(c => c.CanChange && c.Choice != NotificationChoice.InApp), InApp: true, digestHour, choices);
    }
}

public sealed class NotificationPreferenceRequest
{
    /// <summary>
    /// The setting from before choices per kind, still accepted: true e-mails every kind at once, false keeps every kind
    /// in the app only (safeguarding and privacy notices are e-mailed whatever is chosen). Applied before <see cref="Choices"/>.
    /// </summary>
    public bool? Email { get; set; }

    /// <summary>Kind to choice, e.g. {"Meetings":"Email","Announcements":"DailyDigest","Surveys":"InApp"}; kinds not named keep their choice.</summary>
    public Dictionary<string, string>? Choices { get; set; }
}

/// <summary>Changes the actor's own choices: per kind, in the app only, e-mail at once, or the daily digest.</summary>
public sealed class ChangeNotificationPreferences(TandemDb db, IOptions<DigestOptions> digest, TimeProvider clock)
{
    public async Task<Outcome<NotificationPreferenceView>> RunAsync(Actor actor, NotificationPreferenceRequest request, CancellationToken ct = default)
    {
        var wanted = Read(request, out var invalid);
        if (invalid is not null)
        {
            return invalid;
        }
        try
        {
            return await SaveAsync(actor.UserId, wanted, ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two first saves of the same kind at once: the other one won; apply ours over it.
            db.ChangeTracker.Clear();
            return await SaveAsync(actor.UserId, wanted, ct);
        }
    }

    private async Task<NotificationPreferenceView> SaveAsync(Guid userId, Dictionary<NotificationKind, NotificationChoice> wanted, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Set<NotificationPreference>().Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, ct);
        foreach (var (kind, choice) in wanted)
        {
            if (rows.TryGetValue(kind, out var row))
            {
                row.Change(choice, now);
            }
            else
            {
                row = new NotificationPreference(userId, kind, choice, now);
                db.Set<NotificationPreference>().Add(row);
                rows[kind] = row;
            }
        }
        await db.SaveChangesAsync(ct);
        return NotificationPreferenceView.From(rows.ToDictionary(r => r.Key, r => r.Value.Choice), digest.Value.Hour);
    }

    /// <summary>The request as choices per changeable kind, or what is wrong with it (unknown kinds or choices, a fixed kind turned down).</summary>
    internal static Dictionary<NotificationKind, NotificationChoice> Read(NotificationPreferenceRequest request, out Invalid? invalid)
    {
        var wanted = new Dictionary<NotificationKind, NotificationChoice>();
        var errors = new Dictionary<string, string[]>();
        invalid = null;
        if (request.Email is null && (request.Choices is null || request.Choices.Count == 0))
        {
            invalid = Invalid.Field("choices", "Choose how you hear of at least one kind of notification, e.g. {\"choices\":{\"Meetings\":\"DailyDigest\"}}.");
            return wanted;
        }
        if (request.Email is { } email)
        {
            foreach (var kind in NotificationKinds.Changeable)
            {
                wanted[kind] = email ? NotificationChoice.Email : NotificationChoice.InApp;
            }
        }
        foreach (var (name, value) in request.Choices ?? [])
        {
            if (!TryParse<NotificationKind>(name, out var kind))
            {
                errors[$"choices.{name}"] = [$"There is no kind of notification called '{name}'. The kinds are: {string.Join(", ", NotificationKinds.All)}."];
                continue;
            }
            // Errors name a known kind as it is spelled in the answer, whatever case it was sent in.
            var field = $"choices.{kind}";
            if (!TryParse<NotificationChoice>(value, out var choice))
            {
                errors[field] = [$"'{value}' is not a choice. Choose InApp, Email or DailyDigest."];
            }
            else if (NotificationKinds.IsFixed(kind))
            {
                if (choice != NotificationChoice.Email)
                {
                    errors[field] = [$"{NotificationKinds.Label(kind)} notices are always e-mailed at once; this cannot be changed."];
                }
            }
            else
            {
                wanted[kind] = choice;
            }
        }
        if (errors.Count > 0)
        {
            invalid = new Invalid(errors);
        }
        return wanted;
    }

    /// <summary>A name of the enum (any case), never a number.</summary>
    private static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return !string.IsNullOrWhiteSpace(text) && !char.IsDigit(text.Trim()[0]) && text.Trim()[0] != '-'
            && Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}
