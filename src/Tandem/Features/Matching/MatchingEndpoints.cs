using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Relationships;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

public static class MatchingEndpoints
{
    public static IServiceCollection AddTandemMatching(this IServiceCollection services) => services
        .AddScoped<MatchingAccess>()
        .AddScoped<IStudyGroupSize, StudyGroupSize>()
        .AddScoped<MatchingPool>()
        .AddScoped<GetMatchingSetup>()
        .AddScoped<PreviewMatchingSetup>()
        .AddScoped<SaveMatchingSetup>()
        .AddScoped<RunPoolMatching>()
        .AddScoped<MatchingRunQueue>()
        .AddScoped<MatchingRunProcessor>()
        .AddScoped<GetMatchingRun>()
        .AddScoped<ExportMatchingProblem>()
        .AddScoped<ImportMatchingResult>()
        .AddSingleton<MatchingRunSignals>()
        .AddHostedService<MatchingRunWorker>()
        .AddCheckedOptions<MatchingOptions>(MatchingOptions.Section).Services
        .AddScoped<GetMatchDraft>()
        .AddScoped<AddMatchRule>()
        .AddScoped<RemoveMatchRule>()
        .AddScoped<AssignByHand>()
        .AddScoped<SwapPartners>()
        .AddScoped<ListCandidates>()
        .AddScoped<PublishMatchDraft>()
        .AddScoped<OfferCandidates>()
        .AddScoped<GetRankingStatus>()
        .AddScoped<GetMyCandidates>()
        .AddScoped<RankMyCandidates>();

    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder app)
    {
        var matching = app.MapGroup("/api/v1/programs/{programId:guid}/matching").WithTags("Matching").RequireAuthorization();
        matching.MapGet("/setup", GetSetup).WithName("GetMatchingSetup");
        matching.MapPut("/setup", SaveSetup).WithName("SaveMatchingSetup");
        matching.MapPost("/setup/preview", PreviewSetup).WithName("PreviewMatchingSetup");
        matching.MapPost("/drafts", Run).WithName("RunPoolMatching");
        matching.MapGet("/drafts/latest", Latest).WithName("GetLatestMatchDraft");
        matching.MapGet("/drafts/{draftId:guid}", Draft).WithName("GetMatchDraft");
        matching.MapGet("/drafts/{draftId:guid}/unmatched", Unmatched).WithName("ListMatchDraftUnmatched");
        matching.MapGet("/drafts/{draftId:guid}/certificate", Certificate).WithName("GetMatchDraftCertificate");
        matching.MapGet("/runs/latest", LatestRun).WithName("GetLatestMatchingRun");
        matching.MapGet("/export", Export).WithName("ExportMatchingProblem");
        matching.MapPost("/imports", Import).WithName("ImportMatchingResult");
        matching.MapGet("/runs/{runId:guid}", RunById).WithName("GetMatchingRun");
        matching.MapPost("/drafts/{draftId:guid}/publish", Publish).WithName("PublishMatchDraft");
        matching.MapPost("/rules", AddRule).WithName("AddMatchRule");
        matching.MapDelete("/rules/{ruleId:guid}", RemoveRule).WithName("RemoveMatchRule");
        matching.MapPost("/assignments", Assign).WithName("AssignByHand");
        matching.MapPost("/swaps", Swap).WithName("SwapPartners");
        matching.MapGet("/candidates/{enrolmentId:guid}", Candidates).WithName("ListMatchCandidates");
        matching.MapGet("/offers", Offers).WithName("GetRankingStatus");
        matching.MapPost("/offers", Offer).WithName("OfferCandidates");

        app.MapGet("/api/v1/programs/{programId:guid}/my-candidates", MyCandidates).WithTags("Matching").RequireAuthorization().WithName("GetMyCandidates");
        app.MapPut("/api/v1/programs/{programId:guid}/my-candidates", RankCandidates).WithTags("Matching").RequireAuthorization().WithName("RankMyCandidates");
        return app;
    }

    private static async Task<Results<Ok<MatchingSetupView>, ProblemHttpResult>> GetSetup(Guid programId, ClaimsPrincipal user, GetMatchingSetup useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<MatchingSetupView>, ProblemHttpResult>> SaveSetup(Guid programId, SaveMatchingSetupRequest request, ClaimsPrincipal user, SaveMatchingSetup useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<MatchingSetupView>, ProblemHttpResult>> PreviewSetup(Guid programId, SaveMatchingSetupRequest request, ClaimsPrincipal user, PreviewMatchingSetup useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<MatchDraftView>, Accepted<MatchingRunView>, ProblemHttpResult>> Run(Guid programId, ClaimsPrincipal user, RunPoolMatching run, GetMatchDraft get, CancellationToken ct) =>
        await DraftOrRunAsync(await run.RunAsync(Actor.From(user), programId, ct), user, get, ct);

    /// <summary>The draft when the run finished within the wait (200), else the run to follow (202, Location: the run).</summary>
    private static async Task<Results<Ok<MatchDraftView>, Accepted<MatchingRunView>, ProblemHttpResult>> DraftOrRunAsync(
        Outcome<RunRequested> requested, ClaimsPrincipal user, GetMatchDraft get, CancellationToken ct)
    {
        if (requested.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var run = requested.Value!.Run;
        if (!requested.Value.Done)
        {
            return TypedResults.Accepted($"/api/v1/programs/{run.ProgramId}/matching/runs/{run.Id}", MatchingRunView.Of(run));
        }
        var draft = await get.RunAsync(Actor.From(user), run.ProgramId, run.DraftId, 1, GetMatchDraft.DefaultPageSize, ct);
        return draft.Failure is { } missing ? missing.ToProblem() : TypedResults.Ok(draft.Value!);
    }

    private static async Task<Results<Ok<Paged<UnmatchedPerson>>, ProblemHttpResult>> Unmatched(Guid programId, Guid draftId, ClaimsPrincipal user, GetMatchDraft useCase, CancellationToken ct, int page = 1, [MaxPageSize(GetMatchDraft.MaxPageSize)] int pageSize = GetMatchDraft.DefaultPageSize) =>
        (await useCase.UnmatchedAsync(Actor.From(user), programId, draftId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<MatchCertificateView>, ProblemHttpResult>> Certificate(Guid programId, Guid draftId, ClaimsPrincipal user, GetMatchDraft useCase, CancellationToken ct) =>
        (await useCase.CertificateAsync(Actor.From(user), programId, draftId, ct)).ToOk();

    /// <summary>The pool as a problem file (streamed); a failure before the first byte is a ProblemDetails as usual.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Export(Guid programId, ClaimsPrincipal user, ExportMatchingProblem useCase, HttpContext http,
        CancellationToken ct, int? candidates = null)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"matching-problem-{programId}.json\"";
        var exported = await useCase.RunAsync(Actor.From(user), programId, http.Response.Body, candidates, ct);
        if (exported.Failure is { } failure)
        {
            http.Response.Headers.Remove("Content-Disposition");
            return failure.ToProblem();
        }
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<MatchDraftView>, ProblemHttpResult>> Import(Guid programId, System.Text.Json.JsonDocument result, ClaimsPrincipal user,
        ImportMatchingResult useCase, GetMatchDraft get, CancellationToken ct)
    {
        var actor = Actor.From(user);
        var imported = await useCase.RunAsync(actor, programId, result, ct);
        return imported.Failure is { } failure ? failure.ToProblem() : (await get.RunAsync(actor, programId, imported.Value!.Id, 1, GetMatchDraft.DefaultPageSize, ct)).ToOk();
    }

    private static async Task<Results<Ok<MatchingRunView>, ProblemHttpResult>> LatestRun(Guid programId, ClaimsPrincipal user, GetMatchingRun useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, null, ct)).ToOk();

    private static async Task<Results<Ok<MatchingRunView>, ProblemHttpResult>> RunById(Guid programId, Guid runId, ClaimsPrincipal user, GetMatchingRun useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, runId, ct)).ToOk();

    private static async Task<Results<Ok<MatchDraftView>, ProblemHttpResult>> Latest(Guid programId, ClaimsPrincipal user, GetMatchDraft useCase, CancellationToken ct, int page = 1, [MaxPageSize(GetMatchDraft.MaxPageSize)] int pageSize = GetMatchDraft.DefaultPageSize) =>
        (await useCase.RunAsync(Actor.From(user), programId, null, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<MatchDraftView>, ProblemHttpResult>> Draft(Guid programId, Guid draftId, ClaimsPrincipal user, GetMatchDraft useCase, CancellationToken ct, int page = 1, [MaxPageSize(GetMatchDraft.MaxPageSize)] int pageSize = GetMatchDraft.DefaultPageSize) =>
        (await useCase.RunAsync(Actor.From(user), programId, draftId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<PublishResult>, ProblemHttpResult>> Publish(Guid programId, Guid draftId, PublishRequest request, ClaimsPrincipal user, PublishMatchDraft useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, draftId, request, ct)).ToOk();

    private static async Task<Results<Ok<MatchRuleView>, ProblemHttpResult>> AddRule(Guid programId, MatchRuleRequest request, ClaimsPrincipal user, AddMatchRule useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRule(Guid programId, Guid ruleId, ClaimsPrincipal user, RemoveMatchRule useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, ruleId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MatchDraftView>, Accepted<MatchingRunView>, ProblemHttpResult>> Assign(Guid programId, AssignRequest request, ClaimsPrincipal user, AssignByHand assign, GetMatchDraft get, CancellationToken ct) =>
        await DraftOrRunAsync(await assign.RunAsync(Actor.From(user), programId, request, ct), user, get, ct);

    private static async Task<Results<Ok<MatchDraftView>, Accepted<MatchingRunView>, ProblemHttpResult>> Swap(Guid programId, SwapRequest request, ClaimsPrincipal user, SwapPartners swap, GetMatchDraft get, CancellationToken ct) =>
        await DraftOrRunAsync(await swap.RunAsync(Actor.From(user), programId, request, ct), user, get, ct);

    private static async Task<Results<Ok<RankingStatusView>, ProblemHttpResult>> Offers(Guid programId, ClaimsPrincipal user, GetRankingStatus useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<RankingStatusView>, ProblemHttpResult>> Offer(Guid programId, OfferCandidatesRequest request, ClaimsPrincipal user, OfferCandidates useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<MyCandidatesView>, ProblemHttpResult>> MyCandidates(Guid programId, ClaimsPrincipal user, GetMyCandidates useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<MyCandidatesView>, ProblemHttpResult>> RankCandidates(Guid programId, RankCandidatesRequest request, ClaimsPrincipal user, RankMyCandidates useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<CandidatesView>, ProblemHttpResult>> Candidates(Guid programId, Guid enrolmentId, ClaimsPrincipal user, ListCandidates useCase, CancellationToken ct, int limit = 10) =>
        limit is < 1 or > ListCandidates.MaxLimit
            ? Invalid.Field(nameof(limit), $"limit must be between 1 and {ListCandidates.MaxLimit}.").ToProblem()
            : (await useCase.RunAsync(Actor.From(user), programId, enrolmentId, limit, ct)).ToOk();
}
