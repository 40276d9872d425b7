using System.CommandLine;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

public static class PrivacyEndpoints
{
    public static IServiceCollection AddTandemPrivacy(this IServiceCollection services) => services
        .AddScoped<AuditLog>()
        .AddScoped<ListMyAccessLog>()
        .AddScoped<SearchAuditLog>()
        .AddScoped<VerifyAuditLog>();

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me/access-log", MyAccessLog).WithTags("Privacy").RequireAuthorization().WithName("ListMyAccessLog");
        app.MapGet("/api/v1/organisations/{organisationId:guid}/audit", Search).WithTags("Privacy").RequireAuthorization().WithName("SearchAuditLog");
        return app;
    }

    private static async Task<Ok<Paged<MyAccessView>>> MyAccessLog(ClaimsPrincipal user, ListMyAccessLog useCase, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await useCase.RunAsync(Actor.From(user), page, pageSize, ct));

    private static async Task<Results<Ok<Paged<AuditEntryView>>, ProblemHttpResult>> Search(Guid organisationId, ClaimsPrincipal user, SearchAuditLog useCase, CancellationToken ct,
        Guid? subjectUserId = null, Guid? actorUserId = null, int page = 1, int pageSize = 20) =>
        (await useCase.RunAsync(Actor.From(user), organisationId, subjectUserId, actorUserId, page, pageSize, ct)).ToOk();
}

/// <summary>`tandem audit verify`: recomputes the audit log's hash chain; exit code 1 and the first broken entry when it does not hold.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "The audit log of reads of minors' records.");
        var verify = new Command("verify", "Check that no audit entry was edited, inserted or deleted (recomputes the hash chain).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            var database = app.Services.GetRequiredService<DatabaseOptions>();
            if (database.MigrateOnStartup ?? database.Provider == DatabaseProvider.Sqlite)
            {
                await DatabaseSetup.MigrateAsync(app.Services, ct);
            }
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<VerifyAuditLog>().RunAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            if (result.Intact)
            {
                await output.WriteLineAsync($"The audit log is intact: {result.Entries:N0} entries; the last hash is {result.LastHash}.");
                return 0;
            }
            await parse.InvocationConfiguration.Error.WriteLineAsync($"The audit log is broken: {result.Problem}. The {result.Entries:N0} entries before it are intact.");
            return 1;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }
}
