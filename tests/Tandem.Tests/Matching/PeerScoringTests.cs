using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Features.Matching;
using Tandem.Matching;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>
/// One peer scoring (issue 14): the app's peer matching and `tandem solve`'s peer-pairs objective score the
/// same pool the same way (both directions, summed over those that pass the hard rules).
/// </summary>
public sealed class PeerScoringTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly (string Name, string Subject, string[] Interests, int Year, int[] Free)[] People =
    [
        ("Ada Peer", "Maths", ["Music"], 2, [10, 11]),
        ("Ben Peer", "Maths", ["Music", "Reading"], 3, [10]),
        ("Cat Peer", "English", ["Games"], 4, [40, 41]),
        ("Dan Peer", "English", ["Games", "Reading"], 5, [40]),
        ("Eve Peer", "Science", ["Reading"], 1, [10, 40]),
        ("Fay Peer", "Science", ["Reading", "Music"], 2, [10, 41]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheAppAndTheSolveCommandScoreAPeerPoolAlike(bool yearGapRequired)
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        foreach (var p in People)
        {
            await program.ApproveAsync(p.Name, "peer", p.Subject, p.Interests, p.Year, p.Free);
        }
        await program.SaveSetupAsync(new
        {
            criteria = new object[]
            {
                new { name = "subject", kind = "SameValue", questionId = "subject", weight = 10 },
                new { name = "interests", kind = "SharedValues", questionId = "interests", weight = 3 },
                new { name = "year", kind = "NumericGap", questionId = "year", weight = 2, required = yearGapRequired, minimum = 1 },
                new { name = "free time", kind = "AvailabilityOverlap", questionId = "free", weight = 1, required = true, minimum = 1 },
            },
        });
        var draft = await program.RunAsync();
        var inApp = draft.Proposals.Items.ToDictionary(p => Key(p.First.Name, p.Second.Name), p => p.Score);

        var problem = new JsonObject
        {
            ["objective"] = "peer-pairs",
            ["people"] = new JsonArray(People.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Name,
                ["values"] = new JsonObject { ["subject"] = p.Subject, ["interests"] = new JsonArray(p.Interests.Select(i => (JsonNode)i!).ToArray()) },
                ["numbers"] = new JsonObject { ["year"] = p.Year },
                ["availability"] = new JsonArray(p.Free.Select(f => (JsonNode)f!).ToArray()),
            }).ToArray()),
            ["criteria"] = JsonNode.Parse($$"""
                [{"name": "subject", "kind": "same", "field": "subject", "weight": 10},
                 {"name": "interests", "kind": "shared", "field": "interests", "weight": 3},
                 {"name": "year", "kind": "gap", "field": "year", "weight": 2, "required": {{(yearGapRequired ? "true" : "false")}}, "minimum": 1},
                 {"name": "free time", "kind": "availability", "weight": 1, "required": true, "minimum": 1}]
                """),
        };
        var solved = JsonDocument.Parse(MatchingProblemJson.Solve(problem.ToJsonString())).RootElement;
        var bySolve = solved.GetProperty("pairs").EnumerateArray()
            .ToDictionary(p => Key(p.GetProperty("a").GetString()!, p.GetProperty("b").GetString()!), p => p.GetProperty("score").GetInt64());

        Assert.Equal(6, inApp.Count * 2);
        Assert.Equal(bySolve.OrderBy(x => x.Key), inApp.OrderBy(x => x.Key));
        Assert.Equal(solved.GetProperty("totalScore").GetInt64(), inApp.Values.Sum());
        // Ada (year 2) and Ben (year 3): subject 10, Music 3 and 1 common hour each way, the year gap (2) only Ada's way.
        // A required gap rules out Ben's way, so only Ada's counts: allowed on one direction, not forbidden for lacking both.
        Assert.Equal(yearGapRequired ? 10 + 3 + 1 + 2 : (10 + 3 + 1) * 2 + 2, inApp[Key("Ada Peer", "Ben Peer")]);
    }

    private static string Key(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}–{b}" : $"{b}–{a}";
}
