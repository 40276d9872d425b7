using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Files;
using Tandem.Features.Recognition;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Training;

public static class TrainingEndpoints
{
    public static IServiceCollection AddTandemTraining(this IServiceCollection services) => BadgeCatalogue.AddBadge(services,
            new BadgeDefinition(MyTraining.TrainingCompleteBadge, "Training complete", "Completed every training module of the program."))
        .AddScoped<ManageTraining>()
        .AddScoped<MyTraining>()
        .AddScoped<ITrainingGate, TrainingGate>()
        .AddScoped<ICompletedTraining, CompletedTraining>()
        .AddScoped<Resources.IResourceTarget, TrainingResourceTarget>();

    public static IEndpointRouteBuilder MapTraining(this IEndpointRouteBuilder app)
    {
        var program = app.MapGroup("/api/v1/programs/{programId:guid}/training").WithTags("Training").RequireAuthorization();
        program.MapGet("/modules", List).WithName("ListTrainingModules")
            .WithDescription("Coordinators of the program: every module with its quiz answers. Participants read theirs at `…/training/mine`.");
        program.MapPost("/modules", Create).WithName("CreateTrainingModule")
            .WithDescription("A module: `title`, `content` (Markdown), `audience` (Everyone, Mentors, Mentees), `minutes` (training time it counts as), "
                + "`passMarkPercent`, `videoLinks` (https only), `questions` (`text`, `options`, `correct` counted from 0) and `scenarios` (`prompt`).");
        program.MapGet("/modules/{moduleId:guid}", Get).WithName("GetTrainingModule");
        program.MapPut("/modules/{moduleId:guid}", Update).WithName("UpdateTrainingModule")
            .WithDescription("Replaces the module. Send the `id` of a question or scenario to keep it (and the answers given to it).");
        program.MapDelete("/modules/{moduleId:guid}", Delete).WithName("DeleteTrainingModule");
        // Not declared with Accepts(): the content-type matcher would answer 415 before authentication does.
        program.MapPost("/modules/{moduleId:guid}/file", Upload).WithName("UploadTrainingFile").DisableAntiforgery()
            .WithDescription("multipart/form-data with `file`: a PDF, PNG or JPEG picture or plain-text file of at most 5 MB (413 above). The type is read "
                + "from the bytes and must match the file's extension and declared type (400 otherwise). Replaces the previous file.");
        program.MapGet("/templates", Templates).WithName("ListTrainingTemplates");
        program.MapPost("/templates/{templateKey}", AddTemplate).WithName("AddTrainingTemplate")
            .WithDescription("Adds a ready-made module (content, quiz, scenario) to the program; 409 when it is already there.");
        program.MapGet("/settings", Settings).WithName("GetTrainingSettings");
        program.MapPut("/settings", ChangeSettings).WithName("ChangeTrainingSettings")
            .WithDescription("`requiredBeforeMatching`: the untrained are left out of matching and cannot be matched; `requiredBeforeStart`: no relationship starts before they finish.");
        program.MapGet("/completions", Completions).WithName("ListTrainingCompletions")
            .WithDescription("Each participant's modules completed, training minutes and what is left, by name, paged.");
        program.MapGet("/completions/{userId:guid}", Person).WithName("GetParticipantTraining")
            .WithDescription("One participant's progress with their reflections. Coordinators only; a minor's read is in the audit log.");
        program.MapGet("/mine", MineInProgram).WithName("ListMyProgramTraining")
            .WithDescription("The reader's modules in this program and what is left.");

        app.MapGet("/api/v1/me/training", Mine).WithTags("Training").RequireAuthorization().WithName("ListMyTraining")
            .WithDescription("The reader's modules in every program they take part in.");
        var module = app.MapGroup("/api/v1/training/modules/{moduleId:guid}").WithTags("Training").RequireAuthorization();
        module.MapGet("/", GetMine).WithName("GetMyTrainingModule")
            .WithDescription("A module assigned to the reader. Each question's `correct` option is null until the reader has answered the quiz.");
        module.MapPost("/quiz", SubmitQuiz).WithName("SubmitTrainingQuiz")
            .WithDescription("`answers`: one `{questionId, option}` per question (option counted from 0). Scored on the server against the pass mark.");
        module.MapPost("/reflections", Reflect).WithName("SubmitTrainingReflection")
            .WithDescription("`scenarioId` and `answer`: the reader's reflection, read only by them and the program's coordinators.");
        module.MapPost("/complete", Complete).WithName("CompleteTrainingModule")
            .WithDescription("Marks a module without quiz or scenarios as read; others complete when the quiz is passed and every scenario answered (409 until then).");
        module.MapGet("/file", File).WithName("GetTrainingFile").WithDescription("The module's file, always as a download.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<TrainingModuleView>>, ProblemHttpResult>> List(Guid programId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.ListAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Created<TrainingModuleView>, ProblemHttpResult>> Create(Guid programId, TrainingModuleRequest request, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        Created(await useCase.CreateAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<TrainingModuleView>, ProblemHttpResult>> Get(Guid programId, Guid moduleId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.GetAsync(Actor.From(user), programId, moduleId, ct)).ToOk();

    private static async Task<Results<Ok<TrainingModuleView>, ProblemHttpResult>> Update(Guid programId, Guid moduleId, TrainingModuleRequest request, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.UpdateAsync(Actor.From(user), programId, moduleId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid programId, Guid moduleId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        await useCase.DeleteAsync(Actor.From(user), programId, moduleId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Ok<TrainingModuleView>, ProblemHttpResult>> Upload(Guid programId, Guid moduleId, HttpRequest http, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        // Nothing is read for someone who may not change the module.
        if ((await useCase.GetAsync(actor, programId, moduleId, ct)).Failure is { } refused)
        {
            return refused.ToProblem();
        }
        var read = await UploadForms.ReadWithFileAsync(http, AttachmentPolicy.MaxBytes, $"A training file can be at most {AttachmentPolicy.MaxBytes / (1024 * 1024)} MB.", ct);
        if (read.Failure is { } unreadable)
        {
            return unreadable.ToProblem();
        }
        return (await useCase.AttachFileAsync(actor, programId, moduleId, read.Value!.File, ct)).ToOk();
    }

    private static async Task<Results<Ok<IReadOnlyList<TrainingTemplateView>>, ProblemHttpResult>> Templates(Guid programId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.TemplatesAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Created<TrainingModuleView>, ProblemHttpResult>> AddTemplate(Guid programId, string templateKey, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        Created(await useCase.AddTemplateAsync(Actor.From(user), programId, templateKey, ct));

    private static async Task<Results<Ok<TrainingSettingsView>, ProblemHttpResult>> Settings(Guid programId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.SettingsAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<TrainingSettingsView>, ProblemHttpResult>> ChangeSettings(Guid programId, ChangeTrainingSettingsRequest request, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.ChangeSettingsAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PersonTrainingRow>>, ProblemHttpResult>> Completions(Guid programId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await useCase.CompletionsAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<PersonTrainingView>, ProblemHttpResult>> Person(Guid programId, Guid userId, ClaimsPrincipal user, ManageTraining useCase, CancellationToken ct) =>
        (await useCase.PersonAsync(Actor.From(user), programId, userId, ct)).ToOk();

    private static async Task<Results<Ok<MyTrainingList>, ProblemHttpResult>> MineInProgram(Guid programId, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        (await useCase.ListForProgramAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Ok<IReadOnlyList<MyTrainingList>>> Mine(ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.ListMineAsync(Actor.From(user), ct));

    private static async Task<Results<Ok<MyTrainingModuleView>, ProblemHttpResult>> GetMine(Guid moduleId, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        (await useCase.GetAsync(Actor.From(user), moduleId, ct)).ToOk();

    private static async Task<Results<Ok<MyTrainingModuleView>, ProblemHttpResult>> SubmitQuiz(Guid moduleId, SubmitQuizRequest request, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        (await useCase.SubmitQuizAsync(Actor.From(user), moduleId, request, ct)).ToOk();

    private static async Task<Results<Ok<MyTrainingModuleView>, ProblemHttpResult>> Reflect(Guid moduleId, SubmitReflectionRequest request, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        (await useCase.ReflectAsync(Actor.From(user), moduleId, request, ct)).ToOk();

    private static async Task<Results<Ok<MyTrainingModuleView>, ProblemHttpResult>> Complete(Guid moduleId, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct) =>
        (await useCase.CompleteAsync(Actor.From(user), moduleId, ct)).ToOk();

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> File(Guid moduleId, ClaimsPrincipal user, MyTraining useCase, CancellationToken ct)
    {
        var outcome = await useCase.FileAsync(Actor.From(user), moduleId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var file = outcome.Value!;
        // Always a download, never shown inline: an uploaded file is not a page on Tandem's address.
        return TypedResults.File(file.Content, file.ContentType, file.Name);
    }

    private static Results<Created<TrainingModuleView>, ProblemHttpResult> Created(Outcome<TrainingModuleView> outcome) =>
        outcome.Failure is { } failure
            ? failure.ToProblem()
            : TypedResults.Created($"/api/v1/programs/{outcome.Value!.ProgramId}/training/modules/{outcome.Value.Id}", outcome.Value);
}
