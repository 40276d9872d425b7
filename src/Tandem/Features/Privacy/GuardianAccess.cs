using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Privacy;

/// <summary>
/// A single-use link that opens a guardian's view of their children's records for an hour (ADR 52). Guardians have no
/// accounts: the link goes to the address a consent names, and only its SHA-256 is stored. The address is kept with it
/// (the view is scoped to it), and the row is deleted a day after it expired.
/// </summary>
public sealed class GuardianAccessLink
{
    private GuardianAccessLink() { }

    public GuardianAccessLink(string email, string tokenHash, DateTime at, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7();
        Email = email;
        TokenHash = tokenHash;
        CreatedAt = at;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    /// <summary>The guardian's address, trimmed and in lower case (as the view compares it with the consents').</summary>
    public string Email { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? UsedAt { get; private set; }
}

internal sealed class GuardianAccessLinkConfiguration : IEntityTypeConfiguration<GuardianAccessLink>
{
    public void Configure(EntityTypeBuilder<GuardianAccessLink> link)
    {
        link.ToTable("GuardianAccessLinks");
        link.HasKey(l => l.Id);
        link.Property(l => l.Email).HasMaxLength(256).IsRequired();
        link.Property(l => l.TokenHash).HasMaxLength(64).IsRequired();
        link.HasIndex(l => l.TokenHash).IsUnique();
        link.HasIndex(l => new { l.Email, l.CreatedAt });
        link.HasIndex(l => l.ExpiresAt);
    }
}

public sealed class GuardianLinkRequest
{
    [Required(ErrorMessage = "Give your e-mail address."), EmailAddress(ErrorMessage = "Give a valid e-mail address."), StringLength(256)]
    public string Email { get; set; } = "";
}

/// <summary>What anyone who asks for a guardian's link is told, whether or not a consent names the address.</summary>
public sealed record GuardianLinkRequested(string Message);

/// <summary>Who guardians are to the rest of the app: an address, a pseudonym in the audit log, a lower-case key.</summary>
public static class Guardians
{
    /// <summary>Every audit entry of a guardian's read starts its purpose with this (the reader is not an account).</summary>
    public const string PurposePrefix = "Parent or guardian: ";

    /// <summary>The reader's name the access logs show for a guardian's read.</summary>
    public const string ReaderName = "A parent or guardian";

    public const string ViewingPurpose = PurposePrefix + "viewing their child's record";
    public const string DownloadingPurpose = PurposePrefix + "downloading their child's data";

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// The guardian's pseudonym in the audit log's reader column (an account id elsewhere): the first 16 bytes of the
    /// SHA-256 of their address. It never equals an account id, and the same guardian always gets the same one.
    /// </summary>
    public static Guid Pseudonym(string email) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("tandem-guardian:" + Normalize(email)))[..16]);

    /// <summary>Consents to a program that name this guardian (the children they may see).</summary>
    public static IQueryable<Consent> ConsentsNaming(TandemDb db, string email)
    {
        var address = Normalize(email);
        return db.Set<Consent>().Where(c => c.Purpose == ConsentPurpose.Program && c.GuardianEmail != null && c.GuardianEmail.ToLower() == address);
    }
}

/// <summary>
/// "I am a parent or guardian": e-mails a single-use link, valid an hour, to an address that a consent names. The answer
/// is the same whether or not it does; no more than <see cref="PerHour"/> links go to one address in an hour (further
/// asks are answered the same and send nothing). Lapsed links are pruned with the other account links (ApplyRetention).
/// </summary>
public sealed class RequestGuardianLink(TandemDb db, MailOutbox outbox, IOptions<EmailOptions> options, TimeProvider clock, ILogger<RequestGuardianLink> logger)
{
    public const string MailReference = "guardian-access";
    public const int PerHour = 3;
    public static readonly TimeSpan ValidFor = TimeSpan.FromHours(1);

    public const string Answer =
        "If a consent in Tandem names this address as a parent's or guardian's, we have sent it a link to your children's records. "
        + "The link works once, for an hour. Check your spam folder if nothing arrives.";

    public static string PagePath(string token) => $"/guardian/open?token={Uri.EscapeDataString(token)}";

