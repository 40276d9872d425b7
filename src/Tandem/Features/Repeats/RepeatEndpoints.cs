using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Repeats;

/// <summary>Programs that repeat (ADR 65): shipped templates, copies of last year's program, and its mentors invited back.</summary>
public static class RepeatEndpoints
{
    public static IServiceCollection AddTandemRepeats(this IServiceCollection services) => services
        .AddScoped<CreateProgramFromTemplate>()
        .AddScoped<CopyProgram>()
        .AddScoped<ReturningMentors>();

    public static IEndpointRouteBuilder MapRepeats(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/v1/program-templates").WithTags("Programs").RequireAuthorization();
        templates.MapGet("/", ListTemplates).WithName("ListProgramTemplates")
            .WithDescription("The shipped program designs: format, objectives, application forms, matching, training, surveys, journal prompts and badges.");
        templates.MapGet("/{templateId}", GetTemplate).WithName("GetProgramTemplate");

        var programs = app.MapGroup("/api/v1/programs").WithTags("Programs").RequireAuthorization();
        programs.MapPost("/from-template", FromTemplate).WithName("CreateProgramFromTemplate")
            .WithDescription("A draft program from a template, in one transaction: the program, its application forms, matching setup, training "
                + "modules, surveys, journal prompts and badge rules. 404 for an unknown template; coordinators of the organisation only.");
        programs.MapPost("/{programId:guid}/copy", Copy).WithName("CopyProgram")
            .WithDescription("A new draft in the same organisation with the program's design (settings, objectives, forms, matching, training with "
                + "files, surveys as drafts, prompts, badge rules) and none of its people or their data.");
        programs.MapGet("/{programId:guid}/origin", Origin).WithName("GetProgramOrigin")
            .WithDescription("The template or program this one was made from, and for a copy how many of the source's mentors can be and were invited back.");
        programs.MapPost("/{programId:guid}/returning-mentors", InviteBack).WithName("InviteMentorsBack")
            .WithDescription("E-mails the source program's mentors an invitation to apply to this copy, but for those in `leaveOut`. Pressing again invites nobody twice. "
                + "409 while the program is not recruiting, or when it is not a copy.");
        return app;
    }

    private static Ok<IReadOnlyList<ProgramTemplateView>> ListTemplates() => TypedResults.Ok(CreateProgramFromTemplate.List());

    private static Results<Ok<ProgramTemplateView>, ProblemHttpResult> GetTemplate(string templateId) =>
        ProgramTemplates.Find(templateId) is { } template
            ? TypedResults.Ok(CreateProgramFromTemplate.View(template))
            : new Tandem.Infrastructure.Problems.NotFound($"No program template is called “{templateId}”. The templates are: {ProgramTemplates.Keys}.").ToProblem();

    private static async Task<Results<Created<ProgramDetails>, ProblemHttpResult>> FromTemplate(
        ProgramFromTemplateRequest request, ClaimsPrincipal user, CreateProgramFromTemplate useCase, CancellationToken ct) =>
        Created(await useCase.RunAsync(Actor.From(user), request, ct));

    private static async Task<Results<Created<ProgramDetails>, ProblemHttpResult>> Copy(
        Guid programId, CopyProgramRequest request, ClaimsPrincipal user, CopyProgram useCase, CancellationToken ct) =>
        Created(await useCase.RunAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<ProgramOriginView>, ProblemHttpResult>> Origin(Guid programId, ClaimsPrincipal user, ReturningMentors useCase, CancellationToken ct,
        int page = 1, int pageSize = ReturningMentors.DefaultPageSize) =>
        (await useCase.GetAsync(Actor.From(user), programId, ct, page, pageSize)).ToOk();

    private static async Task<Results<Ok<InviteMentorsBackResult>, ProblemHttpResult>> InviteBack(
        Guid programId, InviteMentorsBackRequest? request, ClaimsPrincipal user, ReturningMentors useCase, CancellationToken ct) =>
        (await useCase.InviteAsync(Actor.From(user), programId, ct, request?.LeaveOut)).ToOk();

    private static Results<Created<ProgramDetails>, ProblemHttpResult> Created(Outcome<ProgramDetails> outcome) =>
        outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/programs/{outcome.Value!.Id}", outcome.Value);
}
