using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

public static class SurveyEndpoints
{
    public static IServiceCollection AddTandemSurveys(this IServiceCollection services)
    {
        services.AddCheckedOptions<SurveyOptions>("Surveys");
        services.AddHostedService<SurveyWorker>();
        return services
            .AddScoped<SurveyAccess>()
            .AddScoped<SurveyDispatch>()
            .AddScoped<ListSurveyTemplates>()
            .AddScoped<CreateSurvey>()
            .AddScoped<CreateOrganisationSurvey>()
            .AddScoped<ListOrganisationSurveys>()
            .AddScoped<UpdateSurvey>()
            .AddScoped<ListSurveys>()
            .AddScoped<GetSurvey>()
            .AddScoped<SendSurvey>()
            .AddScoped<CloseSurvey>()
            .AddScoped<GetSurveyResults>()
            .AddScoped<ListSurveyResponses>()
            .AddScoped<ListMySurveys>()
            .AddScoped<GetMySurvey>()
            .AddScoped<AnswerSurvey>()
            .AddScoped<DispatchSurveys>()
            .AddScoped<MakeSuggestion>()
            .AddScoped<ListSuggestions>()
            .AddScoped<ListAnsweredSuggestions>()
            .AddScoped<AnswerSuggestion>();
    }

    public static IEndpointRouteBuilder MapSurveys(this IEndpointRouteBuilder app)
    {
        var programs = app.MapGroup("/api/v1/programs/{programId:guid}").WithTags("Surveys").RequireAuthorization();
        programs.MapGet("/survey-templates", ListTemplates).WithName("ListSurveyTemplates");
        programs.MapGet("/surveys", List).WithName("ListSurveys");
        programs.MapPost("/surveys", Create).WithName("CreateSurvey")
            .WithDescription("A draft survey, from a template (fields left out come from it) or from scratch. The Pre template also makes its matching Post survey.");
        programs.MapPost("/suggestions", Suggest).WithName("MakeSuggestion")
            .WithDescription("Anyone in the program; anonymous unless anonymous is false. Nothing about an anonymous author is stored.");
        programs.MapGet("/suggestions", ListBox).WithName("ListSuggestions");
        programs.MapGet("/suggestions/answered", ListAnswered).WithName("ListAnsweredSuggestions");

        var organisations = app.MapGroup("/api/v1/organisations/{organisationId:guid}/surveys").WithTags("Surveys").RequireAuthorization();
        organisations.MapGet("", ListForOrganisation).WithName("ListOrganisationSurveys");
        organisations.MapPost("", CreateForOrganisation).WithName("CreateOrganisationSurvey")
            .WithDescription("A survey with no program (the NeedsAssessment template by default) to a roster of the organisation's members (e-mail addresses; every member when empty); sent now or on a date.");

        var surveys = app.MapGroup("/api/v1/surveys/{surveyId:guid}").WithTags("Surveys").RequireAuthorization();
        surveys.MapGet("", Get).WithName("GetSurvey");
        surveys.MapPut("", Update).WithName("UpdateSurvey").WithDescription("Only while the survey is a draft.");
        surveys.MapPost("/send", Send).WithName("SendSurvey");
        surveys.MapPost("/close", Close).WithName("CloseSurvey");
        surveys.MapGet("/results", Results).WithName("GetSurveyResults")
            .WithDescription("Aggregates only, and nothing for fewer than five answers (the survey's or a question's).");
        surveys.MapGet("/responses", Responses).WithName("ListSurveyResponses")
            .WithDescription("A named survey's answers by person; 409 for an anonymous survey, whose answers are linked to nobody.");

        var mine = app.MapGroup("/api/v1/me/surveys").WithTags("Surveys").RequireAuthorization();
        mine.MapGet("", ListMine).WithName("ListMySurveys");
        mine.MapGet("/{surveyInvitationId:guid}", GetMine).WithName("GetMySurvey");
        mine.MapPost("/{surveyInvitationId:guid}/answers", Answer).WithName("AnswerSurvey");

        app.MapGroup("/api/v1/suggestions").WithTags("Surveys").RequireAuthorization()
            .MapPost("/{suggestionId:guid}/answer", AnswerBox).WithName("AnswerSuggestion")
            .WithDescription("A public answer, shown to everyone in the program with the suggestion (never its author).");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<SurveyTemplateView>>, ProblemHttpResult>> ListTemplates(
        Guid programId, ClaimsPrincipal user, ListSurveyTemplates useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<SurveySummary>>, ProblemHttpResult>> List(
        Guid programId, ClaimsPrincipal user, ListSurveys useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> Create(
        Guid programId, SaveSurveyRequest request, ClaimsPrincipal user, CreateSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<SurveySummary>>, ProblemHttpResult>> ListForOrganisation(
        Guid organisationId, ClaimsPrincipal user, ListOrganisationSurveys useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> CreateForOrganisation(
        Guid organisationId, SaveSurveyRequest request, ClaimsPrincipal user, CreateOrganisationSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, request, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> Get(
        Guid surveyId, ClaimsPrincipal user, GetSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> Update(
        Guid surveyId, SaveSurveyRequest request, ClaimsPrincipal user, UpdateSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, request, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> Send(
        Guid surveyId, ClaimsPrincipal user, SendSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, ct)).ToOk();

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> Close(
        Guid surveyId, ClaimsPrincipal user, CloseSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, ct)).ToOk();

    private static async Task<Results<Ok<SurveyResults>, ProblemHttpResult>> Results(
        Guid surveyId, ClaimsPrincipal user, GetSurveyResults useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, ct)).ToOk();

    private static async Task<Results<Ok<Paged<NamedResponseView>>, ProblemHttpResult>> Responses(
        Guid surveyId, ClaimsPrincipal user, ListSurveyResponses useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), surveyId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<Paged<MySurveySummary>>, ProblemHttpResult>> ListMine(
        ClaimsPrincipal user, ListMySurveys useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<MySurveyForm>, ProblemHttpResult>> GetMine(
        Guid surveyInvitationId, ClaimsPrincipal user, GetMySurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyInvitationId, ct)).ToOk();

    private static async Task<Results<Ok<SurveyAnswered>, ProblemHttpResult>> Answer(
        Guid surveyInvitationId, AnswerSurveyRequest request, ClaimsPrincipal user, AnswerSurvey useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), surveyInvitationId, request, ct)).ToOk();

    private static async Task<Results<Ok<SuggestionReceived>, ProblemHttpResult>> Suggest(
        Guid programId, MakeSuggestionRequest request, ClaimsPrincipal user, MakeSuggestion useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<SuggestionView>>, ProblemHttpResult>> ListBox(
        Guid programId, ClaimsPrincipal user, ListSuggestions useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PublicSuggestionView>>, ProblemHttpResult>> ListAnswered(
        Guid programId, ClaimsPrincipal user, ListAnsweredSuggestions useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<SuggestionView>, ProblemHttpResult>> AnswerBox(
        Guid suggestionId, AnswerSuggestionRequest request, ClaimsPrincipal user, AnswerSuggestion useCase, CancellationToken ct) =>
        (await useCase.RunAsync(Actor.From(user), suggestionId, request, ct)).ToOk();
}