    public async Task<Outcome<GuardianLinkRequested>> RunAsync(GuardianLinkRequest request, CancellationToken ct = default)
    {
        var email = Guardians.Normalize(request.Email ?? "");
        if (!EmailAddresses.IsValid(email))
        {
            return Invalid.Field("email", "Give a valid e-mail address.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await Guardians.ConsentsNaming(db, email).AnyAsync(ct))
        {
            return new GuardianLinkRequested(Answer);
        }
        var since = now - TimeSpan.FromHours(1);
        if (await db.Set<GuardianAccessLink>().CountAsync(l => l.Email == email && l.CreatedAt > since, ct) >= PerHour)
        {
            logger.LogInformation("A guardian's link was not sent: {PerHour} went to the address in the last hour", PerHour);
            return new GuardianLinkRequested(Answer);
        }
        var token = LinkToken.New();
        var link = new GuardianAccessLink(email, LinkToken.Hash(token), now, now + ValidFor);
        db.Add(link);
        await db.SaveChangesAsync(ct);
        await outbox.SendAsync([new OutgoingMessage(Compose(email, token), MailReference, link.Id)], ct: ct);
        return new GuardianLinkRequested(Answer);
    }

    private MimeMessage Compose(string email, string token)
    {
        var settings = options.Value;
        var url = settings.Link(PagePath(token));
        var message = new MimeMessage();
        message.From.Add(settings.Sender());
        message.To.Add(EmailAddresses.Mailbox("", email)!); // checked by RunAsync (ADR 120)
        message.Subject = "Your link to your children's records in Tandem";
        message.Body = new BodyBuilder
        {
            TextBody = $"""
                Hello,

                Someone (we hope you) asked for a link to see what Tandem holds about the children who named this address as their parent's or guardian's:
                who has opened their records, their data to download, and a way to ask for it to be erased.

                Open this link (it is personal, works once and expires in an hour):
                {url}

                If you did not ask for it, you can ignore this message.
                """,
            HtmlBody = $"""
                <p>Hello,</p>
                <p>Someone (we hope you) asked for a link to see what Tandem holds about the children who named this address as their parent's or guardian's:
                who has opened their records, their data to download, and a way to ask for it to be erased.</p>
                <p><a href="{WebUtility.HtmlEncode(url)}">Open your children's records</a> (the link is personal, works once and expires in an hour).</p>
                <p>If you did not ask for it, you can ignore this message.</p>
                """,
        }.ToMessageBody();
        return message;
    }
}

/// <summary>
/// Opens a guardian's link: checks it (<see cref="CheckAsync"/>, which does not use it up, for the page that shows the
/// "Open" button: mail scanners that follow links must not spend it) and uses it (<see cref="RunAsync"/>, once: a
/// conditional update), returning the guardian's address for the session.
/// </summary>
public sealed class OpenGuardianLink(TandemDb db, TimeProvider clock)
{
    public const string LinkDoesNotWork = "This link does not work: it was used already or has expired (links work once, for an hour). Ask for a new one.";

    public async Task<Failure?> CheckAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return new NotFound(LinkDoesNotWork);
        }
        var hash = LinkToken.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Set<GuardianAccessLink>().AnyAsync(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now, ct) ? null : new NotFound(LinkDoesNotWork);
    }

    public async Task<Outcome<string>> RunAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return new NotFound(LinkDoesNotWork);
        }
        var hash = LinkToken.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        // The conditional update is the check: of two clicks at once, one updates the row.
        var used = await db.Set<GuardianAccessLink>().Where(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        if (used == 0)
        {
            return new NotFound(LinkDoesNotWork);
        }
        return await db.Set<GuardianAccessLink>().Where(l => l.TokenHash == hash).Select(l => l.Email).SingleAsync(ct);
    }
}

/// <summary>
/// The guardian's session: after the link is used, a cookie on /guardian holds their address and when it ends (an hour),
/// encrypted and signed with the app's data-protection keys (shared by every node, ADR 45). Nothing is stored on the server.
/// </summary>
public sealed class GuardianSessions(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "tandem.guardian";
    public const string CookiePath = "/guardian";
    public static readonly TimeSpan Lasts = TimeSpan.FromHours(1);

    private IDataProtector Protector => protection.CreateProtector("Tandem.GuardianSession.v1");

    public void Start(HttpContext context, string email)
    {
        var until = clock.GetUtcNow().UtcDateTime + Lasts;
        var value = Protector.Protect($"{until.Ticks}|{Guardians.Normalize(email)}");
        context.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            Path = CookiePath, HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict, MaxAge = Lasts, IsEssential = true,
        });
    }

    /// <summary>The guardian's address, or null when there is no session or it has ended.</summary>
    public string? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value) || value.Length > 4000)
        {
            return null;
        }
        try
        {
            var text = Protector.Unprotect(value);
            var bar = text.IndexOf('|');
            if (bar < 1 || !long.TryParse(text[..bar], out var ticks) || ticks <= clock.GetUtcNow().UtcDateTime.Ticks)
            {
                return null;
            }
            return text[(bar + 1)..];
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static void End(HttpContext context) => context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath });
}

