using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>Erasure requests (a person or a guardian asks, the organisation decides) and a guardian's download of their child's data (ADR 52).</summary>
public static class ErasureRequestEndpoints
{
    public static IServiceCollection AddTandemErasureRequests(this IServiceCollection services) => services
        .AddScoped<AskForErasure>()
        .AddScoped<MyErasureRequests>()
        .AddScoped<ListErasureRequests>()
        .AddScoped<DecideErasureRequest>();

    public static IEndpointRouteBuilder MapErasureRequests(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/me/erasure-requests", AskMine).WithTags("Privacy").RequireAuthorization().WithName("AskForMyErasure")
            .WithDescription("The signed-in person asks for their data to be erased; organisationId only when they take part in more than one. "
                + "409 while a request for them is open.");
        app.MapGet("/api/v1/me/erasure-requests", ListMine).WithTags("Privacy").RequireAuthorization().WithName("ListMyErasureRequests");

        var organisation = app.MapGroup("/api/v1/organisations/{organisationId:guid}/erasure-requests").WithTags("Privacy").RequireAuthorization();
        organisation.MapGet("/", List).WithName("ListErasureRequests")
            .WithDescription("The organisation's erasure requests, open ones first (state: Open, CarriedOut or Declined to see one kind). Coordinators and administrators.");
        organisation.MapPost("/{requestId:guid}/carry-out", CarryOut).WithName("CarryOutErasureRequest")
            .WithDescription("Erases the person everywhere (as `tandem privacy erase` does) and tells whoever asked by e-mail. Cannot be undone.");
        organisation.MapPost("/{requestId:guid}/decline", Decline).WithName("DeclineErasureRequest")
            .WithDescription("Declines the request with a reason (for example a school's legal duty to keep records), which whoever asked is sent by e-mail.");

        // The guardian's download: a browser link on their page, authorised by the guardian's session cookie (not an account).
        app.MapGet("/guardian/children/{childId:guid}/data-export", GuardianDownload).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Created<MyErasureRequestView>, ProblemHttpResult>> AskMine(MyErasureRequestRequest request, ClaimsPrincipal user, AskForErasure useCase, CancellationToken ct)
    {
        var outcome = await useCase.ByPersonAsync(Actor.From(user), request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created("/api/v1/me/erasure-requests", outcome.Value!);
    }

    private static async Task<Ok<IReadOnlyList<MyErasureRequestView>>> ListMine(ClaimsPrincipal user, MyErasureRequests useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.ForAsync(Actor.From(user).UserId, ct));

    private static async Task<Results<Ok<Paged<ErasureRequestView>>, ProblemHttpResult>> List(Guid organisationId, ClaimsPrincipal user, ListErasureRequests useCase, CancellationToken ct,
        ErasureRequestState? state = null, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, state, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<ErasureRequestView>, ProblemHttpResult>> CarryOut(Guid organisationId, Guid requestId, ClaimsPrincipal user, DecideErasureRequest useCase, CancellationToken ct) =>
        (await useCase.CarryOutAsync(Actor.From(user), organisationId, requestId, ct)).ToOk();

    private static async Task<Results<Ok<ErasureRequestView>, ProblemHttpResult>> Decline(Guid organisationId, Guid requestId, DeclineErasureRequestRequest request, ClaimsPrincipal user,
        DecideErasureRequest useCase, CancellationToken ct) =>
        (await useCase.DeclineAsync(Actor.From(user), organisationId, requestId, request, ct)).ToOk();

    private static async Task<Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult>> GuardianDownload(Guid childId, HttpContext http, GuardianSessions sessions,
        GuardianChildren children, ExportMyData export, CancellationToken ct)
    {
        if (sessions.Read(http) is not { } email)
        {
            return TypedResults.Redirect("/guardian");
        }
        if (!await children.IsGuardianOfAsync(email, childId, ct))
        {
            return new Infrastructure.Problems.NotFound("No consent names you as this child's parent or guardian.").ToProblem();
        }
        await children.RecordDownloadAsync(email, childId, ct);
        var bytes = await export.RunForGuardianAsync(childId, email, ct);
        return bytes is null
            ? new Infrastructure.Problems.NotFound("There is no such account.").ToProblem()
            : TypedResults.File(bytes, "application/json", "tandem-child-data.json");
    }
}
