using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Resources;

public static class ResourceEndpoints
{
    public static IServiceCollection AddTandemResources(this IServiceCollection services) => services
        .AddScoped<ResourceAccess>()
        .AddScoped<ManageResources>()
        .AddScoped<BrowseResources>();

    public static IEndpointRouteBuilder MapResources(this IEndpointRouteBuilder app)
    {
        const string Search = " `q`: words that must all appear in the title, description or tags; `tag`: one tag. Newest first, paged.";
        var program = app.MapGroup("/api/v1/programs/{programId:guid}/resources").WithTags("Resources").RequireAuthorization();
        program.MapGet("/", List).WithName("ListResources")
            .WithDescription("The program's library and its organisation's: participants those of their audience, staff and coordinators all." + Search);
        program.MapPost("/", Create).WithName("CreateResource")
            .WithDescription("Coordinators: a `Link` (`url`, https only; Google Docs and Drive, Moodle, Canvas, YouTube and Vimeo are recognised) or a "
                + "`Guide` (`body` in Markdown), with `title`, `description`, `tags` and `audience` (Everyone, Mentors, Mentees). 422 for what cannot be kept.");
        // Not declared with Accepts(): the content-type matcher would answer 415 before authentication does.
        program.MapPost("/files", Upload).WithName("UploadResource").DisableAntiforgery()
            .WithDescription(FileDescription);

        var organisation = app.MapGroup("/api/v1/organisations/{organisationId:guid}/resources").WithTags("Resources").RequireAuthorization();
        organisation.MapGet("/", ListOrganisation).WithName("ListOrganisationResources")
            .WithDescription("The organisation's own resources (shown in every one of its programs' libraries), for its coordinators." + Search);
        organisation.MapPost("/", CreateForOrganisation).WithName("CreateOrganisationResource")
            .WithDescription("As for a program, for every program of the organisation; its coordinators and administrators only.");
        organisation.MapPost("/files", UploadForOrganisation).WithName("UploadOrganisationResource").DisableAntiforgery()
            .WithDescription(FileDescription);

        var resource = app.MapGroup("/api/v1/resources/{resourceId:guid}").WithTags("Resources").RequireAuthorization();
        resource.MapGet("/", Get).WithName("GetResource").WithDescription("One resource of the reader's audience, a guide with its Markdown `body`.");
        resource.MapPut("/", Update).WithName("UpdateResource")
            .WithDescription("Replaces the title, description, tags and audience, and a link's `url` or a guide's `body`; the kind and a file stay.");
        resource.MapDelete("/", Delete).WithName("DeleteResource").WithDescription("Deletes the resource with its file and attachments.");
        resource.MapGet("/file", File).WithName("GetResourceFile").WithDescription("The resource's file, always as a download; 404 outside its audience.");
        resource.MapPost("/attachments", Attach).WithName("AttachResource")
            .WithDescription("`targetKind` (TrainingModule, Goal, Event) and `targetId`: shown there to those who see it and are in the resource's audience.");
        resource.MapDelete("/attachments/{targetKind}/{targetId:guid}", Detach).WithName("DetachResource");

        app.MapGet("/api/v1/resource-attachments/{targetKind}/{targetId:guid}", Attached).WithTags("Resources").RequireAuthorization()
            .WithName("ListAttachedResources")
            .WithDescription("The resources attached to a training module, goal or event the reader sees, of the reader's audience.");
        return app;
    }

    private const string FileDescription = "multipart/form-data with `file` (a PDF, PNG or JPEG picture or plain-text file of at most 5 MB; 413 above), `title`, "
        + "`description`, `tags` (comma-separated or repeated) and `audience`. The type is read from the bytes and must match the file's extension "
        + "and declared type (422 otherwise, and nothing is stored).";

