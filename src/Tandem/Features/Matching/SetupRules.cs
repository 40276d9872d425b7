using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;
using Tandem.Matching;
using CriterionKind = Tandem.Features.Applications.CriterionKind;

namespace Tandem.Features.Matching;

/// <summary>Builds and checks setups, and previews what their hard rules do to a pool.</summary>
public static class SetupRules
{
    /// <summary>The longest criterion name (the API's <see cref="CriterionInput.Name"/> says the same).</summary>
    public const int MaxName = 60;

    /// <summary>The most criteria a setup has (the API's <see cref="SaveMatchingSetupRequest.Criteria"/> says the same).</summary>
    public const int MaxCriteria = 30;

    /// <summary>The greatest weight, least and greatest value either way (the API's ranges).</summary>
    public const int MaxMagnitude = 1000;

    /// <summary>
    /// A criterion's name when the coordinator gives none: the question's text as explanations read it ("same
    /// Favourite subject: Maths"), never its key; at most 60 characters, as a typed name.
    /// </summary>
    public static string NameOf(string prompt)
    {
        var name = prompt.Trim().TrimEnd('?', ':', '.', ' ');
        name = name.Length == 0 ? prompt.Trim() : name;
        // Cut between whole characters: half an emoji is refused by PostgreSQL wherever the name is written (ADR 127).
        return name.Length <= MaxName ? name : WholeCharacters.Within(name, MaxName - 1).TrimEnd() + "…";
    }

    /// <summary>
    /// Checks a setup against the pool's forms and the setup's own rules. The page posts what the API's DataAnnotations
    /// would refuse (a name over 60 characters, NaN, a group of 40), so the limits are checked here, for both (ADR 127).
    /// </summary>
    public static Outcome<IReadOnlyList<SetupCriterion>> Check(PoolData pool, SaveMatchingSetupRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Criteria.Count > MaxCriteria)
        {
            errors["criteria"] = [$"A setup has at most {MaxCriteria} criteria."];
        }
        var seekerRole = pool.IsPeer ? ProgramRole.Peer : ProgramRole.Mentee;
        var offerRole = pool.IsPeer ? ProgramRole.Peer : ProgramRole.Mentor;
        var criteria = new List<SetupCriterion>();
        for (var i = 0; i < request.Criteria.Count; i++)
        {
            var c = request.Criteria[i];
            var key = $"criteria[{i}]";
            var mentorQuestion = string.IsNullOrWhiteSpace(c.MentorQuestionId) ? c.QuestionId : c.MentorQuestionId.Trim();
            var row = $"Criterion {i + 1}";
            if (c.Name.Trim().Length is 0 or > MaxName)
            {
                errors[$"{key}.name"] = [c.Name.Trim().Length == 0 ? $"{row}: give it a name." : $"{row}: a name is at most {MaxName} characters."];
            }
            if (Math.Abs(c.Weight) > MaxMagnitude)
            {
                errors[$"{key}.weight"] = [$"{row}: a weight is from -{MaxMagnitude} to {MaxMagnitude}."];
            }
            // NaN and infinity pass a number box's parse but not the setup's JSON (a 500 on saving).
            if (!Fits(c.Minimum) || !Fits(c.Maximum))
            {
                errors[$"{key}.{(Fits(c.Minimum) ? "maximum" : "minimum")}"] = [$"{row}: the least and the greatest value are numbers from -{MaxMagnitude} to {MaxMagnitude}."];
            }
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
        if (pool.IsPeer && request.GroupSize is < 2 or > 12)
        {
            errors["groupSize"] = ["Group size is from 2 to 12."];
        }
        if (request.Mix is { } mix)
        {
            var question = pool.Questions.TryGetValue(ProgramRole.Peer, out var peerQuestions) ? peerQuestions.FirstOrDefault(q => q.Id == mix.QuestionId.Trim()) : null;
            if (!pool.IsPeer || request.GroupSize <= 2)
            {
                errors["mix"] = ["A mix is for study groups: a peer program with groups of 3 or more."];
            }
            else if (question is null || question.Type is not (QuestionType.SingleChoice or QuestionType.MultipleChoice or QuestionType.Scale))
            {
                errors["mix.questionId"] = [$"Mix the answers of a choice or scale question of the peer form; '{mix.QuestionId}' is not one."];
            }
            else if (mix.AtLeast is < 2 or > 12)
            {
                errors["mix.atLeast"] = ["A mix asks for 2 to 12 different answers."];
            }
            else if (mix.AtLeast > request.GroupSize)
            {
                errors["mix.atLeast"] = [$"A group of {request.GroupSize} cannot have {mix.AtLeast} different answers."];
            }
        }
        if (pool.IsPeer && request.Goal != MatchingGoal.BestTotal)
        {
            errors["goal"] = [request.Goal == MatchingGoal.Stable
                ? "Stable matching by the participants' rankings is for mentor–mentee matching; peer pairs and study groups aim for the best total."
                : "Raising the worst-off first is for mentor–mentee matching; peer pairs and study groups aim for the best total."];
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

    private static bool Fits(double? value) => value is not { } v || (double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude);

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
