using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;
using CriterionKind = Tandem.Features.Applications.CriterionKind;

namespace Tandem.Features.Matching;

public sealed class CriterionInput
{
    [Required, StringLength(60, MinimumLength = 1)]
    public string Name { get; set; } = "";

    [Required]
    public CriterionKind? Kind { get; set; }

    /// <summary>The question read on the mentee's (or peer's) form.</summary>
    [Required, StringLength(40, MinimumLength = 1)]
    public string QuestionId { get; set; } = "";

    /// <summary>The question read on the mentor's form when it differs (e.g. skills offered against skills sought).</summary>
    [StringLength(40)]
    public string? MentorQuestionId { get; set; }

    [Range(-1000, 1000)]
    public int Weight { get; set; } = 1;

    /// <summary>A hard rule: pairs that fail it are never proposed.</summary>
    public bool Required { get; set; }

    /// <summary>Least count (shared values, common free hours: a hard rule when set) or least gap (numeric gap).</summary>
    [Range(-1000, 1000)]
    public double? Minimum { get; set; }

    /// <summary>Greatest gap (numeric gap).</summary>
    [Range(-1000, 1000)]
    public double? Maximum { get; set; }
}

public sealed class SaveMatchingSetupRequest
{
    [Required, MaxLength(30, ErrorMessage = "A setup has at most 30 criteria.")]
    public List<CriterionInput> Criteria { get; set; } = [];

    /// <summary>Peer programs: 2 forms pairs, more forms study groups of that size.</summary>
    [Range(2, 12)]
    public int GroupSize { get; set; } = 2;
}

public sealed record SetupQuestionView(string Id, ProgramRole Role, string Prompt, QuestionType Type, bool Private, CriterionKind? Criterion);

/// <summary>How many pairs of the current pool one hard rule forbids on its own.</summary>
public sealed record HardRulePreview(string Criterion, string Rule, long ForbiddenPairs);

public sealed record MatchingPreview(int Mentees, int Mentors, long Pairs, IReadOnlyList<HardRulePreview> HardRules, long ForbiddenByAllRules);

public sealed record MatchingSetupView(
    Guid ProgramId, string ProgramName, PairingModel Pairing, bool IsDefault, int GroupSize,
    IReadOnlyList<SetupCriterion> Criteria, IReadOnlyList<SetupQuestionView> Questions, MatchingPreview Preview);

/// <summary>Coordinators only: 404 when the program is not visible, 403 when visible but not managed.</summary>
public sealed class MatchingAccess(ScreeningAccess screening, TandemDb db)
{
    public async Task<Outcome<MentorshipProgram>> FindAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await screening.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return await db.Programs.AsNoTracking().SingleAsync(p => p.Id == programId, ct);
    }
}

