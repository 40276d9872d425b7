using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Applications;

/// <summary>A minor is someone who gave an age under 18 on an application (asked only where the organisation includes minors).</summary>
internal sealed class ApplicantAges(TandemDb db) : Privacy.IMinors
{
    public async Task<IReadOnlyList<Guid>> WhichAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct) =>
        await db.Set<Application>().AsNoTracking()
            .Where(a => userIds.Contains(a.UserId) && a.Age != null && a.Age < 18)
            .Select(a => a.UserId).Distinct().ToListAsync(ct);
}

/// <summary>
/// Who in a program may not be matched or contacted yet (ADR 48): anyone whose consent to the program is recorded and not
/// given (waiting for a guardian, refused, withdrawn, asked again after a notice changed), and any applicant under the
/// organisation's consent age without a consent given by a guardian or the school (an application from before consent
/// was recorded, or a child's own "yes" given on another application that typed an adult's age).
/// </summary>
public static class ConsentGate
{
    public static async Task<IQueryable<Guid>> UnconsentedAsync(TandemDb db, Guid programId, CancellationToken ct)
    {
        var given = Privacy.ConsentRules.GivenForAChild(db, programId);
        var young = (await UnderConsentAgeAsync(db, programId, ct)).Where(u => !given.Contains(u));
        return Privacy.ConsentRules.NotGiven(db, programId).Union(young);
    }

    /// <summary>Applicants of the program who gave an age under the organisation's consent age (where it includes minors).</summary>
    public static async Task<IQueryable<Guid>> UnderConsentAgeAsync(TandemDb db, Guid programId, CancellationToken ct)
    {
        var consentAge = await db.Programs.Where(p => p.Id == programId)
            .Select(p => db.Organisations.Where(o => o.Id == p.OrganisationId && o.IncludesMinors).Select(o => (int?)o.ConsentAge).FirstOrDefault())
            .FirstOrDefaultAsync(ct) ?? 0;
        return db.Set<Application>().Where(a => a.ProgramId == programId && a.Age != null && a.Age < consentAge).Select(a => a.UserId);
    }

    /// <summary>Whether the program may not match or contact this one person now.</summary>
    public static async Task<bool> HoldsBackAsync(TandemDb db, Guid programId, Guid userId, CancellationToken ct) =>
        await (await UnconsentedAsync(db, programId, ct)).AnyAsync(u => u == userId, ct);
}

/// <summary>Addresses a program knows as applicants, or holds back behind its consent gate, for Recruitment's invitations (ADR 106).</summary>
internal sealed class ProgramApplicants(TandemDb db) : Recruitment.IProgramApplicants
{
    public async Task<IReadOnlyList<(string NormalizedEmail, Guid UserId)>> AmongAsync(Guid programId, IReadOnlyCollection<string> normalizedEmails, CancellationToken ct)
    {
        if (normalizedEmails.Count == 0)
        {
            return [];
        }
        var emails = normalizedEmails.Distinct().ToList();
        var unconsented = await ConsentGate.UnconsentedAsync(db, programId, ct);
        var found = await db.Users.AsNoTracking()
            .Where(u => emails.Contains(u.NormalizedEmail!)
                && (db.Set<Application>().Any(a => a.ProgramId == programId && a.UserId == u.Id) || unconsented.Contains(u.Id)))
            .Select(u => new { u.NormalizedEmail, u.Id })
            .ToListAsync(ct);
        return found.Select(u => (u.NormalizedEmail!, u.Id)).ToList();
    }
}

/// <summary><see cref="ConsentGate"/> for the features that notify and cannot reference Applications (<see cref="Notifications.IProgramConsent"/>).</summary>
internal sealed class ProgramConsent(TandemDb db) : Notifications.IProgramConsent, Privacy.IConsentAges
{
    public Task<IQueryable<Guid>> UnderConsentAgeAsync(Guid programId, CancellationToken ct) => ConsentGate.UnderConsentAgeAsync(db, programId, ct);

    // The caller's context, not this one's: the rows are composed into the caller's query.
    public IQueryable<Privacy.ProgramPerson> UndecidedApplications(TandemDb context) => context.Set<Application>()
        .Where(a => a.Status == ApplicationStatus.Draft || a.Status == ApplicationStatus.Submitted || a.Status == ApplicationStatus.Waitlisted)
        .Select(a => new Privacy.ProgramPerson { ProgramId = a.ProgramId, UserId = a.UserId });

    public async Task<IReadOnlyList<Guid>> AdultsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        var ages = await db.Set<Application>().AsNoTracking().Where(a => ids.Contains(a.UserId) && a.Age != null)
            .Select(a => new { a.UserId, Age = a.Age!.Value }).ToListAsync(ct);
        return ages.GroupBy(a => a.UserId).Where(g => g.All(a => a.Age >= 18)).Select(g => g.Key).ToList();
    }

    public async Task<IReadOnlySet<Guid>> UnconsentedAmongAsync(Guid programId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return new HashSet<Guid>();
        }
        var ids = userIds.Distinct().ToList();
        var unconsented = await ConsentGate.UnconsentedAsync(db, programId, ct);
        return (await unconsented.Where(id => ids.Contains(id)).ToListAsync(ct)).ToHashSet();
    }
}
