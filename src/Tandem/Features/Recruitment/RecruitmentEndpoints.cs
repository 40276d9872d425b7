using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class AcceptInvitationRequest
{
    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(200)]
    public string Token { get; set; } = "";
}

public static class RecruitmentEndpoints
{
    // Not declared with Accepts(): the content-type matcher would answer 415 before authentication does.
    private const string RosterBody = "Body: the roster CSV as text/csv, or a multipart/form-data upload with one file (see docs/formats.md, Roster CSV); "
        + "UTF-8 unless a byte-order mark or a charset parameter (utf-16, windows-1252) says otherwise. 413 beyond the size limit; the caller's access is checked before the body is read.";

    public static IServiceCollection AddTandemRecruitment(this IServiceCollection services)
    {
        services.AddCheckedOptions<RecruitmentOptions>("Recruitment");
        services.AddTandemEmail();
        return services
            .AddScoped<InvitationMailer>()
            .AddScoped<Tandem.Infrastructure.Email.IMailDeliveryListener, InvitationEmailed>()
            .AddScoped<InviteParticipant>()
            .AddScoped<AddOrganisationMember>()
            .AddScoped<Tandem.Features.Organisations.IFirstCoordinator, NameFirstCoordinator>()
            .AddScoped<RemoveOrganisationMember>()
            .AddScoped<ListOrganisationInvitations>()
            .AddScoped<EnrolParticipant>()
            .AddScoped<ListInvitations>()
            .AddScoped<ResendInvitation>()
            .AddScoped<RevokeInvitation>()
            .AddScoped<FindInvitation>()
            .AddScoped<AcceptInvitation>()
            .AddScoped<IssueInvitation>()
            .AddScoped<SignUpByInvitation>()
            .AddScoped<PreviewRoster>()
            .AddScoped<ImportRoster>()
            .AddScoped<NominateCandidate>()
            .AddScoped<ListNominations>()
            .AddScoped<ScheduleInformationSession>()
            .AddScoped<ListInformationSessions>()
            .AddScoped<GetInformationSession>()
            .AddScoped<SignUpForInformationSession>()
            .AddScoped<CancelInformationSessionSignUp>()
            .AddScoped<ListSessionSignUps>()
            .AddScoped<CreateRecruitmentChannel>()
            .AddScoped<ListRecruitmentChannels>()
            .AddScoped<RecordRecruitmentStep>();
    }

