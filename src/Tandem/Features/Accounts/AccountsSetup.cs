using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Tandem.Data;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Accounts;

public static class AccountsSetup
{
    public const string AdministratorPolicy = "Administrator";

    public static IServiceCollection AddTandemAccounts(this IServiceCollection services)
    {
        services.AddIdentity<TandemUser, IdentityRole<Guid>>(o =>
            {
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                // Applies only to devices that never signed in to the account (SignInUser, ADR 15); the
                // message in SignInUser.WrongCredentials names these numbers.
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
                // The user name is the e-mail address, validated as one already: Identity's default letters-and-digits
                // list refused sean.o'brien@… and josé@… (ADR 107).
                o.User.AllowedUserNameCharacters = "";
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<TandemDb>()
            .AddUserValidator<AddressValidator>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "tandem.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/account/sign-in";
            cookie.LogoutPath = "/account/sign-out";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
            cookie.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = SessionValidation.ValidatePrincipalAsync,
                OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden),
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(AdministratorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Actor.AdministratorRole));
        services.AddCascadingAuthenticationState();

        SignInLimits.AddSignInLimits(services);
        services.AddScoped<KnownDevices>();
        services.AddScoped<SessionFacts>();
        services.AddScoped<ReaderTimeZone>();
        services.AddScoped<SignInUser>();
        services.AddScoped<SignOutUser>();
        services.AddScoped<ChangePassword>();
        services.AddScoped<CreateUser>();
        services.AddScoped<AddAdministrator>();
        services.AddScoped<DisableUser>();
        services.AddCheckedOptions<AccountLinkOptions>("Accounts");
        services.AddScoped<AccountMail>();
        services.AddSingleton<PasswordResetQueue>();
        services.AddHostedService<PasswordResetWorker>();
        services.AddScoped<RequestPasswordReset>();
        services.AddScoped<SendPasswordResetLink>();
        services.AddScoped<ResetPassword>();
        services.AddScoped<CheckAccountLink>();
        services.AddScoped<SendEmailVerification>();
        services.AddScoped<VerifyEmail>();
        services.AddScoped<GetEmailVerification>();
        return services;
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // The API, the metrics endpoint and the live connections (/hubs) answer with status codes (their readers are
        // programs); pages redirect to the sign-in form.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments(Infrastructure.Telemetry.TelemetrySetup.MetricsPath)
            || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
