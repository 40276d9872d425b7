using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed record MeView(Guid Id, string Email, string DisplayName, string TimeZoneId, bool IsAdministrator);

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts");
        auth.MapPost("/sign-in", SignIn).AllowAnonymous().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("SignIn");
        auth.MapPost("/sign-out", SignOut).RequireAuthorization().WithName("SignOut");
        auth.MapPost("/password", ChangePassword).RequireAuthorization().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("ChangePassword");
        auth.MapPost("/password-reset-requests", RequestPasswordReset).AllowAnonymous().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("RequestPasswordReset");
        auth.MapPost("/password-resets", ResetPassword).AllowAnonymous().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("ResetPassword");
        auth.MapPost("/email-verifications", VerifyEmail).AllowAnonymous().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("VerifyEmail");
        auth.MapPost("/email-verification-requests", SendEmailVerification).RequireAuthorization().RequireRateLimiting(SignInLimits.PerIpPolicy).WithName("SendEmailVerification");

        app.MapGet("/api/v1/me", Me).WithTags("Accounts").RequireAuthorization().WithName("Me");

        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(AccountsSetup.AdministratorPolicy);
        users.MapGet("/", ListUsers).WithName("ListUsers");
        users.MapPost("/", CreateUser).WithName("CreateUser");
        users.MapPost("/{userId:guid}/disable", (Guid userId, ClaimsPrincipal user, DisableUser useCase) => SetDisabled(Actor.From(user), userId, true, useCase)).WithName("DisableUser");
        users.MapPost("/{userId:guid}/enable", (Guid userId, ClaimsPrincipal user, DisableUser useCase) => SetDisabled(Actor.From(user), userId, false, useCase)).WithName("EnableUser");
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(SignInRequest request, SignInUser useCase, HttpContext http)
    {
        var outcome = await useCase.RunAsync(request, http.Request.Headers.UserAgent.ToString());
        return outcome.Failure is { } failure ? failure.ToProblem(http.Response) : TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOut(ClaimsPrincipal user, SignOutUser useCase)
    {
        await useCase.RunAsync(user);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(ChangePasswordRequest request, ClaimsPrincipal user, ChangePassword useCase, HttpContext http)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), request, http.Request.Headers.UserAgent.ToString());
        return outcome.Failure is { } failure ? failure.ToProblem(http.Response) : TypedResults.NoContent();
    }

    /// <summary>The same 202 and text whether or not the address has an account (ADR 28).</summary>
    private static async Task<Results<Accepted<PasswordResetRequested>, ProblemHttpResult>> RequestPasswordReset(PasswordResetRequestRequest request, RequestPasswordReset useCase, HttpContext http)
    {
        var outcome = await useCase.RunAsync(request);
        return outcome.Failure is { } failure ? failure.ToProblem(http.Response) : TypedResults.Accepted((string?)null, outcome.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetPassword(PasswordResetRequest request, ResetPassword useCase, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(request, ct);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<EmailVerificationStatus>, ProblemHttpResult>> VerifyEmail(EmailVerificationRequest request, VerifyEmail useCase, CancellationToken ct) =>
        (await useCase.RunAsync(request, ct)).ToOk();

    private static async Task<Results<Accepted<EmailVerificationStatus>, ProblemHttpResult>> SendEmailVerification(ClaimsPrincipal user, SendEmailVerification useCase, HttpContext http, CancellationToken ct)
    {
        var outcome = await useCase.RunAsync(Actor.From(user), ct);
        return outcome.Failure is { } failure ? failure.ToProblem(http.Response) : TypedResults.Accepted((string?)null, outcome.Value!);
    }

    private static async Task<Results<Ok<MeView>, Microsoft.AspNetCore.Http.HttpResults.NotFound>> Me(ClaimsPrincipal principal, TandemDb db, CancellationToken ct)
    {
        var actor = Actor.From(principal);
        var me = await db.Users.Where(u => u.Id == actor.UserId)
            .Select(u => new MeView(u.Id, u.Email ?? "", u.DisplayName, u.TimeZoneId, actor.IsAdministrator))
            .SingleOrDefaultAsync(ct);
        return me is null ? TypedResults.NotFound() : TypedResults.Ok(me);
    }

    private static async Task<Results<Ok<Paged<UserSummary>>, ProblemHttpResult>> ListUsers(TandemDb db, CancellationToken ct, int page = 1, int pageSize = 20, string? search = null)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var users = db.Users.AsQueryable();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
            users = users.Where(u => u.NormalizedEmail!.Contains(term) || u.DisplayName.ToUpper().Contains(term));
        }
        var total = await users.CountAsync(ct);
        var items = await users.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Page(paging)
            .Select(u => new UserSummary(u.Id, u.Email ?? "", u.DisplayName, u.TimeZoneId, u.IsDisabled)).ToListAsync(ct);
        return TypedResults.Ok(paging.Of(items, total));
    }

    private static async Task<Results<Created<UserSummary>, ProblemHttpResult>> CreateUser(CreateUserRequest request, CreateUser useCase)
    {
        var outcome = await useCase.RunAsync(request);
        return outcome.Failure is { } failure ? failure.ToProblem() : TypedResults.Created($"/api/v1/users/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<UserSummary>, ProblemHttpResult>> SetDisabled(Actor actor, Guid userId, bool disabled, DisableUser useCase) =>
        (await useCase.RunAsync(actor, userId, disabled)).ToOk();
}

public static class AccountPageEndpoints
{
    /// <summary>The sign-out button of every page posts here (a form, so antiforgery-checked).</summary>
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/sign-out", async ([Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl, ClaimsPrincipal user, SignOutUser useCase) =>
        {
            await useCase.RunAsync(user);
            return TypedResults.LocalRedirect("/");
        }).RequireAuthorization().WithName("SignOutForm").ExcludeFromDescription();
        return app;
    }
}
