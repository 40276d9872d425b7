using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Features.CheckIns;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recognition;

public static class RecognitionEndpoints
{
    public static IServiceCollection AddTandemRecognition(this IServiceCollection services)
    {
        BadgeCatalogue.AddOwnBadges(services);
        return services
            .AddScoped<KudosBoard>()
            .AddScoped<AwardBadges>()
            .AddScoped<ProgramBadgeRules>()
            .AddScoped<ServiceHours>()
            .AddScoped<CertificateCodes>()
            .AddScoped<Certificates>()
            .AddScoped<RecognitionHooks>()
            .AddScoped<IMeetingHeldListener>(s => s.GetRequiredService<RecognitionHooks>())
            .AddScoped<IRelationshipEndedListener>(s => s.GetRequiredService<RecognitionHooks>())
            .AddScoped<IProgramClosedListener>(s => s.GetRequiredService<RecognitionHooks>());
    }

    public static IEndpointRouteBuilder MapRecognition(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Recognition").RequireAuthorization();
        me.MapGet("/kudos", MyKudos).WithName("ListMyKudos").WithDescription("Kudos the reader received and sent, newest first.");
        me.MapGet("/badges", MyBadges).WithName("ListMyBadges").WithDescription("The reader's badges in every program.");
        me.MapGet("/service-hours", MyHours).WithName("ListMyServiceHours")
            .WithDescription("The reader's service-hours ledger (proposed, confirmed, rejected lines, newest first) and their confirmed total.");
        me.MapGet("/certificates", MyCertificates).WithName("ListMyCertificates")
            .WithDescription("The reader's certificates of closed programs, with their PDF, verification and LinkedIn add-to-profile links.");
        me.MapGet("/certificates/{certificateId:guid}/pdf", CertificatePdfFile).WithName("DownloadMyCertificate")
            .WithDescription("The reader's own certificate as a PDF (docs/formats.md).");

        app.MapGroup("/api/v1/kudos").WithTags("Recognition").RequireAuthorization()
            .MapPost("/", SendKudos).WithName("SendKudos")
            .WithDescription("`programId`, `recipientUserId` (a member of one of your pairs or groups; for coordinators, any participant), `message` (up to 280 characters). The recipient is notified.");

        var program = app.MapGroup("/api/v1/programs/{programId:guid}").WithTags("Recognition").RequireAuthorization();
        program.MapGet("/kudos", ProgramKudos).WithName("ListProgramKudos").WithDescription("The program's kudos, newest first. Coordinators.");
        program.MapGet("/badge-rules", BadgeRules).WithName("GetBadgeRules").WithDescription("Every badge, and whether the program's rule for it is on. Coordinators.");
        program.MapPut("/badge-rules", ChangeBadgeRules).WithName("ChangeBadgeRules")
            .WithDescription("`enabled`: the codes of the rules to turn on (others go off). Rules award when the thing happens, from then on. Coordinators.");
        program.MapGet("/badges", ProgramBadges).WithName("ListProgramBadges").WithDescription("Badges awarded in the program, newest first. Coordinators.");
        program.MapPost("/badges", AwardBadge).WithName("AwardBadge")
            .WithDescription("Awards a badge by hand: `userId` (a participant), `badge` (a code), `reason`. 409 when they already hold it. Coordinators.");
        program.MapGet("/service-hours", ProgramHours).WithName("ListProgramServiceHours")
            .WithDescription("The program's service-hours lines, oldest first; `state=Proposed` lists the hours to confirm. Coordinators.");
        program.MapGet("/service-hours/people", ProgramHoursPerPerson).WithName("ListServiceHoursPerPerson")
            .WithDescription("Confirmed, proposed and rejected minutes per person, by name. Coordinators.");
        program.MapPost("/service-hours/{entryId:guid}/confirm", ConfirmHours).WithName("ConfirmServiceHours").WithDescription("Confirms a proposed line (optional `note`). Coordinators.");
        program.MapPost("/service-hours/{entryId:guid}/reject", RejectHours).WithName("RejectServiceHours").WithDescription("Rejects a proposed line (optional `note`). Coordinators.");
        program.MapGet("/certificates", ProgramCertificates).WithName("ListProgramCertificates")
            .WithDescription("The certificates of a closed program's participants (issued when it closed). Coordinators.");

        app.MapGet("/api/v1/certificates/verify/{code}", Verify).WithTags("Recognition").AllowAnonymous().WithName("VerifyCertificate")
            .WithDescription("Anyone: whether the code is a genuine certificate's (`genuine`), and if so the little it says. An altered code answers `genuine: false`.");
        return app;
    }

    private static Task<Paged<KudosView>> MyKudos(ClaimsPrincipal user, KudosBoard kudos, CancellationToken ct, int page = 1, int pageSize = 20) =>
        kudos.MineAsync(Actor.From(user), page, pageSize, ct);

