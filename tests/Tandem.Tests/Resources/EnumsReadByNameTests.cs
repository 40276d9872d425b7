using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Resources;
using Tandem.Features.Training;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;
using Tandem.Tests.Training;

namespace Tandem.Tests.Resources;

/// <summary>
/// ADR 129: the library and training forms read a kind, an audience and a target by name only. Enum.TryParse takes
/// numbers ("7" is no target, "1" is Mentors) and lists ("TrainingModule, Goal" is a Goal), so a value no form offers was
/// stored or answered with a misleading 404. A refused attach keeps the target chosen and the id typed.
/// </summary>
public sealed class EnumsReadByNameTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static async Task<ResourceView> GuideAsync(HttpClient coordinator, Guid programId, string title)
    {
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/resources", new { kind = "Guide", title, body = "Read this." });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!;
    }

    [Fact]
    public async Task NumbersAndListsAreNoKindAudienceOrTargetOnThePagesOrTheApi()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var page = new PageClient(program.Coordinator);
        var guide = await GuideAsync(program.Coordinator, programId, "Reading guide");
        var module = await TrainingTests.CreateAsync(program.Coordinator, programId, TrainingTests.Module("Boundaries"));
        var resourcePath = $"/resources/{guide.Id}";
        Task<int> AttachmentsAsync() => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ResourceAttachment>().CountAsync(a => a.ResourceId == guide.Id));

        // Attach: "7" is no target (it answered "No event with this id"), "TrainingModule, Goal" is not a goal.
        foreach (var kind in new[] { "7", "TrainingModule, Goal", "0" })
        {
            var attach = await page.SubmitAsync(resourcePath, "resource-attach", [new("targetKind", kind), new("targetId", module.Id.ToString())]);
            Assert.Equal(HttpStatusCode.BadRequest, attach.StatusCode);
            Assert.Contains("Choose what to attach it to", WebUtility.HtmlDecode(await attach.Content.ReadAsStringAsync()));
        }
        Assert.Equal(0, await AttachmentsAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"/api/v1/resource-attachments/1/{module.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.DeleteAsync($"/api/v1/resources/{guide.Id}/attachments/0/{module.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.GetAsync($"/api/v1/resource-attachments/TrainingModule/{module.Id}")).StatusCode);

        // A link's kind and audience on the library page, and an upload's audience through the API.
        var library = $"/programs/{programId}/resources";
        var numberedKind = await page.SubmitAsync(library, "resource-create",
            [new("kind", "0"), new("title", "Numbered"), new("description", ""), new("tags", ""), new("audience", "Everyone"), new("url", "https://example.org/n"), new("body", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, numberedKind.StatusCode);
        var numberedAudience = await page.SubmitAsync(library, "resource-create",
            [new("kind", "Link"), new("title", "For mentors?"), new("description", ""), new("tags", ""), new("audience", "1"), new("url", "https://example.org/m"), new("body", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, numberedAudience.StatusCode);
        Assert.Contains(ManageResources.NoAudience, WebUtility.HtmlDecode(await numberedAudience.Content.ReadAsStringAsync()));
        Assert.Equal(1, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Resource>().CountAsync(r => r.ProgramId == programId)));

        // A module's audience on the training page: "1" is refused with a message, the module not added.
        var training = $"/programs/{programId}/training";
        var modules = await page.SubmitAsync(training, "training-module",
            [new("Title", "For whom?"), new("Audience", "1"), new("Minutes", "20"), new("PassMark", "80"), new("Content", "Text"), new("Videos", ""), new("Quiz", ""), new("Scenarios", "")]);
        Assert.Equal(HttpStatusCode.BadRequest, modules.StatusCode);
        var html = WebUtility.HtmlDecode(await modules.Content.ReadAsStringAsync());
        Assert.Contains("Choose who the module is for", html);
        Assert.Contains("value=\"For whom?\"", html);
        Assert.DoesNotContain((await program.Coordinator.GetFromJsonAsync<List<TrainingModuleView>>(TrainingTests.Modules(programId), Json.Options))!, m => m.Title == "For whom?");
    }

    [Fact]
    public async Task ARefusedAttachKeepsTheTargetChosenAndTheIdTyped()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var guide = await GuideAsync(program.Coordinator, program.Program.Id, "Event guide");
        var page = new PageClient(program.Coordinator);

        var refused = await page.SubmitAsync($"/resources/{guide.Id}", "resource-attach", [new("targetKind", "Event"), new("targetId", "the id of the fair")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Matches("<option value=\"Event\" selected", html);
        Assert.Contains("value=\"the id of the fair\"", html);
    }
}
