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
/// ADR 129: a training form posted after the page changed (a module completed by the first click, a module another
/// coordinator deleted) reaches its use case, which answers, instead of Blazor's bare 400; and the 50-module cap holds
/// when two modules are added at once.
/// </summary>
public sealed class TrainingFormsAfterChangesTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly DateTime At = new(2027, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    private static JsonObject ReadingOnly(string title)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(TrainingTests.Module(title, scenario: false))!.AsObject();
        body["questions"] = new JsonArray();
        return body;
    }

    [Fact]
    public async Task ASecondClickOnIHaveReadThisModuleAnswersWithTheModuleCompletedOnce()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Dee Double", "mentee");
        var module = await TrainingTests.CreateAsync(program.Coordinator, program.Program.Id, ReadingOnly("Read me"));
        var page = new PageClient(mentee.Client);
        var path = $"/my/training/{module.Id}";
        var token = await PageClient.AntiforgeryTokenAsync(mentee.Client, path);
        FormUrlEncodedContent Click() => new([new("__RequestVerificationToken", token), new("_handler", "training-complete")]);

        // Both clicks were sent from the page as it was before the first one completed the module.
        var first = await mentee.Client.PostAsync(path, Click());
        var second = await mentee.Client.PostAsync(path, Click());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("You completed this module", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ServiceHourEntry>()
            .CountAsync(e => e.UserId == mentee.User.Id && e.SourceId == module.Id)));
        Assert.DoesNotContain("training-complete", await page.Http.GetStringAsync(path));
    }

    [Fact]
    public async Task DeletingOrUploadingToAModuleAnotherCoordinatorDeletedIsNotFoundNotABare400()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var module = await TrainingTests.CreateAsync(program.Coordinator, programId, ReadingOnly("Deleted meanwhile"));
        var kept = await TrainingTests.CreateAsync(program.Coordinator, programId, ReadingOnly("Kept"));
        var path = $"/programs/{programId}/training";
        var editor = $"{path}?edit={module.Id}";
        var token = await PageClient.AntiforgeryTokenAsync(program.Coordinator, editor);
        (await program.Coordinator.DeleteAsync($"{TrainingTests.Modules(programId)}/{module.Id}")).EnsureSuccessStatusCode();

        var delete = await program.Coordinator.PostAsync(path, new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("_handler", $"training-delete-{module.Id}")]));
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);

        var file = new ByteArrayContent("%PDF-1.4\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var upload = await program.Coordinator.PostAsync(editor, new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("training-file"), "_handler" },
            { file, "File", "handout.pdf" },
        });
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        var left = (await program.Coordinator.GetFromJsonAsync<List<TrainingModuleView>>(TrainingTests.Modules(programId), Json.Options))!;
        Assert.Equal([kept.Id], left.Select(m => m.Id));
    }

    [Fact]
    public async Task TwoModulesAddedAtOnceToAProgramWith49StopAt50()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var programId = program.Program.Id;
        var coordinator = new Actor(program.School.Coordinator.Id, IsAdministrator: false);
        TrainingModule Made(string title)
        {
            var m = new TrainingModule(programId, coordinator.UserId, At);
            m.Write(title, "Text", TrainingAudience.Everyone, 10, 80, [], [], [], At);
            return m;
        }
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.AddRange(Enumerable.Range(1, ManageTraining.MaxModules - 1).Select(i => Made($"Module {i}")));
            return await db.SaveChangesAsync();
        });

        // The 50th arrives from another click between this request's count and its insert.
        var added = await DeletedMeanwhile.RunAsync<ManageTraining, Outcome<TrainingModuleView>>(factory,
            db =>
            {
                db.Add(Made("Added by the other click"));
                return db.SaveChangesAsync();
            },
            m => m.CreateAsync(coordinator, programId, new TrainingModuleRequest("Added by this click", "Text")));

        Assert.Equal(409, Assert.IsType<Conflict>(added.Failure).StatusCode());
        Assert.Equal(ManageTraining.MaxModules, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<TrainingModule>().CountAsync(m => m.ProgramId == programId)));
    }
}
