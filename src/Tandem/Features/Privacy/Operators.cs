using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Privacy;

/// <summary>
/// The installation's operator, who acts from the command line with no account (ADR 102): a pseudonym in the audit log's
/// reader column and in an erasure request's decider, as a guardian has one (ADR 52).
/// </summary>
public static class Operators
{
    /// <summary>Every audit entry of the operator's read starts its purpose with this.</summary>
    public const string PurposePrefix = "Operator: ";

    /// <summary>The reader's name the access logs show for the operator's read.</summary>
    public const string ReaderName = "the installation's operator";

    /// <summary>A fixed Guid that is no account's: the first 16 bytes of SHA-256("tandem-operator").</summary>
    public static readonly Guid Pseudonym = new(SHA256.HashData(Encoding.UTF8.GetBytes("tandem-operator"))[..16]);

    /// <summary>The organisations that hold the person's data (a member, enrolled in a program, or with a consent there).</summary>
    public static async Task<IReadOnlyList<Guid>> OrganisationsOfAsync(TandemDb db, Guid userId, CancellationToken ct)
    {
        var members = db.OrganisationMemberships.Where(m => m.UserId == userId).Select(m => m.OrganisationId);
        var enrolled = db.Enrolments.Where(e => e.UserId == userId).Join(db.Programs, e => e.ProgramId, p => p.Id, (_, p) => p.OrganisationId);
        var consented = db.Set<Consent>().Where(c => c.UserId == userId).Select(c => c.OrganisationId);
        return await members.Union(enrolled).Union(consented).Distinct().ToListAsync(ct);
    }
}