/// <summary>Builds and checks setups, and previews what their hard rules do to a pool.</summary>
public static class SetupRules
{
    public static Outcome<IReadOnlyList<SetupCriterion>> Check(PoolData pool, SaveMatchingSetupRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var seekerRole = pool.IsPeer ? ProgramRole.Peer : ProgramRole.Mentee;
        var offerRole = pool.IsPeer ? ProgramRole.Peer : ProgramRole.Mentor;
        var criteria = new List<SetupCriterion>();
        for (var i = 0; i < request.Criteria.Count; i++)
        {
            var c = request.Criteria[i];
            var key = $"criteria[{i}]";
            var mentorQuestion = string.IsNullOrWhiteSpace(c.MentorQuestionId) ? c.QuestionId : c.MentorQuestionId.Trim();
            if (!Asks(pool, seekerRole, c.QuestionId) && !Asks(pool, offerRole, c.QuestionId))
            {
                errors[$"{key}.questionId"] = [$"No {ScreeningAccess.Slug(seekerRole)} or {ScreeningAccess.Slug(offerRole)} question has the id '{c.QuestionId}'."];
            }
            else if (!Asks(pool, offerRole, mentorQuestion) && !Asks(pool, seekerRole, mentorQuestion))
            {
                errors[$"{key}.mentorQuestionId"] = [$"No question has the id '{mentorQuestion}'."];
            }
            if (criteria.Any(x => string.Equals(x.Name, c.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors[$"{key}.name"] = ["Give each criterion its own name."];
            }
            if (c.Kind == CriterionKind.AvailabilityOverlap && criteria.Any(x => x.Kind == CriterionKind.AvailabilityOverlap))
            {
                errors[$"{key}.kind"] = ["Only one criterion can compare free time."];
            }
            if (c.Kind is CriterionKind.SharedValues or CriterionKind.AvailabilityOverlap && c.Minimum is { } m && (m < 0 || m != Math.Floor(m)))
            {
                errors[$"{key}.minimum"] = ["A least count is a whole number of at least 0."];
            }
            if (c.Minimum is { } lo && c.Maximum is { } hi && lo > hi)
            {
                errors[$"{key}.maximum"] = ["The greatest gap must not be below the least gap."];
            }
            criteria.Add(new SetupCriterion(c.Name.Trim(), c.Kind!.Value, c.QuestionId.Trim(), mentorQuestion, c.Weight, c.Required,
                c.Kind is CriterionKind.SameValue or CriterionKind.DifferentValue ? null : c.Minimum,
                c.Kind == CriterionKind.NumericGap ? c.Maximum : null));
        }
        if (!pool.IsPeer && request.GroupSize != 2)
        {
            errors["groupSize"] = ["Group size applies to peer programs; in a mentor–mentee program, mentor capacity makes groups."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        try
        {
            _ = new PoolScoring(pool with { Mentees = [], Mentors = [] }, criteria);
        }
        catch (ArgumentException e)
        {
            return Invalid.Field("criteria", e.Message);
        }
        return criteria;
    }

    private static bool Asks(PoolData pool, ProgramRole role, string questionId) =>
        pool.Questions.TryGetValue(role, out var qs) && qs.Any(q => q.Id == questionId);

    public static bool IsHard(SetupCriterion c) => c.Required
        || (c.Kind is CriterionKind.SharedValues or CriterionKind.AvailabilityOverlap && c.Minimum is > 0);

    public static string Describe(SetupCriterion c) => c.Kind switch
    {
        CriterionKind.AvailabilityOverlap => $"at least {c.Minimum ?? 1} common free hour(s)",
        CriterionKind.SharedValues => $"at least {c.Minimum ?? 1} {c.Name} in common",
        CriterionKind.SameValue => $"same {c.Name}",
        CriterionKind.DifferentValue => $"different {c.Name}",
        _ => $"mentor's {c.Name} minus mentee's between {c.Minimum?.ToString() ?? "any"} and {c.Maximum?.ToString() ?? "any"}",
    };

    /// <summary>For each hard rule alone, and for all together, how many candidate pairs of the pool it forbids.</summary>
    public static MatchingPreview Preview(PoolData pool, IReadOnlyList<SetupCriterion> criteria)
    {
        var hard = criteria.Where(IsHard).ToList();
        var rules = hard.Select(c => new HardRulePreview(c.Name, Describe(c), Forbidden(pool, [c]))).ToList();
        var all = hard.Count == 0 ? 0 : Forbidden(pool, hard);
        var pairs = pool.IsPeer ? (long)pool.Mentees.Count * (pool.Mentees.Count - 1) / 2 : (long)pool.Mentees.Count * pool.Mentors.Count;
        return new MatchingPreview(pool.Mentees.Count, pool.IsPeer ? pool.Mentees.Count : pool.Mentors.Count, pairs, rules, all);
    }

    private static long Forbidden(PoolData pool, IReadOnlyList<SetupCriterion> criteria)
    {
        var scoring = new PoolScoring(pool, criteria);
        var row = new int[pool.Mentors.Count];
        var rows = new int[pool.Mentees.Count][];
        long count = 0;
        for (var i = 0; i < pool.Mentees.Count; i++)
        {
            scoring.Scorer.ScoreRow(i, row);
            rows[i] = (int[])row.Clone();
        }
        for (var i = 0; i < pool.Mentees.Count; i++)
        {
            for (var j = pool.IsPeer ? i + 1 : 0; j < pool.Mentors.Count; j++)
            {
                var forbidden = rows[i][j] == PairScores.Forbidden && (!pool.IsPeer || rows[j][i] == PairScores.Forbidden);
                if (forbidden)
                {
                    count++;
                }
            }
        }
        return count;
    }
}

public sealed class GetMatchingSetup(MatchingAccess access, MatchingPool pools)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        return View(pool, pool.Criteria, pool.GroupSize, pool.CriteriaAreDefault);
    }

    internal static MatchingSetupView View(PoolData pool, IReadOnlyList<SetupCriterion> criteria, int groupSize, bool isDefault)
    {
        var questions = pool.Questions
            .OrderBy(q => q.Key)
            .SelectMany(q => q.Value.Where(x => x.Type != QuestionType.Consent).Select(x => new SetupQuestionView(x.Id, q.Key, x.Prompt, x.Type, x.Private, x.Criterion)))
            .ToList();
        return new MatchingSetupView(pool.Program.Id, pool.Program.Name, pool.Program.Pairing, isDefault, groupSize, criteria, questions,
            SetupRules.Preview(pool, criteria));
    }
}

/// <summary>Previews a setup against the current pool without saving it.</summary>
public sealed class PreviewMatchingSetup(MatchingAccess access, MatchingPool pools)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, SaveMatchingSetupRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        var criteria = SetupRules.Check(pool, request);
        if (criteria.Failure is { } invalid)
        {
            return invalid;
        }
        return GetMatchingSetup.View(pool, criteria.Value!, request.GroupSize, isDefault: false);
    }
}

public sealed class SaveMatchingSetup(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, SaveMatchingSetupRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        var criteria = SetupRules.Check(pool, request);
        if (criteria.Failure is { } invalid)
        {
            return invalid;
        }
        var setup = await db.Set<MatchSetup>().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        if (setup is null)
        {
            setup = new MatchSetup(programId);
            db.Add(setup);
        }
        setup.Change(criteria.Value!, request.GroupSize, actor.UserId, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("Someone else saved this program's matching setup at the same time; reload and try again.");
        }
        return GetMatchingSetup.View(pool, criteria.Value!, request.GroupSize, isDefault: false);
    }
}
