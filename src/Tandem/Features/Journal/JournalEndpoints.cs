using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Journal;

public static class JournalEndpoints
{
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static IServiceCollection AddTandemJournal(this IServiceCollection services) => services
        .AddScoped<MyJournal>()
        .AddScoped<JournalPrompts>();

    public static IEndpointRouteBuilder MapJournal(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/v1/me/journal").WithTags("Journal").RequireAuthorization();
        mine.MapGet("/", List).WithName("ListMyJournal").WithDescription("The signed-in person's own journal entries, newest first. Nobody else reads them: not coordinators, not administrators.");
        mine.MapPost("/", Write).WithName("WriteJournalEntry").WithDescription("A new entry: `body` (1-20,000 characters) and optionally `promptId`, one of your programs' prompts.");
        mine.MapGet("/{entryId:guid}", Get).WithName("GetJournalEntry");
        mine.MapPut("/{entryId:guid}", Edit).WithName("EditJournalEntry");
        mine.MapDelete("/{entryId:guid}", Delete).WithName("DeleteJournalEntry");
        mine.MapPut("/{entryId:guid}/share", Share).WithName("ShareJournalEntry")
            .WithDescription("Shares the entry with one relationship you are in (its members can then read it); `relationshipId: null` makes it private again.");
        mine.MapGet("/shared-with-me", SharedWithMe).WithName("ListJournalEntriesSharedWithMe")
            .WithDescription("Entries the other members of your relationships shared with you; `relationshipId` narrows to one.");
        mine.MapGet("/prompts", Prompts).WithName("ListMyJournalPrompts");
        mine.MapGet("/export", Export).WithName("ExportMyJournal").WithDescription("Your whole journal as one JSON file. The only export that holds it.");

        var program = app.MapGroup("/api/v1/programs/{programId:guid}/journal-prompts").WithTags("Journal").RequireAuthorization();
        program.MapGet("/", ProgramPrompts).WithName("ListJournalPrompts");
        program.MapPost("/", CreatePrompt).WithName("CreateJournalPrompt").WithDescription("Coordinators of the program: a prompt its people can answer in their journals. Answers stay private to their authors.");
        return app;
    }

    private static async Task<Ok<Paged<JournalEntryView>>> List(ClaimsPrincipal user, MyJournal journal, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await journal.ListAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Created<JournalEntryView>, ProblemHttpResult>> Write(WriteJournalEntryRequest request, ClaimsPrincipal user, MyJournal journal, CancellationToken ct)
    {
        var outcome = await journal.WriteAsync(Actor.From(user), request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/me/journal/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<JournalEntryView>, ProblemHttpResult>> Get(Guid entryId, ClaimsPrincipal user, MyJournal journal, CancellationToken ct) =>
        (await journal.GetAsync(Actor.From(user), entryId, ct)).ToOk();

    private static async Task<Results<Ok<JournalEntryView>, ProblemHttpResult>> Edit(Guid entryId, WriteJournalEntryRequest request, ClaimsPrincipal user, MyJournal journal, CancellationToken ct) =>
        (await journal.EditAsync(Actor.From(user), entryId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid entryId, ClaimsPrincipal user, MyJournal journal, CancellationToken ct) =>
        await journal.DeleteAsync(Actor.From(user), entryId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Ok<JournalEntryView>, ProblemHttpResult>> Share(Guid entryId, ShareJournalEntryRequest request, ClaimsPrincipal user, MyJournal journal, CancellationToken ct) =>
        (await journal.ShareAsync(Actor.From(user), entryId, request.RelationshipId, ct)).ToOk();

    private static async Task<Ok<Paged<SharedJournalEntryView>>> SharedWithMe(ClaimsPrincipal user, MyJournal journal, CancellationToken ct, Guid? relationshipId = null, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await journal.SharedWithMeAsync(Actor.From(user), relationshipId, page, pageSize, ct));

    private static async Task<Ok<IReadOnlyList<JournalPromptView>>> Prompts(ClaimsPrincipal user, JournalPrompts prompts, CancellationToken ct) =>
        TypedResults.Ok(await prompts.MineAsync(Actor.From(user), ct));

    private static async Task<FileContentHttpResult> Export(ClaimsPrincipal user, MyJournal journal, CancellationToken ct)
    {
        var export = await journal.ExportAsync(Actor.From(user), ct);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(export, ExportJson);
        return TypedResults.File(bytes, "application/json", $"tandem-journal-{export.ExportedAt:yyyy-MM-dd}.json");
    }

    private static async Task<Results<Ok<IReadOnlyList<JournalPromptView>>, ProblemHttpResult>> ProgramPrompts(Guid programId, ClaimsPrincipal user, JournalPrompts prompts, CancellationToken ct) =>
        (await prompts.ForProgramAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Created<JournalPromptView>, ProblemHttpResult>> CreatePrompt(Guid programId, CreateJournalPromptRequest request, ClaimsPrincipal user, JournalPrompts prompts, CancellationToken ct)
    {
        var outcome = await prompts.CreateAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/programs/{programId}/journal-prompts", outcome.Value);
    }
}
