using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>
/// An exported pool: which enrolment each opaque id of the file stands for ("e1" is <see cref="MenteeIds"/>[0], "m1" is
/// <see cref="MentorIds"/>[0]). Kept so a result solved elsewhere can be read back; the file itself holds no names,
/// answers or enrolment ids.
/// </summary>
public sealed class MatchingExport
{
    private MatchingExport() { }

    public MatchingExport(Guid programId, IReadOnlyList<Guid> mentees, IReadOnlyList<Guid> mentors, long pairs, int? candidates, Guid by, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        MenteeIdsJson = JsonSerializer.Serialize(mentees);
        MentorIdsJson = JsonSerializer.Serialize(mentors);
        Pairs = pairs;
        Candidates = candidates;
        CreatedByUserId = by;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string MenteeIdsJson { get; private set; } = "[]";
    public string MentorIdsJson { get; private set; } = "[]";
    public long Pairs { get; private set; }

    /// <summary>When set, each mentee's pairs were cut to their best this many mentors (the file is then a smaller problem than the pool).</summary>
    public int? Candidates { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public IReadOnlyList<Guid> MenteeIds() => JsonSerializer.Deserialize<List<Guid>>(MenteeIdsJson) ?? [];
    public IReadOnlyList<Guid> MentorIds() => JsonSerializer.Deserialize<List<Guid>>(MentorIdsJson) ?? [];
}

/// <summary>What an export wrote.</summary>
public sealed record ExportSummary(Guid ExportId, int Mentees, int Mentors, long Pairs, int? Candidates);

/// <summary>
/// Writes a mentor–mentee pool as a matching problem in the documented explicit-pairs JSON format (docs/formats.md): opaque
/// ids ("e1", "m1"), each mentor's free places, every allowed pair with its score (or each mentee's best
/// <c>candidates</c>), the coordinator's locks and prohibitions. Streamed: a pool of millions of pairs is never held as text.
/// </summary>
public sealed class ExportMatchingProblem(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock)
{
    public const int MaxCandidates = 1_000;

    public async Task<Outcome<ExportSummary>> RunAsync(Actor actor, Guid programId, Stream output, int? candidates, CancellationToken ct = default)
    {
        if (candidates is < 1 or > MaxCandidates)
        {
            return Invalid.Field("candidates", $"candidates must be between 1 and {MaxCandidates}.");
        }
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        if (program.Pairing == PairingModel.PeerToPeer)
        {
            return new Conflict("Exports are of mentor–mentee pools; a peer program is matched in the app.");
        }
        var pool = await pools.LoadAsync(program, ct);
        PoolScoring scoring;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
        }
        catch (ArgumentException e)
        {
            return Invalid.Field("criteria", $"{MatchingRunProcessor.SetupProblem}: {e.Message}");
        }
        var menteeIndex = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var mentorIndex = pool.Mentors.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var rules = pool.Rules.Where(r => mentorIndex.ContainsKey(r.FirstEnrolmentId) && menteeIndex.ContainsKey(r.SecondEnrolmentId)).ToList();
        var forbidden = rules.Where(r => r.Kind == MatchRuleKind.Forbid).Select(r => (menteeIndex[r.SecondEnrolmentId], mentorIndex[r.FirstEnrolmentId])).ToHashSet();
        var locked = new Dictionary<int, int>();
        foreach (var r in rules.Where(r => r.Kind == MatchRuleKind.Lock))
        {
            locked.TryAdd(menteeIndex[r.SecondEnrolmentId], mentorIndex[r.FirstEnrolmentId]);
        }

        long pairs = 0;
        await using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString("objective", "max-matched-then-score");
            json.WriteStartArray("mentors");
            for (var j = 0; j < pool.Mentors.Count; j++)
            {
                json.WriteStartObject();
                json.WriteString("id", $"m{j + 1}");
                json.WriteNumber("capacity", pool.Mentors[j].Capacity);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("mentees");
            for (var i = 0; i < pool.Mentees.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("id", $"e{i + 1}");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            await json.FlushAsync(ct);
            json.WriteStartArray("pairs");
            var row = new int[pool.Mentors.Count];
            var chosen = new List<(int Mentor, int Score)>();
            for (var i = 0; i < pool.Mentees.Count; i++)
            {
                scoring.Scorer.ScoreRow(i, row);
                chosen.Clear();
                for (var j = 0; j < row.Length; j++)
                {
                    if (row[j] != PairScores.Forbidden && !forbidden.Contains((i, j)))
                    {
                        chosen.Add((j, row[j]));
                    }
                }
                if (candidates is { } k && chosen.Count > k)
                {
                    chosen.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Mentor.CompareTo(b.Mentor));
                    chosen.RemoveRange(k, chosen.Count - k);
                }
                // A locked pair is allowed whatever the rules say, and stays in the file however short the list.
                if (locked.TryGetValue(i, out var lockedMentor) && !chosen.Exists(c => c.Mentor == lockedMentor))
                {
                    chosen.Add((lockedMentor, Math.Clamp((int)scoring.Scorer.Explain(i, lockedMentor).Score, -PairScores.MaxMagnitude, PairScores.MaxMagnitude)));
                }
                chosen.Sort((a, b) => a.Mentor.CompareTo(b.Mentor));
                foreach (var (mentor, score) in chosen)
                {
                    json.WriteStartObject();
                    json.WriteString("mentee", $"e{i + 1}");
                    json.WriteString("mentor", $"m{mentor + 1}");
                    json.WriteNumber("score", score);
                    json.WriteEndObject();
                    pairs++;
                }
                if (json.BytesPending > 1 << 16)
                {
                    await json.FlushAsync(ct);
                }
            }
            json.WriteEndArray();
            json.WriteStartArray("locked");
            foreach (var (mentee, mentor) in locked)
            {
                json.WriteStartObject();
                json.WriteString("mentee", $"e{mentee + 1}");
                json.WriteString("mentor", $"m{mentor + 1}");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(ct);
        }
        var export = new MatchingExport(programId, pool.Mentees.Select(m => m.EnrolmentId).ToList(), pool.Mentors.Select(m => m.EnrolmentId).ToList(),
            pairs, candidates, actor.UserId, clock.GetUtcNow().UtcDateTime);
        db.Add(export);
        await db.SaveChangesAsync(ct);
        return new ExportSummary(export.Id, pool.Mentees.Count, pool.Mentors.Count, pairs, candidates);
    }
}

/// <summary>
/// Reads a result solved outside Tandem (the result document of docs/formats.md: its <c>assignments</c>, each a mentee and a
/// mentor by the ids of the program's latest export) and makes it a draft, after checking every pair against the pool as
/// it is now: everyone still waiting, no mentor over their free places, no hard rule or prohibition broken. A result that
/// breaks a rule is refused with the pair named, and nothing is stored.
/// </summary>
public sealed class ImportMatchingResult(TandemDb db, MatchingAccess access, MatchingPool pools, MatchingRunQueue runs, TimeProvider clock)
{
    public async Task<Outcome<MatchDraft>> RunAsync(Actor actor, Guid programId, JsonDocument result, CancellationToken ct = default)
    {
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var export = await db.Set<MatchingExport>().AsNoTracking().Where(e => e.ProgramId == programId)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        if (export is null)
        {
            return new Conflict("Export this program's pool first: a result is read against the ids of the latest export.");
        }
        if (await runs.ActiveAsync(programId, ct) is not null)
        {
            return new Conflict("Matching is running for this program; import the result when it has finished.");
        }
        if (result.RootElement.ValueKind != JsonValueKind.Object
            || !result.RootElement.TryGetProperty("assignments", out var assignments) || assignments.ValueKind != JsonValueKind.Array)
        {
            return Invalid.Field("assignments", "The result has no \"assignments\" list (the result document of `tandem solve`, docs/formats.md).");
        }
        var menteeIds = export.MenteeIds();
        var mentorIds = export.MentorIds();
        var pool = await pools.LoadAsync(found.Value!, ct);
        var menteeIndex = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var mentorIndex = pool.Mentors.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var locks = pool.Rules.Where(r => r.Kind == MatchRuleKind.Lock).Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();
        var pairs = new List<IndexedPair>();
        var groups = MentoringFormat.MentorsLeadGroups(pool.Program);
        var groupOf = new Dictionary<int, int>();
        var position = 0;
        foreach (var a in assignments.EnumerateArray())
        {
            var field = $"assignments[{position++}]";
            if (a.ValueKind != JsonValueKind.Object
                || !a.TryGetProperty("mentee", out var menteeId) || menteeId.ValueKind != JsonValueKind.String
                || !a.TryGetProperty("mentor", out var mentorId) || mentorId.ValueKind != JsonValueKind.String)
            {
                return Invalid.Field(field, "Each assignment names a \"mentee\" and a \"mentor\" by their ids in the export.");
            }
            if (Resolve(menteeId.GetString()!, 'e', menteeIds) is not { } mentee || Resolve(mentorId.GetString()!, 'm', mentorIds) is not { } mentor)
            {
                return Invalid.Field(field, $"\"{menteeId.GetString()}\" or \"{mentorId.GetString()}\" is not an id of the latest export.");
            }
            if (!menteeIndex.TryGetValue(mentee, out var i) || !mentorIndex.TryGetValue(mentor, out var j))
            {
                var who = menteeIndex.ContainsKey(mentee) ? mentorId.GetString() : menteeId.GetString();
                return Invalid.Field(field, $"{who} is no longer waiting to be matched (matched or removed since the export); export again and solve the new file.");
            }
            if (!groupOf.TryGetValue(j, out var g))
            {
                g = groupOf[j] = groupOf.Count + 1;
            }
            pairs.Add(new IndexedPair(groups ? g : pairs.Count + 1, j, i, locks.Contains((mentor, mentee))));
        }
        PoolScoring scoring;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
        }
        catch (ArgumentException e)
        {
            return Invalid.Field("criteria", $"{MatchingRunProcessor.SetupProblem}: {e.Message}");
        }
        if (DraftCheck.Problem(scoring, pairs) is { } problem)
        {
            return Invalid.Field("assignments", $"The result breaks a rule of the pool, so it was not imported: {problem}.");
        }
        var matched = pairs.Select(p => p.Second).ToHashSet();
        var used = pairs.Select(p => p.First).ToHashSet();
        var unmatched = pool.Mentees.Where((_, i) => !matched.Contains(i)).Select(m => (m, "not matched in the imported result"))
            .Concat(pool.Mentors.Where((_, j) => !used.Contains(j)).Select(m => (m, "not given a mentee in the imported result")))
            .ToList();
        var match = new PoolMatch(pairs, unmatched, matched.Count);
        var built = await DraftWriter.BuildAsync(db, scoring, match, MatchDraftSource.Imported, actor.UserId, clock.GetUtcNow().UtcDateTime, ct);
        try
        {
            await DraftWriter.SaveAsync(db, built, () => Task.FromResult(true), ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("A draft was made for this program at the same moment; reload and import again.");
        }
        return built.Draft;
    }

    private static Guid? Resolve(string id, char prefix, IReadOnlyList<Guid> ids) =>
        id.Length > 1 && id[0] == prefix && int.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 1 && n <= ids.Count ? ids[n - 1] : null;
}
