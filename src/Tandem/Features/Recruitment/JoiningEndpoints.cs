using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// The organisation's and the program's "add someone" addresses. They live with recruitment because adding an address
/// from outside is an invitation (ADR 19), and so that neither Organisations nor Programs depends on Recruitment;
/// their routes and OpenAPI tags stay those of the organisation and the program.
/// </summary>
public static class JoiningEndpoints
{
    public static IEndpointRouteBuilder MapJoining(this IEndpointRouteBuilder app)
    {
        var organisations = app.MapGroup("/api/v1/organisations").WithTags("Organisations").RequireAuthorization();
        organisations.MapPost("/{organisationId:guid}/members", AddMember).WithName("AddOrganisationMember")
            .WithDescription("200 with the member when the address belongs to a member already (the role changes); otherwise 202 with the "
                + "invitation e-mailed to the address, whether or not it has an account elsewhere. Administrators attach an existing account with a verified address directly.");
        organisations.MapDelete("/{organisationId:guid}/members/{userId:guid}", RemoveMember).WithName("RemoveOrganisationMember")
            .WithDescription("Removes a member. 409 saying why for the organisation's only coordinator, or someone taking part in one of its programs that is not closed.");
        organisations.MapGet("/{organisationId:guid}/invitations", Invitations).WithName("ListOrganisationInvitations");

        var programs = app.MapGroup("/api/v1/programs").WithTags("Programs").RequireAuthorization();
        programs.MapPost("/{programId:guid}/enrolments", Enrol).WithName("EnrolParticipant")
            .WithDescription("200 with the enrolment when the address belongs to a member of the program's organisation; otherwise 202 with the "
                + "invitation e-mailed to the address (enrolled when accepted), whether or not it has an account elsewhere. Administrators enrol an existing account with a verified address directly.");
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid organisationId, Guid userId, ClaimsPrincipal user, RemoveOrganisationMember useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, userId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MemberView>, Accepted<InvitationView>, ProblemHttpResult>> AddMember(
        Guid organisationId, AddMemberRequest request, ClaimsPrincipal user, AddOrganisationMember useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, request, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        return outcome.Value!.Member is { } member
            ? TypedResults.Ok(member)
            : TypedResults.Accepted($"/api/v1/organisations/{organisationId}/invitations", outcome.Value.Invitation!);
    }

    private static async Task<Results<Ok<Paged<InvitationView>>, ProblemHttpResult>> Invitations(
        Guid organisationId, ClaimsPrincipal user, ListOrganisationInvitations useCase, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Ok<EnrolmentView>, Accepted<InvitationView>, ProblemHttpResult>> Enrol(
        Guid programId, EnrolRequest request, ClaimsPrincipal user, EnrolParticipant useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), programId, request, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        return outcome.Value!.Enrolment is { } enrolment
            ? TypedResults.Ok(enrolment)
            : TypedResults.Accepted($"/api/v1/programs/{programId}/invitations", outcome.Value.Invitation!);
    }
}
