using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>A person to pick on the organisation's privacy pages.</summary>
public sealed record PersonChoice(Guid UserId, string Name, string Email);

/// <summary>What a search for people found: at most <see cref="FindOrganisationPeople.Limit"/>, and whether there were more.</summary>
public sealed record PeopleFound(IReadOnlyList<PersonChoice> People, bool More);

/// <summary>
/// The people whose data an organisation holds, for its data-protection lead: its members, anyone enrolled in one of its
/// programs, and anyone with a consent in one (every applicant has one from their first submission, ADR 48).
/// </summary>
public static class OrganisationPeople
{
    public static IQueryable<TandemUser> In(TandemDb db, Guid organisationId) => db.Users.Where(u =>
        db.OrganisationMemberships.Any(m => m.OrganisationId == organisationId && m.UserId == u.Id)
        || db.Enrolments.Any(e => e.UserId == u.Id && db.Programs.Any(p => p.Id == e.ProgramId && p.OrganisationId == organisationId))
        || db.Set<Consent>().Any(c => c.UserId == u.Id && c.OrganisationId == organisationId));

    /// <summary>The organisation's people and anyone its audit log names as a reader (an administrator may be neither).</summary>
    internal static IQueryable<TandemUser> InOrAuditedBy(TandemDb db, Guid organisationId)
    {
        var people = In(db, organisationId).Select(u => u.Id);
        var readers = db.Set<AuditEntry>().Where(a => a.OrganisationId == organisationId).Select(a => a.ActorUserId);
        return db.Users.Where(u => people.Contains(u.Id) || readers.Contains(u.Id));
    }
}

/// <summary>
/// Finds people on an organisation's privacy pages (the audit log's filters, the export on request) by part of their name
/// or e-mail address: the organisation's coordinators and administrators only.
/// </summary>
public sealed class FindOrganisationPeople(TandemDb db)
{
    public const int Limit = 20;

    public async Task<Outcome<PeopleFound>> RunAsync(Actor actor, Guid organisationId, string? text, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var term = text?.Trim() ?? "";
        if (term.Length is < 2 or > 256)
        {
            return Invalid.Field("search", "Type at least two letters of a name or an e-mail address.");
        }
        var lower = term.ToLowerInvariant();
        var upper = term.ToUpperInvariant();
        var found = await OrganisationPeople.InOrAuditedBy(db, organisationId)
            .Where(u => u.DisplayName.ToLower().Contains(lower) || (u.NormalizedEmail != null && u.NormalizedEmail.Contains(upper)))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Take(Limit + 1)
            .Select(u => new PersonChoice(u.Id, u.DisplayName, u.Email ?? ""))
            .ToListAsync(ct);
        return new PeopleFound(found.Take(Limit).ToList(), found.Count > Limit);
    }

    /// <summary>
    /// One person of the organisation (or a reader in its log) by id; 404 when neither. As a <paramref name="reader"/>, also an
    /// id the organisation's log names with no account behind it: a guardian's or the operator's pseudonym, named as the log
    /// names them (ADR 122), so the log's "read by" link for them lists their reads.
    /// </summary>
    public async Task<Outcome<PersonChoice>> GetAsync(Actor actor, Guid organisationId, Guid userId, CancellationToken ct = default, bool reader = false)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var person = await OrganisationPeople.InOrAuditedBy(db, organisationId).Where(u => u.Id == userId)
            .Select(u => new PersonChoice(u.Id, u.DisplayName, u.Email ?? "")).SingleOrDefaultAsync(ct);
        if (person is null && reader)
        {
            var purpose = await db.Set<AuditEntry>().Where(a => a.OrganisationId == organisationId && a.ActorUserId == userId)
                .Select(a => a.Purpose).FirstOrDefaultAsync(ct);
            if (purpose is not null)
            {
                var name = purpose.StartsWith(Guardians.PurposePrefix) ? Guardians.ReaderName
                    : purpose.StartsWith(Operators.PurposePrefix) ? Operators.ReaderName : "(deleted account)";
                return new PersonChoice(userId, name, "");
            }
        }
        return person is null ? new NotFound("Nobody with this id belongs to the organisation.") : person;
    }
}
