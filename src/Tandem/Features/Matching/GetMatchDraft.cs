using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>A draft with its proposals (paged), the people left over, the rules in force and the comparison with the previous draft.</summary>
public sealed class GetMatchDraft(TandemDb db, MatchingAccess access, Privacy.AuditLog audit)
{
    public const int MaxPageSize = 200;

    /// <summary>The page size of a draft's proposals when none is asked for, and of the view a run answers with.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The audit log's purpose for a read of matching's explanations (a draft's, a person's candidates').</summary>
    public const string ExplanationsPurpose = "Matching draft explanations";

    /// <summary>The newest draft of the program when <paramref name="draftId"/> is null.</summary>
    public async Task<Outcome<MatchDraftView>> RunAsync(Actor actor, Guid programId, Guid? draftId, int page = 1, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var drafts = db.Set<MatchDraft>().AsNoTracking().Where(d => d.ProgramId == programId);
        var draft = draftId is { } id
            ? await drafts.SingleOrDefaultAsync(d => d.Id == id, ct)
            : await drafts.OrderByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        if (draft is null)
        {
            return new NotFound(draftId is null ? "This program has no matching draft yet; run matching first." : "No such draft in this program.");
        }
        var rules = await db.Set<MatchRule>().AsNoTracking().Where(r => r.ProgramId == programId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        return await ViewAsync(actor, found.Value!, draft, rules, null, PageRequest.Clamp(page, pageSize, MaxPageSize), ct);
    }

    /// <summary>
    /// The mentor (or first peer) and mentee (or second peer) of one proposal of any of the program's drafts: for a page's
    /// row form posted after the row left the page (a newer draft, another page), so its use case still answers (ADR 127).
    /// </summary>
    public async Task<Outcome<(Guid First, Guid Second)>> PairAsync(Actor actor, Guid programId, Guid proposalId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pair = await db.Set<MatchProposal>().AsNoTracking()
            .Where(p => p.Id == proposalId && db.Set<MatchDraft>().Any(d => d.Id == p.DraftId && d.ProgramId == programId))
            .Select(p => new { p.FirstEnrolmentId, p.SecondEnrolmentId }).SingleOrDefaultAsync(ct);
        if (pair is null)
        {
            return new NotFound("No such proposal in this program's drafts; reload the page.");
        }
        return (pair.FirstEnrolmentId, pair.SecondEnrolmentId);
    }

    /// <summary>A page of the people a draft leaves without a match, in the order the run listed them.</summary>
    public async Task<Outcome<Paged<UnmatchedPerson>>> UnmatchedAsync(Actor actor, Guid programId, Guid draftId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (!await db.Set<MatchDraft>().AnyAsync(d => d.Id == draftId && d.ProgramId == programId, ct))
        {
            return new NotFound("No such draft in this program.");
        }
        var paging = PageRequest.Clamp(page, pageSize, MaxPageSize);
        return await UnmatchedPageAsync(draftId, paging, ct);
    }

    /// <summary>The certificate that proves a draft optimal; 404 for a draft without one (peer drafts, drafts not proven).</summary>
    public async Task<Outcome<MatchCertificateView>> CertificateAsync(Actor actor, Guid programId, Guid draftId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var draft = await db.Set<MatchDraft>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId && d.ProgramId == programId, ct);
        if (draft is null)
        {
            return new NotFound("No such draft in this program.");
        }
        var certificate = await db.Set<MatchDraftCertificate>().AsNoTracking().SingleOrDefaultAsync(c => c.DraftId == draftId, ct);
        if (certificate is null)
        {
            return new NotFound("This draft has no certificate: " + Proof(draft).Statement);
        }
        var duals = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<Guid, long>>>(certificate.DualsJson) ?? [];
        return new MatchCertificateView(draftId, draft.ProvenOptimal, certificate.CardinalityBonus, certificate.PrimalWeight, certificate.DualObjective,
            certificate.PairsChecked, duals.GetValueOrDefault("mentees") ?? [], duals.GetValueOrDefault("mentors") ?? [], Proof(draft).Statement);
    }

