using System.Text.Json;
using Tandem.Features.Matching;
using EngineKind = Tandem.Matching.CriterionKind;
using QuestionKind = Tandem.Features.Applications.CriterionKind;

namespace Tandem.Tests.Matching;

/// <summary>The one door from questionnaire answers to the engine (EngineAdapter) maps every kind by name, never by number.</summary>
public sealed class EngineAdapterTests
{
    [Fact]
    public void EveryQuestionCriterionKindMapsToTheEngineKindOfTheSameName()
    {
        var mapped = Enum.GetValues<QuestionKind>().ToDictionary(k => k, EngineAdapter.Kind);

        Assert.All(mapped, m => Assert.Equal(m.Key.ToString(), m.Value.ToString()));
        Assert.Equal(Enum.GetValues<EngineKind>().Order(), mapped.Values.Order());
    }

    [Fact]
    public void AKindTheEngineDoesNotKnowIsRefusedInsteadOfCast()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineAdapter.Kind((QuestionKind)99));
    }

    [Fact]
    public void EachSideOfACriterionReadsItsOwnQuestion()
    {
        var criteria = new[] { new SetupCriterion("skills", QuestionKind.SharedValues, "sought", "offered", 1, false, null, null) };
        var answers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{ "sought": ["Maths"], "offered": ["Art"] }""")!;

        var mentee = EngineAdapter.Participant("a", answers, criteria, mentee: true);
        var mentor = EngineAdapter.Participant("a", answers, criteria, mentee: false);

        Assert.Equal(["Maths"], mentee.Values!.Single().Value);
        Assert.Equal(["Art"], mentor.Values!.Single().Value);
        Assert.Equal(Tandem.Matching.CriterionKind.SharedValues, Assert.Single(EngineAdapter.Criteria(criteria)).Kind);
    }
}