/// <summary>One consent of a guardian's child, as the guardian sees it; its id is what they withdraw.</summary>
public sealed record GuardianConsentLine(Guid ConsentId, Guid ProgramId, string ProgramName, string OrganisationName, ConsentPurpose Purpose, ConsentState State)
{
    /// <summary>Whether the guardian may withdraw it from their page: the program's consent, given (or asked again after a notice changed).</summary>
    public bool Withdrawable => Purpose == ConsentPurpose.Program && State is ConsentState.Given or ConsentState.RenewalNeeded;
}

/// <summary>A child whose consent names the guardian: their name, their consents in those programs, and who opened their record.</summary>
public sealed record GuardianChild(Guid ChildId, string Name, Guid OrganisationId, IReadOnlyList<GuardianConsentLine> Consents, Paged<MyAccessView> AccessLog);

/// <summary>
/// What a guardian's view shows (ADR 52): each child whose consent names the guardian's address, with their consents in
/// those programs and who opened their record (the child's own access log). Showing it is a read of the child's record
/// by someone else, so it is written to the audit log first, once per program, with the guardian's pseudonym as reader.
/// </summary>
public sealed class GuardianChildren(TandemDb db, ListMyAccessLog accessLog, AuditLog audit)
{
    /// <param name="recordVisit">False only to show the page again in the same request (after the guardian withdrew a consent): the visit is recorded once.</param>
    public async Task<IReadOnlyList<GuardianChild>> ListAsync(string email, CancellationToken ct = default, bool recordVisit = true)
    {
        var named = await Guardians.ConsentsNaming(db, email).AsNoTracking()
            .Select(c => new { c.UserId, c.ProgramId, c.OrganisationId, c.UpdatedAt }).ToListAsync(ct);
        if (named.Count == 0)
        {
            return [];
        }
        // The reads are recorded before anything is read: once per program, for every child the guardian is named for there.
        var guardian = new Actor(Guardians.Pseudonym(email), false);
        if (recordVisit)
        {
            foreach (var program in named.GroupBy(c => c.ProgramId))
            {
                await audit.RecordAsync(guardian, program.Select(c => c.UserId).Distinct().ToList(), AuditRecord.Overview, null, program.Key, Guardians.ViewingPurpose, ct);
            }
        }
        // A guardian has a few children in a few programs: their names and consents are two small queries for all of them.
        var childIds = named.Select(c => c.UserId).Distinct().ToList();
        var programIds = named.Select(c => c.ProgramId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => childIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var consents = await db.Set<Consent>().AsNoTracking().Where(c => childIds.Contains(c.UserId) && programIds.Contains(c.ProgramId))
            .Select(c => new
            {
                c.Id, c.UserId, c.ProgramId, Program = db.Programs.Where(p => p.Id == c.ProgramId).Select(p => p.Name).Single(),
                Organisation = db.Organisations.Where(o => o.Id == c.OrganisationId).Select(o => o.Name).Single(), c.Purpose, c.State,
            })
            .ToListAsync(ct);
        var children = new List<GuardianChild>();
        foreach (var child in named.GroupBy(c => c.UserId))
        {
            // Of each child, only the consents in the programs whose consent names this guardian.
            var programs = child.Select(c => c.ProgramId).ToHashSet();
            var lines = consents.Where(c => c.UserId == child.Key && programs.Contains(c.ProgramId))
                .OrderBy(c => c.Program).ThenBy(c => c.Purpose)
                .Select(c => new GuardianConsentLine(c.Id, c.ProgramId, c.Program, c.Organisation, c.Purpose, c.State)).ToList();
            var log = await accessLog.RunAsync(new Actor(child.Key, false), 1, 20, ct, forGuardian: true);
            var organisation = child.OrderByDescending(c => c.UpdatedAt).First().OrganisationId;
            children.Add(new GuardianChild(child.Key, names[child.Key], organisation, lines, log));
        }
        return children.OrderBy(c => c.Name).ToList();
    }

    /// <summary>Whether a consent naming this guardian covers the child (the check before anything of the child's is shown).</summary>
    public Task<bool> IsGuardianOfAsync(string email, Guid childId, CancellationToken ct = default) =>
        Guardians.ConsentsNaming(db, email).AnyAsync(c => c.UserId == childId, ct);

    /// <summary>Writes the guardian's download of the child's data to the audit log (before it is handed over), once per program.</summary>
    public async Task RecordDownloadAsync(string email, Guid childId, CancellationToken ct = default)
    {
        var programs = await Guardians.ConsentsNaming(db, email).Where(c => c.UserId == childId).Select(c => c.ProgramId).Distinct().ToListAsync(ct);
        foreach (var program in programs)
        {
            await audit.RecordAsync(new Actor(Guardians.Pseudonym(email), false), [childId], AuditRecord.DataExport, null, program, Guardians.DownloadingPurpose, ct);
        }
    }
}
