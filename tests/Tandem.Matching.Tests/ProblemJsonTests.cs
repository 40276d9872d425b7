using System.Text.Json;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class ProblemJsonTests
{
    private static JsonElement Solve(string json) => JsonDocument.Parse(MatchingProblemJson.Solve(json)).RootElement;

    private static MatchingProblemException Malformed(string json) => Assert.Throws<MatchingProblemException>(() => MatchingProblemJson.Solve(json));

    [Fact]
    public void ExplicitPairsWithLockedAndForbiddenPairs()
    {
        var r = Solve("""
            {"mentors": [{"id": "m1", "capacity": 1}, {"id": "m2", "capacity": 1}],
             "mentees": [{"id": "e1"}, {"id": "e2"}],
             "pairs": [{"mentee": "e1", "mentor": "m1", "score": 10}, {"mentee": "e1", "mentor": "m2", "score": 1},
                       {"mentee": "e2", "mentor": "m1", "score": 1}, {"mentee": "e2", "mentor": "m2", "score": 10}],
             "locked": [{"mentee": "e1", "mentor": "m2"}],
             "forbidden": [{"mentee": "e2", "mentor": "m2"}]}
            """);
        Assert.Equal(2, r.GetProperty("totalScore").GetInt64());
        Assert.Equal(2, r.GetProperty("matched").GetInt32());
        Assert.True(r.GetProperty("assignments")[0].GetProperty("locked").GetBoolean());
        Assert.Equal(r.GetProperty("certificate").GetProperty("primalWeight").GetInt64(), r.GetProperty("certificate").GetProperty("dualObjective").GetInt64());
    }

    [Fact]
    public void MaxMinThenScoreRaisesTheWorstOffAndPrintsItsProof()
    {
        // Best total: e1–m1 10 + e2–m2 1 = 11. Fairest: e1–m2 5 + e2–m1 5 = 10.
        var r = Solve("""
            {"objective": "max-min-then-score",
             "mentors": [{"id": "m1"}, {"id": "m2"}], "mentees": [{"id": "e1"}, {"id": "e2"}],
             "pairs": [{"mentee": "e1", "mentor": "m1", "score": 10}, {"mentee": "e1", "mentor": "m2", "score": 5},
                       {"mentee": "e2", "mentor": "m1", "score": 5}, {"mentee": "e2", "mentor": "m2", "score": 1}]}
            """);
        Assert.Equal("max-min-then-score", r.GetProperty("objective").GetString());
        Assert.Equal(10, r.GetProperty("totalScore").GetInt64());
        Assert.True(r.GetProperty("optimal").GetBoolean());
        var f = r.GetProperty("fairness");
        Assert.Equal(5, f.GetProperty("lowestScore").GetInt64());
        Assert.Equal(2, f.GetProperty("matchedBesidesLocked").GetInt32());
        Assert.Contains("lowest pair score above 5", f.GetProperty("proven").GetString());
        Assert.Equal(2, f.GetProperty("matchedCover").GetProperty("size").GetInt64());
        var above = f.GetProperty("aboveCover");
        Assert.Equal(6, above.GetProperty("scoresFrom").GetInt64());
        Assert.True(above.GetProperty("size").GetInt64() < 2);
        // Only e1–m1 scores above 5: the cover names one of its ends.
        var members = above.GetProperty("mentees").EnumerateArray().Concat(above.GetProperty("mentors").EnumerateArray()).Select(x => x.GetString()).ToList();
        Assert.True(members.SequenceEqual(["e1"]) || members.SequenceEqual(["m1"]), string.Join(",", members));
    }

    [Fact]
    public void MaxMinThenScoreOnFeaturesKeepsHardRulesAndLocks()
    {
        var r = Solve("""
            {"objective": "max-min-then-score",
             "mentors": [{"id": "m1", "values": {"lang": "en", "i": ["a", "b"]}}, {"id": "m2", "values": {"lang": "en", "i": ["c"]}},
                         {"id": "m3", "values": {"lang": "fr", "i": ["a", "b", "c"]}}],
             "mentees": [{"id": "e1", "values": {"lang": "en", "i": ["a", "b"]}}, {"id": "e2", "values": {"lang": "en", "i": ["a", "b"]}},
                         {"id": "e3", "values": {"lang": "fr", "i": ["c"]}}],
             "criteria": [{"name": "lang", "kind": "same", "field": "lang", "weight": 0, "required": true},
                          {"name": "i", "kind": "shared", "field": "i", "weight": 2}],
             "locked": [{"mentee": "e3", "mentor": "m3"}], "explain": false}
            """);
        // e1 and e2 both prefer m1 (4 points); fairness puts one on m2 (0) either way, so the lowest is 0.
        Assert.Equal(3, r.GetProperty("matched").GetInt32());
        Assert.Equal(0, r.GetProperty("fairness").GetProperty("lowestScore").GetInt64());
        Assert.Equal(2, r.GetProperty("fairness").GetProperty("matchedBesidesLocked").GetInt32());
        Assert.Equal(6, r.GetProperty("totalScore").GetInt64());
    }

    [Fact]
    public void PeerGroupsWithAMixGiveEachGroupTwoSchools()
    {
        // Classmates score 10, others 1: unmixed, the groups would be one school each.
        var ids = new[] { "a1", "a2", "b1", "b2" };
        var people = string.Join(", ", ids.Select(id => "{\"id\": \"" + id + "\", \"values\": {\"school\": \"" + id[..1].ToUpperInvariant() + "\"}}"));
        var pairs = new List<string>();
        for (var x = 0; x < 4; x++)
            for (var y = x + 1; y < 4; y++) pairs.Add($$"""{"a": "{{ids[x]}}", "b": "{{ids[y]}}", "score": {{(ids[x][0] == ids[y][0] ? 10 : 1)}}}""");
        var json = "{\"objective\": \"peer-groups\", \"groupSize\": 2, \"people\": [" + people + "], \"pairs\": [" + string.Join(", ", pairs)
            + "], \"mix\": {\"question\": \"school\", \"atLeast\": 2}}";
        var r = Solve(json);
        Assert.Equal(2, r.GetProperty("totalScore").GetInt64());
        Assert.True(r.GetProperty("optimal").GetBoolean());
        Assert.Equal(0, r.GetProperty("gapPercent").GetDouble());
        var mix = r.GetProperty("mix");
        Assert.True(mix.GetProperty("possibleEverywhere").GetBoolean());
        Assert.Equal(0, mix.GetProperty("groupsShort").GetInt32());
        Assert.All(r.GetProperty("groups").EnumerateArray(), g =>
        {
            Assert.Equal(2, g.GetProperty("different").GetInt32());
            Assert.True(g.GetProperty("mixMet").GetBoolean());
        });

        // Three of school A and one of B: one group cannot mix, and the result says so.
        var r2 = Solve(json.Replace("\"b1\", \"values\": {\"school\": \"B\"}", "\"b1\", \"values\": {\"school\": \"A\"}"));
        Assert.False(r2.GetProperty("mix").GetProperty("possibleEverywhere").GetBoolean());
        Assert.Equal(1, r2.GetProperty("mix").GetProperty("groupsShort").GetInt32());

        Assert.Equal("mix.atLeast", Malformed(json.Replace("\"atLeast\": 2", "\"atLeast\": 0")).Field);
        Assert.Equal("mix", Malformed(json.Replace("peer-groups", "peer-pairs")).Field);
    }

    [Fact]
    public void MaxScoreLeavesUnhelpfulMenteesUnmatched()
    {
        var r = Solve("""
            {"objective": "max-score", "mentors": [{"id": "m1", "capacity": 2}], "mentees": [{"id": "e1"}, {"id": "e2"}],
             "pairs": [{"mentee": "e1", "mentor": "m1", "score": 5}, {"mentee": "e2", "mentor": "m1", "score": -1}]}
            """);
        Assert.Equal(5, r.GetProperty("totalScore").GetInt64());
        Assert.Equal(["e2"], r.GetProperty("unmatched").EnumerateArray().Select(x => x.GetString()));
    }

    [Fact]
    public void StableObjectiveWithExplicitPreferences()
    {
        var r = Solve("""
            {"objective": "stable",
             "mentors": [{"id": "m1", "capacity": 1, "preferences": ["e2", "e1"]}, {"id": "m2", "capacity": 1, "preferences": ["e1", "e2"]}],
             "mentees": [{"id": "e1", "preferences": ["m1", "m2"]}, {"id": "e2", "preferences": ["m1", "m2"]}]}
            """);
        Assert.True(r.GetProperty("stable").GetBoolean());
        var pairs = r.GetProperty("assignments").EnumerateArray().Select(a => (a.GetProperty("mentee").GetString(), a.GetProperty("mentor").GetString()));
        Assert.Equal([("e1", "m2"), ("e2", "m1")], pairs);
        Assert.Empty(r.GetProperty("blockingPairs").EnumerateArray());
    }

    [Fact]
    public void StableObjectiveWithRanksFromScores()
    {
        var r = Solve("""
            {"objective": "stable", "mentors": [{"id": "m1"}, {"id": "m2"}], "mentees": [{"id": "e1"}, {"id": "e2"}],
             "pairs": [{"mentee": "e1", "mentor": "m1", "score": 9}, {"mentee": "e1", "mentor": "m2", "score": 8},
                       {"mentee": "e2", "mentor": "m1", "score": 7}]}
            """);
        Assert.True(r.GetProperty("stable").GetBoolean());
        // Both sides rank by score: e1 and m1 are each other's first choice, so e2 (who accepts only m1) stays out,
        // although the max-matched assignment would pair e1-m2 and e2-m1.
        Assert.Equal(1, r.GetProperty("matched").GetInt32());
        Assert.Equal(9, r.GetProperty("totalScore").GetInt64());
    }

    [Fact]
    public void PeerPairsMaximiseTheTotalAndStateTheBound()
    {
        var r = Solve("""
            {"objective": "peer-pairs", "people": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
             "pairs": [{"a": "a", "b": "b", "score": 10}, {"a": "b", "b": "c", "score": 8}, {"a": "c", "b": "d", "score": 10},
                       {"a": "a", "b": "d", "score": 1}]}
            """);
        Assert.Equal(20, r.GetProperty("totalScore").GetInt64());
        Assert.Equal(20, r.GetProperty("upperBound").GetInt64());
        Assert.True(r.GetProperty("optimal").GetBoolean());
    }

    [Fact]
    public void PeerPairsFromFeaturesUseBothDirections()
    {
        var r = Solve("""
            {"objective": "peer-pairs",
             "people": [{"id": "ana", "values": {"offers": ["python"], "seeks": ["essays"]}},
                        {"id": "ben", "values": {"offers": ["essays"], "seeks": ["python"]}},
                        {"id": "cy", "values": {"offers": ["python"], "seeks": ["python"]}}],
             "criteria": [{"name": "skills", "kind": "shared", "menteeField": "seeks", "mentorField": "offers", "weight": 5}]}
            """);
        var pair = r.GetProperty("pairs")[0];
        Assert.Equal(("ana", "ben", 10L), (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString(), pair.GetProperty("score").GetInt64()));
        Assert.Contains("python", pair.GetProperty("explanation").GetString());
    }

    [Fact]
    public void PeerGroupsReturnGroupsOfTheRequestedSize()
    {
        var people = string.Join(",", Enumerable.Range(0, 6).Select(i => $"{{\"id\": \"p{i}\"}}"));
        var pairs = string.Join(",", new[] { (0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5) }.Select(p => $"{{\"a\": \"p{p.Item1}\", \"b\": \"p{p.Item2}\", \"score\": 5}}"));
        var r = Solve($$"""{"objective": "peer-groups", "groupSize": 3, "people": [{{people}}], "pairs": [{{pairs}}]}""");
        Assert.Equal(30, r.GetProperty("totalScore").GetInt64());
        Assert.All(r.GetProperty("groups").EnumerateArray(), g => Assert.Equal(3, g.GetProperty("members").GetArrayLength()));
    }

    [Theory]
    [InlineData("""[]""", "", "must be a JSON object")]
    [InlineData("""{"mentors": [], "mentees": []}""", "pairs", "required")]
    [InlineData("""{"mentors": {}, "mentees": [], "pairs": []}""", "mentors", "must be an array")]
    [InlineData("""{"mentors": [{"capacity": 1}], "mentees": [], "pairs": []}""", "mentors[0].id", "required")]
    [InlineData("""{"mentors": [{"id": "m", "capacity": 1.5}], "mentees": [], "pairs": []}""", "mentors[0].capacity", "whole number")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e", "capacity": 2}], "pairs": []}""", "mentees[0].capacity", "only mentors")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pairs": [{"mentee": "e", "mentor": "m"}]}""", "pairs[0].score", "required")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pairs": [{"mentee": "e", "mentor": "m", "score": 1}, {"mentee": "e", "mentor": "m", "score": 2}]}""", "pairs[1]", "listed twice")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pairs": [{"mentee": "e", "mentor": "m", "score": 99999999999999999}]}""", "pairs[0].score", "between")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pairs": [], "locked": [{"mentee": "e", "mentor": "m"}]}""", "locked[0]", "not allowed")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pair": []}""", "pair", "unknown property")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "criteria": [{"kind": "shared"}]}""", "criteria[0].field", "required")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "criteria": [{"kind": "psychic"}]}""", "criteria[0].kind", "must be one of")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "criteria": [{"kind": "availability", "minimum": -2}]}""", "criteria[0].minimum", "whole number")]
    [InlineData("""{"mentors": [{"id": "m", "availability": ["Funday 10"]}], "mentees": [{"id": "e"}], "criteria": [{"kind": "availability"}]}""", "mentors[0].availability[0]", "Day HH")]
    [InlineData("""{"mentors": [{"id": "m", "numbers": {"year": "ten"}}], "mentees": [{"id": "e"}], "criteria": []}""", "mentors[0].numbers.year", "must be a number")]
    [InlineData("""{"mentors": [{"id": "m"}], "mentees": [{"id": "e"}], "pairs": [], "criteria": []}""", "criteria", "not both")]
    [InlineData("""{"objective": "stable", "mentors": [{"id": "m", "preferences": ["x"]}], "mentees": [{"id": "e"}]}""", "mentors[0].preferences[0]", "unknown mentee")]
    [InlineData("""{"objective": "peer-groups", "people": [{"id": "a"}, {"id": "b"}], "pairs": []}""", "groupSize", "required")]
    [InlineData("""{"objective": "peer-pairs", "people": [{"id": "a"}], "pairs": [{"a": "a", "b": "a", "score": 1}]}""", "pairs[0].b", "themselves")]
    public void MalformedProblemsNameTheField(string json, string field, string reason)
    {
        var e = Malformed(json);
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }
}
