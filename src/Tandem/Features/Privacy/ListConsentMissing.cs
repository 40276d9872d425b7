using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>
/// A participant of a program whose consent to it is not given (none recorded yet, or waiting, refused, withdrawn, asked
/// again, or a child's own "yes" the consent gate does not count under the consent age), who answered last, and whether
/// the school may record its consent for them (not over their or their guardian's "no", and not for an adult: ADR 101).
/// </summary>
public sealed record ConsentMissingView(Guid UserId, string Name, ConsentState? State, ConsentGiver? Giver, bool SchoolMayRecord, bool Adult);

/// <summary>
/// The program's participants (enrolled mentors, mentees and peers, and applicants) without a given consent to it, by
/// name: whom the school can authorise, and those who refused or withdrew (listed, but not the school's to answer for).
/// For the program's managers.
/// </summary>
public sealed class ListConsentMissing(TandemDb db, ProgramAccess programs, IConsentAges ages)
{
    public async Task<Outcome<Paged<ConsentMissingView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators see its consents.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        // The gate's meaning (ConsentGate): under the consent age only a guardian's or the school's "yes" counts.
        var given = ConsentRules.Given(db, programId);
        var givenForAChild = ConsentRules.GivenForAChild(db, programId);
        var young = await ages.UnderConsentAgeAsync(programId, ct);
        var people = db.Users.AsNoTracking().Where(u =>
            (db.Enrolments.Any(e => e.ProgramId == programId && e.UserId == u.Id
                    && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer))
                || db.Set<Consent>().Any(c => c.ProgramId == programId && c.UserId == u.Id && c.Purpose == ConsentPurpose.Program))
            && (!given.Contains(u.Id) || (young.Contains(u.Id) && !givenForAChild.Contains(u.Id))));
        var total = await people.CountAsync(ct);
        var consents = db.Set<Consent>().Where(c => c.ProgramId == programId && c.Purpose == ConsentPurpose.Program);
        var rows = await people.OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Page(paging)
            .Select(u => new
            {
                u.Id, u.DisplayName,
                State = consents.Where(c => c.UserId == u.Id).Select(c => (ConsentState?)c.State).FirstOrDefault(),
                Giver = consents.Where(c => c.UserId == u.Id).Select(c => c.Giver).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var adults = (await ages.AdultsAsync(rows.Select(r => r.Id).ToList(), ct)).ToHashSet();
        var items = rows.Select(r => new ConsentMissingView(r.Id, r.DisplayName, r.State, r.Giver,
            !ConsentRules.IsTheirNo(r.State, r.Giver) && !adults.Contains(r.Id), adults.Contains(r.Id))).ToList();
        return paging.Of(items, total);
    }
}
