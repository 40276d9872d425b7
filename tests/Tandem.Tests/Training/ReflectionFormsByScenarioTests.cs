using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Features.Training;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Training;

/// <summary>
/// ADR 129: a reflection's form is named after its scenario, not its place in the list. Named by position, a scenario
/// removed while a participant wrote moved every later form up: the post landed on the next scenario (its reflection
/// overwritten) or, for the last, on no form at all (Blazor's bare 400, the text lost).
/// </summary>
public sealed class ReflectionFormsByScenarioTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static JsonObject ThreeScenarios(string title)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(TrainingTests.Module(title))!.AsObject();
        body["scenarios"] = new JsonArray(
            new JsonObject { ["prompt"] = "A: your mentee asks you to keep a secret." },
            new JsonObject { ["prompt"] = "B: your mentee is late for the third time." },
            new JsonObject { ["prompt"] = "C: your mentee wants to stop." });
        return body;
    }

    private static Task<HttpResponseMessage> KeepScenariosAsync(HttpClient coordinator, Guid programId, TrainingModuleView module, params int[] kept) =>
        coordinator.PutAsJsonAsync($"{TrainingTests.Modules(programId)}/{module.Id}", new
        {
            title = module.Title,
            content = module.Content,
            scenarios = kept.Select(i => new { prompt = module.Scenarios[i].Prompt, id = module.Scenarios[i].Id }).ToArray(),
        });

    [Fact]
    public async Task AReflectionPostedAfterAnEarlierScenarioWasRemovedIsSavedOnItsOwnScenario()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var mentee = await program.ApproveAsync("Rhea Writes", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, programId, ThreeScenarios("Hard conversations"));
        var (b, c) = (module.Scenarios[1].Id, module.Scenarios[2].Id);
        (await mentee.Client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections", new { scenarioId = c, answer = "My answer on C" })).EnsureSuccessStatusCode();
        var page = new PageClient(mentee.Client);
        var path = $"/my/training/{module.Id}";
        Assert.Contains($"training-reflection-{b}", await mentee.Client.GetStringAsync(path));

        // While Rhea writes on B, a coordinator removes A: B's form keeps its name, so the post still reaches B.
        (await KeepScenariosAsync(program.Coordinator, programId, module, 1, 2)).EnsureSuccessStatusCode();
        var saved = await page.SubmitAsync(path, $"training-reflection-{b}", [new("Reflection", "My answer on B")]);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var after = (await mentee.Client.GetFromJsonAsync<MyTrainingModuleView>($"/api/v1/training/modules/{module.Id}", Json.Options))!;
        Assert.Equal("My answer on B", after.Scenarios.Single(s => s.Id == b).YourReflection);
        Assert.Equal("My answer on C", after.Scenarios.Single(s => s.Id == c).YourReflection);
    }

    [Fact]
    public async Task AReflectionOnAScenarioRemovedMeanwhileIsRefusedWith409AndTheTextTypedComesBack()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var mentee = await program.ApproveAsync("Remy Writes", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, programId, ThreeScenarios("Endings"));
        var c = module.Scenarios[2].Id;
        var page = new PageClient(mentee.Client);
        var path = $"/my/training/{module.Id}";

        (await KeepScenariosAsync(program.Coordinator, programId, module, 0, 1)).EnsureSuccessStatusCode();
        const string Typed = "A long, careful answer on the last scenario";
        var refused = await page.SubmitAsync(path, $"training-reflection-{c}", [new("Reflection", Typed)]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("This scenario was removed", html);
        Assert.Contains(Typed + "</textarea>", html);
        var after = (await mentee.Client.GetFromJsonAsync<MyTrainingModuleView>($"/api/v1/training/modules/{module.Id}", Json.Options))!;
        Assert.All(after.Scenarios, s => Assert.Null(s.YourReflection));
    }
}