    private static async Task<Ok<IReadOnlyList<BadgeAwardView>>> MyBadges(ClaimsPrincipal user, ProgramBadgeRules rules, CancellationToken ct) =>
        TypedResults.Ok(await rules.MineAsync(Actor.From(user), ct));

    private static Task<MyServiceHours> MyHours(ClaimsPrincipal user, ServiceHours hours, CancellationToken ct, int page = 1, int pageSize = 20) =>
        hours.MineAsync(Actor.From(user), page, pageSize, ct);

    private static async Task<Ok<IReadOnlyList<MyCertificateView>>> MyCertificates(ClaimsPrincipal user, Certificates certificates, CancellationToken ct) =>
        TypedResults.Ok(await certificates.MineAsync(Actor.From(user), ct));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CertificatePdfFile(Guid certificateId, ClaimsPrincipal user, Certificates certificates, CancellationToken ct)
    {
        var outcome = await certificates.PdfAsync(Actor.From(user), certificateId, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.File(outcome.Value.Pdf, "application/pdf", outcome.Value.FileName);
    }

    private static async Task<Results<Created<KudosView>, ProblemHttpResult>> SendKudos(SendKudosRequest request, ClaimsPrincipal user, KudosBoard kudos, CancellationToken ct)
    {
        var outcome = await kudos.SendAsync(Actor.From(user), request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created("/api/v1/me/kudos", outcome.Value);
    }

    private static async Task<Results<Ok<Paged<KudosView>>, ProblemHttpResult>> ProgramKudos(Guid programId, ClaimsPrincipal user, KudosBoard kudos, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await kudos.ProgramAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<IReadOnlyList<BadgeRuleView>>, ProblemHttpResult>> BadgeRules(Guid programId, ClaimsPrincipal user, ProgramBadgeRules rules, CancellationToken ct) =>
        (await rules.GetAsync(Actor.From(user), programId, ct)).ToOk();

    private static async Task<Results<Ok<IReadOnlyList<BadgeRuleView>>, ProblemHttpResult>> ChangeBadgeRules(Guid programId, BadgeRulesRequest request, ClaimsPrincipal user, ProgramBadgeRules rules, CancellationToken ct) =>
        (await rules.ChangeAsync(Actor.From(user), programId, request, ct)).ToOk();

    private static async Task<Results<Ok<Paged<BadgeAwardView>>, ProblemHttpResult>> ProgramBadges(Guid programId, ClaimsPrincipal user, ProgramBadgeRules rules, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await rules.ListAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Created<BadgeAwardView>, ProblemHttpResult>> AwardBadge(Guid programId, AwardBadgeRequest request, ClaimsPrincipal user, AwardBadges badges, CancellationToken ct)
    {
        var outcome = await badges.ByHandAsync(Actor.From(user), programId, request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/programs/{programId}/badges", outcome.Value);
    }

    private static async Task<Results<Ok<Paged<ServiceHourView>>, ProblemHttpResult>> ProgramHours(Guid programId, ClaimsPrincipal user, ServiceHours hours, CancellationToken ct,
        ServiceHourState? state = null, int page = 1, int pageSize = 20) =>
        (await hours.ProgramAsync(Actor.From(user), programId, state, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<Paged<PersonServiceHours>>, ProblemHttpResult>> ProgramHoursPerPerson(Guid programId, ClaimsPrincipal user, ServiceHours hours, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await hours.PeopleAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static async Task<Results<Ok<ServiceHourView>, ProblemHttpResult>> ConfirmHours(Guid programId, Guid entryId, DecideServiceHoursRequest? request, ClaimsPrincipal user, ServiceHours hours, CancellationToken ct) =>
        (await hours.DecideAsync(Actor.From(user), programId, entryId, true, request?.Note, ct)).ToOk();

    private static async Task<Results<Ok<ServiceHourView>, ProblemHttpResult>> RejectHours(Guid programId, Guid entryId, DecideServiceHoursRequest? request, ClaimsPrincipal user, ServiceHours hours, CancellationToken ct) =>
        (await hours.DecideAsync(Actor.From(user), programId, entryId, false, request?.Note, ct)).ToOk();

    private static async Task<Results<Ok<Paged<ProgramCertificateView>>, ProblemHttpResult>> ProgramCertificates(Guid programId, ClaimsPrincipal user, Certificates certificates, CancellationToken ct, int page = 1, int pageSize = 20) =>
        (await certificates.ProgramAsync(Actor.From(user), programId, page, pageSize, ct)).ToOk();

    private static Task<CertificateVerification> Verify(string code, Certificates certificates, CancellationToken ct) => certificates.VerifyAsync(code, ct);
}