    private static async Task<Results<Ok<Paged<ResourceView>>, ProblemHttpResult>> List(Guid programId, ClaimsPrincipal user, BrowseResources useCase, CancellationToken ct,
        string? q = null, string? tag = null, int page = 1, int pageSize = 20) =>
        (await useCase.ListAsync(Actor.From(user), programId, q, tag, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<Paged<ResourceView>>, ProblemHttpResult>> ListOrganisation(Guid organisationId, ClaimsPrincipal user, BrowseResources useCase,
        CancellationToken ct, string? q = null, string? tag = null, int page = 1, int pageSize = 20) =>
        (await useCase.ListOrganisationAsync(Actor.From(user), organisationId, q, tag, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<ResourceView>, ProblemHttpResult>> Create(Guid programId, ResourceRequest request, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        var library = await useCase.ProgramLibraryAsync(actor, programId, ct);
        return library.Failure is { } failure ? failure.ToProblem() : Created(await useCase.CreateAsync(actor, library.Value!, request, ct));
    }

    private static async Task<Results<Created<ResourceView>, ProblemHttpResult>> CreateForOrganisation(Guid organisationId, ResourceRequest request, ClaimsPrincipal user,
        ManageResources useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        var library = await useCase.OrganisationLibraryAsync(actor, organisationId, ct);
        return library.Failure is { } failure ? failure.ToProblem() : Created(await useCase.CreateAsync(actor, library.Value!, request, ct));
    }

    private static async Task<Results<Created<ResourceView>, ProblemHttpResult>> Upload(Guid programId, HttpRequest http, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        // Nothing is read for someone who may not add to the library.
        var library = await useCase.ProgramLibraryAsync(actor, programId, ct);
        return library.Failure is { } failure ? failure.ToProblem() : await UploadAsync(actor, library.Value!, http, useCase, ct);
    }

    private static async Task<Results<Created<ResourceView>, ProblemHttpResult>> UploadForOrganisation(Guid organisationId, HttpRequest http, ClaimsPrincipal user,
        ManageResources useCase, CancellationToken ct)
    {
        var actor = Actor.From(user);
        var library = await useCase.OrganisationLibraryAsync(actor, organisationId, ct);
        return library.Failure is { } failure ? failure.ToProblem() : await UploadAsync(actor, library.Value!, http, useCase, ct);
    }

    private static async Task<Results<Created<ResourceView>, ProblemHttpResult>> UploadAsync(Actor actor, ResourceReader library, HttpRequest http, ManageResources useCase, CancellationToken ct)
    {
        var read = await UploadForms.ReadWithFileAsync(http, AttachmentPolicy.MaxBytes, $"A resource file can be at most {AttachmentPolicy.MaxBytes / (1024 * 1024)} MB.", ct);
        if (read.Failure is { } unreadable)
        {
            return unreadable.ToProblem();
        }
        var (form, file) = read.Value!;
        if (FieldsOf(form) is not { } fields)
        {
            return new ResourceRefused("audience", ManageResources.NoAudience).ToProblem();
        }
        return Created(await useCase.CreateFileAsync(actor, library, fields, file, ct));
    }

    /// <summary>A file resource's fields from its form (the page's and the API's); null when the audience is not one.</summary>
    public static ResourceFileFields? FieldsOf(IFormCollection form)
    {
        var audience = form["audience"].ToString();
        // By name only (ADR 129): "1" was Mentors and "Everyone, Mentors" a list that parses as one of them.
        var parsed = ByName<ResourceAudience>(audience);
        if (audience.Length > 0 && parsed is null)
        {
            return null;
        }
        return new ResourceFileFields(form["title"], form["description"], SplitTags(form["tags"].Select(t => t ?? "")), parsed ?? ResourceAudience.Everyone);
    }

    /// <summary>The value named (in any case, as the API always read them), never a number or a list of names; null when none is.</summary>
    public static T? ByName<T>(string? value) where T : struct, Enum =>
        Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name ? Enum.Parse<T>(name) : null;

    /// <summary>Tags typed as "a, b" (or sent one per field), split on commas.</summary>
    public static IReadOnlyList<string> SplitTags(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static async Task<Results<Ok<ResourceView>, ProblemHttpResult>> Get(Guid resourceId, ClaimsPrincipal user, BrowseResources useCase, CancellationToken ct) =>
        (await useCase.GetAsync(Actor.From(user), resourceId, ct)).ToOk();

    private static async Task<Results<Ok<ResourceView>, ProblemHttpResult>> Update(Guid resourceId, ChangeResourceRequest request, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct) =>
        (await useCase.UpdateAsync(Actor.From(user), resourceId, request, ct)).ToOk();

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid resourceId, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct) =>
        await useCase.DeleteAsync(Actor.From(user), resourceId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> File(Guid resourceId, ClaimsPrincipal user, BrowseResources useCase, CancellationToken ct)
    {
        var outcome = await useCase.FileAsync(Actor.From(user), resourceId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure.ToProblem();
        }
        var file = outcome.Value!;
        // Always a download, never shown inline: an uploaded file is not a page on Tandem's address.
        return TypedResults.File(file.Content, file.ContentType, file.Name);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Attach(Guid resourceId, AttachResourceRequest request, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct) =>
        await useCase.AttachAsync(Actor.From(user), resourceId, request, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<NoContent, ProblemHttpResult>> Detach(Guid resourceId, string targetKind, Guid targetId, ClaimsPrincipal user, ManageResources useCase, CancellationToken ct)
    {
        if (ByName<ResourceTargetKind>(targetKind) is not { } kind)
        {
            // A number ("1") or a list of names is no kind (ADR 129).
            return NoTargetKind.ToProblem();
        }
        return await useCase.DetachAsync(Actor.From(user), resourceId, kind, targetId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<ResourceView>>, ProblemHttpResult>> Attached(string targetKind, Guid targetId, ClaimsPrincipal user, BrowseResources useCase, CancellationToken ct)
    {
        if (ByName<ResourceTargetKind>(targetKind) is not { } kind)
        {
            // A number ("1") or a list of names is no kind (ADR 129).
            return NoTargetKind.ToProblem();
        }
        return (await useCase.AttachedAsync(Actor.From(user), kind, targetId, ct)).ToOk();
    }

    private static readonly Invalid NoTargetKind = Invalid.Field("targetKind", ManageResources.NoTargetKind);

    private static Results<Created<ResourceView>, ProblemHttpResult> Created(Outcome<ResourceView> outcome) =>
        outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/resources/{outcome.Value!.Id}", outcome.Value);
}
