using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recognition;

/// <summary>
/// A certificate's verification code: its id sealed with ASP.NET Core Data Protection (authenticated encryption with
/// the keys every node shares, ADR 16), in URL-safe base64. Nobody can make a code for an id, or change one character
/// of a code, without the keys: an altered code does not open and is "not genuine" (ADR 63).
/// </summary>
public sealed class CertificateCodes(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Tandem.Recognition.Certificates.v1");

    public string For(Guid certificateId) => WebEncoders.Base64UrlEncode(protector.Protect(certificateId.ToByteArray()));

    /// <summary>The certificate id a code seals; null when the code is malformed or was altered.</summary>
    public Guid? Open(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 512)
        {
            return null;
        }
        try
        {
            var bytes = protector.Unprotect(WebEncoders.Base64UrlDecode(code.Trim()));
            return bytes.Length == 16 ? new Guid(bytes) : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The training a program's participants completed, by person: module titles in the program's order, for their certificates
/// (ADR 68). Training implements it, so Recognition does not read Training's tables (Training already uses Recognition).
/// </summary>
public interface ICompletedTraining
{
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<string>>> TitlesAsync(Guid programId, CancellationToken ct);
}

/// <summary>LinkedIn's documented "add to profile" address for a certification (its parameter names, ADR 63).</summary>
public static class LinkedInCertification
{
    public static string AddToProfileUrl(string name, string organisationName, DateTime issuedAt, string certUrl, string certId) =>
        QueryHelpers.AddQueryString("https://www.linkedin.com/profile/add", new Dictionary<string, string?>
        {
            ["startTask"] = "CERTIFICATION_NAME",
            ["name"] = name,
            ["organizationName"] = organisationName,
            ["issueYear"] = issuedAt.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["issueMonth"] = issuedAt.Month.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["certUrl"] = certUrl,
            ["certId"] = certId,
        });
}

/// <summary>
/// Certificates of a closed program: issued to each participant when the program closes (and, for a program closed
/// before certificates existed, when the participant first asks), with what they say fixed on that day. The holder
/// downloads theirs as a PDF; anyone verifies one by its code; the program's coordinators list them.
/// </summary>
public sealed class Certificates(TandemDb db, ProgramAccess programs, ServiceHours hours, CertificateCodes codes, IMinors minors,
    ICompletedTraining training, IOptions<EmailOptions> email, TimeProvider clock)
{
    public const string NotGenuine = "This is not a genuine Tandem certificate: the code was altered, mistyped or never issued.";

    /// <summary>Issues the missing certificates of a closed program's participants (idempotent; inside the caller's transaction).</summary>
    public async Task IssueAsync(Guid programId, CancellationToken ct)
    {
        var program = await db.Programs.Where(p => p.Id == programId && p.Status == ProgramStatus.Closed)
            .Join(db.Organisations, p => p.OrganisationId, o => o.Id, (p, o) => new { p.Id, p.Name, Organisation = o.Name, p.StartsOn, p.EndsOn, p.CreatedAt, p.ClosedAt })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return;
        }
        var issued = db.Set<Certificate>().Where(c => c.ProgramId == programId).Select(c => c.UserId);
        // Disabled accounts are left out (ADR 113): an erased person's account is disabled for good and named "Erased person",
        // and erasure deleted their certificate while keeping the enrolment, so issuing here would bring it back. A disabled
        // account that is enabled again gets its certificate on its holder's next visit (MineAsync issues what is missing).
        var enrolments = await db.Enrolments.Where(e => e.ProgramId == programId
                && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer) && !issued.Contains(e.UserId))
            .Join(db.Users.Where(u => !u.IsDisabled), e => e.UserId, u => u.Id, (e, u) => new { e.UserId, e.Role, e.EnrolledAt, u.DisplayName })
            .ToListAsync(ct);
        // One certificate a person (the index says so): someone enrolled as mentee and as mentor is named by the role they
        // served in (mentor, then peer), from their first enrolment.
        var people = enrolments.GroupBy(e => e.UserId)
            .Select(g => g.OrderBy(e => e.Role switch { ProgramRole.Mentor => 0, ProgramRole.Peer => 1, _ => 2 }).First() with
            {
                EnrolledAt = g.Min(e => e.EnrolledAt),
            })
            .ToList();
        if (people.Count == 0)
        {
            return;
        }
        var young = (await minors.WhichAsync(people.Select(p => p.UserId).ToList(), ct)).ToHashSet();
        var now = clock.GetUtcNow().UtcDateTime;
        var to = program.EndsOn is { } ends && program.ClosedAt is { } closed && ends < DateOnly.FromDateTime(closed)
            ? ends : DateOnly.FromDateTime(program.ClosedAt ?? now);
        // Every participant's confirmed minutes in one grouped query, not one query each.
        var confirmed = await hours.ConfirmedMinutesAsync(programId, ct);
        // Titles only: what the holder completed is on the certificate, never their quiz scores or reflections.
        var completed = await training.TitlesAsync(programId, ct);
        foreach (var person in people)
        {
            var from = program.StartsOn ?? DateOnly.FromDateTime(person.EnrolledAt);
            var minutes = confirmed.GetValueOrDefault(person.UserId);
            db.Add(new Certificate(programId, person.UserId, person.DisplayName, young.Contains(person.UserId) ? FirstNameAndInitial(person.DisplayName) : person.DisplayName,
                program.Name, program.Organisation, person.Role, from > to ? to : from, to, minutes, now, completed.GetValueOrDefault(person.UserId)));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another request issued them at the same moment (a participant's page and the coordinator's list): theirs
            // stand, and any still missing are issued on the next call.
            foreach (var added in db.ChangeTracker.Entries<Certificate>().Where(x => x.State == EntityState.Added).ToList())
            {
                added.State = EntityState.Detached;
            }
        }
    }

    /// <summary>
    /// "Menna Tee" → "Menna T." (a minor's name on the public page, ADR 63). The initial is the last name's first whole
    /// character (ADR 113): its first UTF-16 unit is half of "🌟" or "𝓣", which PostgreSQL refuses to store.
    /// </summary>
    public static string FirstNameAndInitial(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            0 => "",
            1 => parts[0],
            _ => $"{parts[0]} {StringInfo.GetNextTextElement(parts[^1]).ToUpperInvariant()}.",
        };
    }

    public async Task<IReadOnlyList<MyCertificateView>> MineAsync(Actor actor, CancellationToken ct)
    {
        // A program that closed before certificates existed issues its participants' certificates now.
        var closedWithout = await db.Enrolments.Where(e => e.UserId == actor.UserId
                && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer)
                && db.Programs.Any(p => p.Id == e.ProgramId && p.Status == ProgramStatus.Closed)
                && !db.Set<Certificate>().Any(c => c.ProgramId == e.ProgramId && c.UserId == actor.UserId))
            .Select(e => e.ProgramId).Distinct().ToListAsync(ct);
        foreach (var programId in closedWithout)
        {
            await IssueAsync(programId, ct);
        }
        var mine = await db.Set<Certificate>().Where(c => c.UserId == actor.UserId).OrderByDescending(c => c.IssuedAt).Take(100).ToListAsync(ct);
        return mine.Select(ToMyView).ToList();
    }

    public MyCertificateView ToMyView(Certificate c)
    {
        var verify = VerifyUrl(c.Id);
        return new MyCertificateView(c.Id, c.ProgramId, c.ProgramName, c.OrganisationName, c.HolderName, c.Role, c.From, c.To, c.ConfirmedMinutes, c.IssuedAt,
            $"/api/v1/me/certificates/{c.Id}/pdf", verify,
            LinkedInCertification.AddToProfileUrl($"{c.ProgramName} ({c.Role})", c.OrganisationName, c.IssuedAt, verify, c.Id.ToString("N")[..12].ToUpperInvariant()),
            c.Training());
    }

    public string VerifyUrl(Guid certificateId) => email.Value.Link($"/certificates/verify/{codes.For(certificateId)}");

    /// <summary>The holder's own certificate as a PDF (404 for anyone else's).</summary>
    public async Task<Outcome<(byte[] Pdf, string FileName)>> PdfAsync(Actor actor, Guid certificateId, CancellationToken ct)
    {
        await MineAsync(actor, ct);
        var certificate = await db.Set<Certificate>().SingleOrDefaultAsync(c => c.Id == certificateId && c.UserId == actor.UserId, ct);
        if (certificate is null)
        {
            return new NotFound("No certificate of yours has this id.");
        }
        var pdf = CertificatePdf.Render(certificate, VerifyUrl(certificate.Id));
        var slug = new string(certificate.ProgramName.Select(ch => char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-').ToArray()).Trim('-');
        return (pdf, $"certificate-{(slug.Length == 0 ? "program" : slug)}.pdf");
    }

    public async Task<Outcome<Paged<ProgramCertificateView>>> ProgramAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators list its certificates.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        await IssueAsync(programId, ct);
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<Certificate>().Where(c => c.ProgramId == programId);
        var items = await query.OrderBy(c => c.HolderName).ThenBy(c => c.Id).Page(request)
            .Select(c => new ProgramCertificateView(c.Id, c.UserId, c.HolderName, c.Role, c.From, c.To, c.ConfirmedMinutes, c.IssuedAt))
            .ToListAsync(ct);
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>Anyone asks whether a code is a genuine certificate's; the answer is never an error.</summary>
    public async Task<CertificateVerification> VerifyAsync(string? code, CancellationToken ct)
    {
        if (codes.Open(code) is not { } id
            || await db.Set<Certificate>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is not { } c)
        {
            return new CertificateVerification(false, NotGenuine, null, null, null, null, null, null, null, null, null);
        }
        return new CertificateVerification(true, $"A genuine certificate issued by {c.OrganisationName} through Tandem.", c.PublicName, c.ProgramName,
            c.OrganisationName, RoleName(c.Role), c.From, c.To, ServiceHours.Hours(c.ConfirmedMinutes), DateOnly.FromDateTime(c.IssuedAt), c.Training());
    }

    public static string RoleName(ProgramRole role) => role switch
    {
        ProgramRole.Mentor => "Mentor",
        ProgramRole.Mentee => "Mentee",
        ProgramRole.Peer => "Peer mentor",
        _ => role.ToString(),
    };
}
