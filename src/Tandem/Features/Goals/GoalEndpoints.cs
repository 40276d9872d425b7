using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.CheckIns;
using Tandem.Features.Reports;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

public static class GoalEndpoints
{
    public static IServiceCollection AddTandemGoals(this IServiceCollection services)
    {
        services.AddCheckedOptions<GoalOptions>("Goals");
        return services
            .AddScoped<GoalAccess>()
            .AddScoped<Resources.IResourceTarget, GoalResourceTarget>()
            .AddScoped<PairGoals>()
            .AddScoped<ImportActionItems>()
            .AddScoped<ExportActionItems>()
            .AddScoped<GetProgramGoalProgress>()
            .AddScoped<IProgramGoalFigures>(sp => sp.GetRequiredService<GetProgramGoalProgress>())
            .AddScoped<ICheckInActionItems, CompleteActionItemsAtCheckIn>();
    }

    public static IEndpointRouteBuilder MapGoals(this IEndpointRouteBuilder app)
    {
        var goals = app.MapGroup("/api/v1/relationships/{relationshipId:guid}/goals").WithTags("Goals").RequireAuthorization();
        goals.MapGet("/", List).WithName("ListGoals")
            .WithDescription("The pair's or group's goals with their milestones and action items (members, and the program's coordinators read-only).");
        goals.MapPost("/", Create).WithName("CreateGoal")
            .WithDescription("A SMART goal: `outcome` (specific), `measure`, `targetDate` (today or later), optional first `milestones`. Members only.");
        goals.MapGet("/{goalId:guid}", Get).WithName("GetGoal");
        goals.MapPut("/{goalId:guid}", Update).WithName("UpdateGoal").WithDescription("Changes the goal; `status` Active, Achieved or Dropped.");
        goals.MapDelete("/{goalId:guid}", Delete).WithName("DeleteGoal");
        goals.MapPost("/{goalId:guid}/milestones", AddMilestone).WithName("AddMilestone");
        goals.MapPut("/{goalId:guid}/milestones/{milestoneId:guid}", UpdateMilestone).WithName("UpdateMilestone").WithDescription("`done: true` ticks the milestone off.");
        goals.MapDelete("/{goalId:guid}/milestones/{milestoneId:guid}", DeleteMilestone).WithName("DeleteMilestone");
        goals.MapPost("/{goalId:guid}/action-items", AddActionItem).WithName("AddActionItem")
            .WithDescription("`title`, `assigneeUserId` (a current member; you when left out), `dueOn`, optional `state` (ToDo, Doing, Done).");
        goals.MapPut("/{goalId:guid}/action-items/{itemId:guid}", UpdateActionItem).WithName("UpdateActionItem");
        goals.MapPost("/{goalId:guid}/action-items/{itemId:guid}/move", MoveActionItem).WithName("MoveActionItem")
            .WithDescription("Moves the item to a column of the board (`state`: ToDo, Doing, Done) and optionally a `position` in it (from 0).");
        goals.MapDelete("/{goalId:guid}/action-items/{itemId:guid}", DeleteActionItem).WithName("DeleteActionItem");
        // Not declared with Accepts(): the content-type matcher would answer 415 before authentication does.
        goals.MapPost("/{goalId:guid}/action-items/import", Import).WithName("ImportActionItems").DisableAntiforgery()
            .WithDescription("Body: a Trello board's JSON export (`format=trello`) or a CSV in Asana's import columns (`format=asana`; docs/formats.md), "
                + "raw or as a multipart/form-data upload with one file. All or nothing: 422 naming every problem (`problems`) and nothing written "
                + "when the file is malformed; 413 beyond the size limit. Members only.");
        goals.MapGet("/{goalId:guid}/action-items/export", Export).WithName("ExportActionItems")
            .WithDescription("The goal's action items as a Trello-shaped board JSON (`format=trello`) or an Asana-importable CSV (`format=asana`).");

        var program = app.MapGroup("/api/v1/programs/{programId:guid}/goal-progress").WithTags("Goals").RequireAuthorization();
        program.MapGet("/", Progress).WithName("GetProgramGoalProgress")
            .WithDescription("Goal progress across the program: goals per status, action items per column and the share done, open pairs with and without a goal. Coordinators.");
        program.MapGet("/pairs", Pairs).WithName("ListPairGoalProgress")
            .WithDescription("The program's open pairs, newest first, with their goal and action item counts; `withoutGoals=true` lists pairs that have none. Coordinators.");
        return app;
    }

