using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

public static class OrganisationEndpoints
{
    public static IServiceCollection AddTandemOrganisations(this IServiceCollection services) => services
        .AddScoped<ListOrganisations>()
        .AddScoped<CreateOrganisation>()
        .AddScoped<ListOrganisationMembers>();

    public static IEndpointRouteBuilder MapOrganisations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organisations").WithTags("Organisations").RequireAuthorization();
        group.MapGet("/", List).WithName("ListOrganisations");
        group.MapPost("/", Create).WithName("CreateOrganisation").RequireAuthorization(AccountsSetup.AdministratorPolicy)
            .WithDescription("Creates an organisation. With firstCoordinator {name, email}, that person is invited by e-mail as its coordinator "
                + "in the same request (an existing account is made coordinator at once); firstCoordinator.status says which. Nothing is created when either part is refused.");
        group.MapGet("/{organisationId:guid}/members", Members).WithName("ListOrganisationMembers");
        return app;
    }

    private static async Task<Results<Ok<Paged<OrganisationView>>, ProblemHttpResult>> List(ClaimsPrincipal user, ListOrganisations useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Created<CreatedOrganisation>, ProblemHttpResult>> Create(
        CreateOrganisationRequest request, ClaimsPrincipal user, CreateOrganisation useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), request, ct);
        return outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/organisations/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<Paged<MemberView>>, ProblemHttpResult>> Members(Guid organisationId, ClaimsPrincipal user, ListOrganisationMembers useCase, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
