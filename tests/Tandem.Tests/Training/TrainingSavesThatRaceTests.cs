using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Recognition;
using Tandem.Features.Training;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Training;

/// <summary>
/// ADR 129: a participant's progress row is read, changed and written back (its reflections are one JSON column). Two
/// saves at once each wrote what they had read: one reflection lost, or a quiz pass and the last reflection each saved
/// without seeing the other, so the module never completed. A revision number now makes the later save read again.
/// </summary>
public sealed class TrainingSavesThatRaceTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static JsonObject WithScenarios(string title, int count, bool quiz = true)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(TrainingTests.Module(title))!.AsObject();
        body["scenarios"] = new JsonArray(Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject { ["prompt"] = $"Scenario {i}: what do you say?" }).ToArray());
        if (!quiz)
        {
            body["questions"] = new JsonArray();
        }
        return body;
    }

    private Task<TrainingCompletion> StoredAsync(Guid moduleId, Guid userId) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<TrainingCompletion>().AsNoTracking().SingleAsync(c => c.ModuleId == moduleId && c.UserId == userId));

    private Task<Outcome<MyTrainingModuleView>> MeanwhileAsync(Func<MyTraining, Task<Outcome<MyTrainingModuleView>>> other) =>
        factory.WithScopeAsync(s => other(s.GetRequiredService<MyTraining>()));

    [Fact]
    public async Task TwoReflectionsSavedAtTheSameMomentAreBothKept()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Tess Twice", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, WithScenarios("Two at once", 2));
        var me = new Actor(mentee.User.Id, IsAdministrator: false);
        // The progress row exists (a quiz not passed), so both saves change the same row.
        (await TrainingTests.AnswerAsync(mentee.Client, module, 0)).EnsureSuccessStatusCode();
        var (first, second) = (module.Scenarios[0].Id, module.Scenarios[1].Id);

        var saved = await DeletedMeanwhile.RunAsync<MyTraining, Outcome<MyTrainingModuleView>>(factory,
            _ => MeanwhileAsync(t => t.ReflectAsync(me, module.Id, new SubmitReflectionRequest(second, "Saved by the other tab"))),
            t => t.ReflectAsync(me, module.Id, new SubmitReflectionRequest(first, "Saved by this tab")));

        Assert.Null(saved.Failure);
        var reflections = (await StoredAsync(module.Id, mentee.User.Id)).Reflections();
        Assert.Equal("Saved by this tab", reflections[first]);
        Assert.Equal("Saved by the other tab", reflections[second]);
    }

    [Fact]
    public async Task AQuizPassAndTheLastReflectionAtTheSameMomentCompleteTheModuleAndCountEveryAttempt()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Quin Quick", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, WithScenarios("Both at once", 1));
        var me = new Actor(mentee.User.Id, IsAdministrator: false);
        (await TrainingTests.AnswerAsync(mentee.Client, module, 0)).EnsureSuccessStatusCode();
        var right = new SubmitQuizRequest(module.Questions.Select(q => new QuizAnswer(q.Id, q.Correct)).ToList());

        var passed = await DeletedMeanwhile.RunAsync<MyTraining, Outcome<MyTrainingModuleView>>(factory,
            _ => MeanwhileAsync(t => t.ReflectAsync(me, module.Id, new SubmitReflectionRequest(module.Scenarios[0].Id, "The last reflection"))),
            t => t.SubmitQuizAsync(me, module.Id, right));

        Assert.Null(passed.Failure);
        Assert.Equal(TrainingState.Completed, passed.Value!.State);
        var stored = await StoredAsync(module.Id, mentee.User.Id);
        Assert.NotNull(stored.CompletedAt);
        Assert.True(stored.QuizPassed);
        Assert.Equal(2, stored.QuizAttempts);
        Assert.Equal("The last reflection", stored.Reflections()[module.Scenarios[0].Id]);
        // Completing proposed the module's minutes once.
        Assert.Equal(1, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ServiceHourEntry>()
            .CountAsync(e => e.UserId == mentee.User.Id && e.SourceId == module.Id)));

        // Two attempts at once both count.
        var other = await TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, WithScenarios("Attempts", 1));
        (await TrainingTests.AnswerAsync(mentee.Client, other, 0)).EnsureSuccessStatusCode();
        var wrong = new SubmitQuizRequest(other.Questions.Select(q => new QuizAnswer(q.Id, (q.Correct + 1) % q.Options.Count)).ToList());
        await DeletedMeanwhile.RunAsync<MyTraining, Outcome<MyTrainingModuleView>>(factory,
            _ => MeanwhileAsync(t => t.SubmitQuizAsync(me, other.Id, wrong)), t => t.SubmitQuizAsync(me, other.Id, wrong));
        Assert.Equal(3, (await StoredAsync(other.Id, mentee.User.Id)).QuizAttempts);
    }

    [Fact]
    public async Task FiveReflectionsSentAtOnceAreAllKept()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Fay Five", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, WithScenarios("Five at once", TrainingModule.MaxScenarios, quiz: false));
        (await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = "First" })).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(module.Scenarios.Skip(1).Select(s => mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = s.Id, answer = $"On {s.Id}" })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var stored = await StoredAsync(module.Id, mentee.User.Id);
        Assert.Equal(TrainingModule.MaxScenarios, stored.Reflections().Count);
        Assert.NotNull(stored.CompletedAt);
    }
}