    private static async Task<Results<Ok<Paged<GoalView>>, ProblemHttpResult>> List(Guid relationshipId, ClaimsPrincipal user, PairGoals goals, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await goals.ListAsync(Actor.From(user), relationshipId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<GoalView>, ProblemHttpResult>> Create(Guid relationshipId, GoalRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct)
    {
        var outcome = await goals.CreateAsync(Actor.From(user), relationshipId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/relationships/{relationshipId}/goals/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> Get(Guid relationshipId, Guid goalId, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.GetAsync(Actor.From(user), relationshipId, goalId, ct)).ToOk();

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> Update(Guid relationshipId, Guid goalId, GoalRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.UpdateAsync(Actor.From(user), relationshipId, goalId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid relationshipId, Guid goalId, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        await goals.DeleteAsync(Actor.From(user), relationshipId, goalId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> AddMilestone(Guid relationshipId, Guid goalId, MilestoneRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.AddMilestoneAsync(Actor.From(user), relationshipId, goalId, request, ct)).ToOk();

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> UpdateMilestone(Guid relationshipId, Guid goalId, Guid milestoneId, MilestoneRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.UpdateMilestoneAsync(Actor.From(user), relationshipId, goalId, milestoneId, request, ct)).ToOk();

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> DeleteMilestone(Guid relationshipId, Guid goalId, Guid milestoneId, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.DeleteMilestoneAsync(Actor.From(user), relationshipId, goalId, milestoneId, ct)).ToOk();

    private static async Task<Results<Created<ActionItemView>, ProblemHttpResult>> AddActionItem(Guid relationshipId, Guid goalId, ActionItemRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct)
    {
        var outcome = await goals.AddActionItemAsync(Actor.From(user), relationshipId, goalId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/relationships/{relationshipId}/goals/{goalId}", outcome.Value);
    }

    private static async Task<Results<Ok<ActionItemView>, ProblemHttpResult>> UpdateActionItem(Guid relationshipId, Guid goalId, Guid itemId, ActionItemRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.UpdateActionItemAsync(Actor.From(user), relationshipId, goalId, itemId, request, ct)).ToOk();

    private static async Task<Results<Ok<ActionItemView>, ProblemHttpResult>> MoveActionItem(Guid relationshipId, Guid goalId, Guid itemId, MoveActionItemRequest request, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        (await goals.MoveActionItemAsync(Actor.From(user), relationshipId, goalId, itemId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteActionItem(Guid relationshipId, Guid goalId, Guid itemId, ClaimsPrincipal user, PairGoals goals, CancellationToken ct) =>
        await goals.DeleteActionItemAsync(Actor.From(user), relationshipId, goalId, itemId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Ok<ActionItemImportResult>, ProblemHttpResult>> Import(
        Guid relationshipId, Guid goalId, HttpRequest http, ClaimsPrincipal user, ImportActionItems useCase, CancellationToken ct, string? format = null)
    {
        var actor = Actor.From(user);
        if (await useCase.RefusalAsync(actor, relationshipId, goalId, format, ct) is { } refused)
        {
            return refused.ToProblem();
        }
        var file = await UploadForms.ReadFileAsync(http, useCase.MaxFileBytes, useCase.TooLargeMessage, "Attach the Trello JSON or Asana CSV file.", ct);
        if (file.Failure is { } unread)
        {
            return unread.ToProblem();
        }
        var outcome = await useCase.RunAsync(actor, relationshipId, goalId, format, file.Value!, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        Guid relationshipId, Guid goalId, ClaimsPrincipal user, ExportActionItems useCase, CancellationToken ct, string? format = null)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), relationshipId, goalId, format, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.File(outcome.Value!.Bytes, outcome.Value.ContentType, outcome.Value.Name);
    }

    private static async Task<Results<Ok<ProgramGoalProgress>, ProblemHttpResult>> Progress(Guid programId, ClaimsPrincipal user, GetProgramGoalProgress useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PairGoalProgress>>, ProblemHttpResult>> Pairs(
        Guid programId, ClaimsPrincipal user, GetProgramGoalProgress useCase, CancellationToken ct, bool withoutGoals = false, int page = 1, int pageSize = 20) =>
        (await useCase.PairsAsync(Actor.From(user), programId, withoutGoals, page, pageSize, ct)).ToOk();
}