    /// <summary>What the draft's proof says, in a sentence a coordinator can read.</summary>
    public static DraftProof Proof(MatchDraft draft) => new(draft.ProvenOptimal, draft.TotalScore, draft.Goal == MatchingGoal.Stable && draft.StabilityStatement is { } stable
        ? stable
        : draft.ProvenOptimal
        ? $"Proven optimal: no other way of pairing this pool under the same setup, locks and prohibitions matches more mentees, or as many with a total score above {draft.TotalScore:N0}. The engine checked a certificate against every allowed pair."
        : draft.Source == MatchDraftSource.Imported
            ? "Imported from a result solved outside Tandem: every pair was checked against the pool's hard rules, prohibitions and places, but Tandem has not proven it optimal."
            : "Not proven optimal: the engine gives a checked certificate for mentor–mentee matching; peer pairs and study groups are its best result without one.",
        draft.Goal, draft.LowestScore, draft.FairnessStatement, draft.GroupStatement);

    /// <param name="total">How many there are, when the caller knows (the draft's figures); counted otherwise.</param>
    private async Task<Paged<UnmatchedPerson>> UnmatchedPageAsync(Guid draftId, PageRequest paging, CancellationToken ct, int? total = null)
    {
        var entries = db.Set<UnmatchedEntry>().AsNoTracking().Where(e => e.DraftId == draftId);
        total ??= await entries.CountAsync(ct);
        var rows = await entries.OrderBy(e => e.Position).Page(paging).ToListAsync(ct);
        return paging.Of(rows.Select(r => r.ToPerson()).ToList(), total.Value);
    }

    private async Task<MatchDraftView> ViewAsync(Actor actor, MentorshipProgram program, MatchDraft draft, IReadOnlyList<MatchRule> rules, int? proposalCount,
        PageRequest paging, CancellationToken ct)
    {
        var programId = program.Id;
        var proposals = db.Set<MatchProposal>().AsNoTracking().Where(p => p.DraftId == draft.Id);
        var total = proposalCount ?? await proposals.CountAsync(ct);
        var pageRows = await proposals.OrderBy(p => p.GroupNumber).ThenBy(p => p.Id).Page(paging).ToListAsync(ct);
        var unmatched = await UnmatchedPageAsync(draft.Id, PageRequest.Clamp(1, DefaultPageSize, MaxPageSize), ct, draft.Unmatched);

        var ids = pageRows.SelectMany(p => new[] { p.FirstEnrolmentId, p.SecondEnrolmentId })
            .Concat(rules.SelectMany(r => new[] { r.FirstEnrolmentId, r.SecondEnrolmentId }))
            .ToHashSet();
        var people = await People.LoadAsync(db, ids, ct);
        // The explanations quote the people's application answers: a coordinator's read of a minor's is audited, before
        // it is shown, as the application's review is (ADR 111).
        await audit.RecordAsync(actor, pageRows.SelectMany(p => new[] { people[p.FirstEnrolmentId].UserId, people[p.SecondEnrolmentId].UserId }).ToList(),
            Privacy.AuditRecord.Application, draft.Id, programId, ExplanationsPurpose, ct);
        var locks = rules.Where(r => r.Kind == MatchRuleKind.Lock).Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();
        var view = pageRows.Select(p => new ProposalView(p.Id, p.GroupNumber, people[p.FirstEnrolmentId], people[p.SecondEnrolmentId], p.Score,
            p.Locked || (draft.Status == MatchDraftStatus.Draft && locks.Contains((p.FirstEnrolmentId, p.SecondEnrolmentId))), p.Explanation(),
            p.MenteeChoice, p.MentorChoice, p.ChoiceNote)).ToList();
        var ruleViews = rules.Select(r => new MatchRuleView(r.Id, r.Kind, people[r.FirstEnrolmentId], people[r.SecondEnrolmentId], r.CreatedAt)).ToList();
        return new MatchDraftView(draft.Id, programId, program.Name, program.Pairing, draft.Number, draft.Status, draft.CreatedAt,
            draft.StartsOn, draft.PublishedAt, draft.Criteria(),
            new DraftFigures(draft.Matched, draft.Unmatched, draft.AverageScore, draft.PairsSharingFreeTime, total),
            paging.Of(view, total), unmatched.Items, ruleViews, draft.Comparison(), Proof(draft));
    }
}