    public static IEndpointRouteBuilder MapRecruitment(this IEndpointRouteBuilder app)
    {
        var programs = app.MapGroup("/api/v1/programs/{programId:guid}").WithTags("Recruitment").RequireAuthorization();
        programs.MapPost("/invitations", Invite).WithName("InviteParticipant");
        programs.MapGet("/invitations", Invitations).WithName("ListInvitations");
        programs.MapPost("/roster/preview", PreviewRosterFile).WithName("PreviewRoster").DisableAntiforgery()
            .WithDescription(RosterBody);
        programs.MapPost("/roster/import", ImportRosterFile).WithName("ImportRoster").DisableAntiforgery()
            .WithDescription(RosterBody + " All or nothing: 422 with every row error (`rows`) and nothing written when any row is invalid.");
        programs.MapPost("/nominations", Nominate).WithName("NominateCandidate");
        programs.MapGet("/nominations", Nominations).WithName("ListNominations");
        programs.MapPost("/information-sessions", Schedule).WithName("ScheduleInformationSession");
        programs.MapGet("/information-sessions", Sessions).WithName("ListInformationSessions");
        programs.MapPost("/recruitment-links", CreateChannel).WithName("CreateRecruitmentLink");
        programs.MapGet("/recruitment-links", Channels).WithName("ListRecruitmentLinks");

        var invitations = app.MapGroup("/api/v1/invitations").WithTags("Recruitment").RequireAuthorization();
        invitations.MapPost("/{invitationId:guid}/resend", Resend).WithName("ResendInvitation");
        invitations.MapPost("/{invitationId:guid}/revoke", Revoke).WithName("RevokeInvitation");
        invitations.MapPost("/accept", Accept).WithName("AcceptInvitation");
        invitations.MapPost("/sign-up", SignUpWithInvitation).WithName("SignUpByInvitation").AllowAnonymous()
            .WithDescription("Creates an account with the invited address (the link shows its owner receives the mail), signs it in and accepts the invitation. "
                + "409 when the address has an account already: sign in (or choose a new password by e-mail) and accept instead.");

        var sessions = app.MapGroup("/api/v1/information-sessions/{sessionId:guid}").WithTags("Recruitment").RequireAuthorization();
        sessions.MapPost("/sign-up", SignUp).WithName("SignUpForInformationSession");
        sessions.MapDelete("/sign-up", CancelSignUp).WithName("CancelInformationSessionSignUp");
        sessions.MapGet("/sign-ups", SignUps).WithName("ListInformationSessionSignUps");

        app.MapGet("/r/{code}", FollowLink).WithName("FollowRecruitmentLink").AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>ProblemDetails for the recruitment failures the shared mapping does not know (410, 413, 422 with rows).</summary>
    public static ProblemHttpResult ToRecruitmentProblem(this Failure failure) => failure switch
    {
        Gone => TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status410Gone, Title = failure.Title, Detail = failure.Detail }),
        TooLarge => TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = failure.Title, Detail = failure.Detail }),
        RosterInvalid invalid => TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = failure.Title,
            Detail = failure.Detail,
            Extensions = { ["rows"] = invalid.Errors },
        }),
        _ => failure.ToProblem(),
    };

    public static int RecruitmentStatusCode(this Failure failure) => failure switch
    {
        Gone => StatusCodes.Status410Gone,
        TooLarge => StatusCodes.Status413PayloadTooLarge,
        RosterInvalid => StatusCodes.Status422UnprocessableEntity,
        _ => failure.StatusCode(),
    };

    private static Results<Ok<T>, ProblemHttpResult> Ok<T>(Outcome<T> outcome) =>
        outcome.Failure is { } failure ? failure.ToRecruitmentProblem() : TypedResults.Ok(outcome.Value!);

    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> Invite(Guid programId, InviteRequest request, ClaimsPrincipal user, InviteParticipant useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<Paged<InvitationView>>, ProblemHttpResult>> Invitations(
        Guid programId, ClaimsPrincipal user, ListInvitations useCase, CancellationToken ct, int page = 1, int pageSize = 50, InvitationStatus? status = null) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, page, pageSize, status, ct));

    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> Resend(Guid invitationId, ClaimsPrincipal user, ResendInvitation useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), invitationId, ct));

    private static async Task<Results<Ok<InvitationView>, ProblemHttpResult>> Revoke(Guid invitationId, ClaimsPrincipal user, RevokeInvitation useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), invitationId, ct));

    private static async Task<Results<Ok<InvitationAcceptance>, ProblemHttpResult>> Accept(AcceptInvitationRequest request, ClaimsPrincipal user, AcceptInvitation useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), request.Token, ct));

    private static async Task<Results<Ok<InvitationAcceptance>, ProblemHttpResult>> SignUpWithInvitation(
        InvitationSignUpRequest request, HttpRequest http, SignUpByInvitation useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(request, http.Headers.UserAgent.ToString(), ct));

    private static async Task<Results<Ok<RosterPreview>, ProblemHttpResult>> PreviewRosterFile(
        Guid programId, HttpRequest http, ClaimsPrincipal user, PreviewRoster useCase, IOptions<RecruitmentOptions> options, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (await useCase.RefusalAsync(actor, programId, ct) is { } refused)
        {
            return refused.ToRecruitmentProblem();
        }
        var file = await ReadRosterAsync(http, options.Value.MaxRosterBytes, ct);
        return file.Failure is { } failure ? failure.ToRecruitmentProblem() : Ok(await useCase.RunAsync(actor, programId, file.Value!, ct));
    }

    private static async Task<Results<Ok<RosterImportResult>, ProblemHttpResult>> ImportRosterFile(
        Guid programId, HttpRequest http, ClaimsPrincipal user, PreviewRoster access, ImportRoster useCase, IOptions<RecruitmentOptions> options, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (await access.RefusalAsync(actor, programId, ct) is { } refused)
        {
            return refused.ToRecruitmentProblem();
        }
        var file = await ReadRosterAsync(http, options.Value.MaxRosterBytes, ct);
        return file.Failure is { } failure ? failure.ToRecruitmentProblem() : Ok(await useCase.RunAsync(actor, programId, file.Value!, ct));
    }

    /// <summary>
    /// The roster's bytes and declared charset, from a text/csv body or the first file of a multipart form, refused
    /// with 413 beyond the limit. Called only once the caller is known to be allowed: nothing is read for a stranger.
    /// </summary>
    internal static async Task<Outcome<RosterFile>> ReadRosterAsync(HttpRequest http, long limit, CancellationToken ct)
    {
        var tooLarge = new TooLarge($"A roster file may be at most {limit / 1024} KB.");
        if (http.ContentLength > limit + UploadForms.Slack)
        {
            return tooLarge;
        }
        Stream body;
        string? charset;
        if (http.HasFormContentType)
        {
            var read = await UploadForms.ReadAsync(http, limit, tooLarge, ct);
            if (read.Failure is { } unreadable)
            {
                return unreadable;
            }
            var form = read.Value!.Fields;
            var file = form.Files.FirstOrDefault();
            if (file is null)
            {
                return Invalid.Field("file", "Attach the roster as a CSV file.");
            }
            if (file.Length > limit)
            {
                return tooLarge;
            }
            body = file.OpenReadStream();
            charset = CharsetOf(file.ContentType) ?? form["charset"].FirstOrDefault();
        }
        else
        {
            body = http.Body;
            charset = CharsetOf(http.ContentType);
        }
        await using (body)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return tooLarge;
                }
            }
            return new RosterFile(buffer.ToArray(), charset);
        }
    }

    private static string? CharsetOf(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) && media.Charset.HasValue ? media.Charset.Value : null;

    private static async Task<Results<Ok<NominationView>, ProblemHttpResult>> Nominate(Guid programId, NominateRequest request, ClaimsPrincipal user, NominateCandidate useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<Paged<NominationView>>, ProblemHttpResult>> Nominations(
        Guid programId, ClaimsPrincipal user, ListNominations useCase, CancellationToken ct, int page = 1, int pageSize = 50) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct));

    private static async Task<Results<Ok<InformationSessionView>, ProblemHttpResult>> Schedule(Guid programId, ScheduleSessionRequest request, ClaimsPrincipal user, ScheduleInformationSession useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<Paged<InformationSessionView>>, ProblemHttpResult>> Sessions(
        Guid programId, ClaimsPrincipal user, ListInformationSessions useCase, CancellationToken ct, int page = 1, int pageSize = 20, bool includePast = false) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, page, pageSize, includePast, ct));

    private static async Task<Results<Ok<InformationSessionView>, ProblemHttpResult>> SignUp(Guid sessionId, ClaimsPrincipal user, SignUpForInformationSession useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), sessionId, ct));

    private static async Task<Results<Ok<InformationSessionView>, ProblemHttpResult>> CancelSignUp(Guid sessionId, ClaimsPrincipal user, CancelInformationSessionSignUp useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), sessionId, ct));

    private static async Task<Results<Ok<Paged<SessionSignUpView>>, ProblemHttpResult>> SignUps(
        Guid sessionId, ClaimsPrincipal user, ListSessionSignUps useCase, CancellationToken ct, int page = 1, int pageSize = 50) =>
        Ok(await useCase.RunAsync(Actor.From(user), sessionId, page, pageSize, ct));

    private static async Task<Results<Ok<RecruitmentChannelView>, ProblemHttpResult>> CreateChannel(Guid programId, CreateChannelRequest request, ClaimsPrincipal user, CreateRecruitmentChannel useCase, CancellationToken ct) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, request, ct));

    private static async Task<Results<Ok<Paged<RecruitmentChannelView>>, ProblemHttpResult>> Channels(
        Guid programId, ClaimsPrincipal user, ListRecruitmentChannels useCase, CancellationToken ct, int page = 1, int pageSize = 50) =>
        Ok(await useCase.RunAsync(Actor.From(user), programId, page, pageSize, ct));

    /// <summary>A recruitment link: count the view, then on to the public program page with the channel for the apply flow.</summary>
    private static async Task<Results<RedirectHttpResult, Microsoft.AspNetCore.Http.HttpResults.NotFound>> FollowLink(string code, RecordRecruitmentStep record, CancellationToken ct)
    {
        var programId = await record.RunAsync(code, RecruitmentStep.View, ct);
        return programId is { } id
            ? TypedResults.Redirect($"/join/{id}?channel={Uri.EscapeDataString(code.Trim().ToLowerInvariant())}")
            : TypedResults.NotFound();
    }
}
