using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;
using Tandem.Components;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Channels;
using Tandem.Features.Community;
using Tandem.Features.Events;
using Tandem.Features.Conversations;
using Tandem.Features.Goals;
using Tandem.Features.Journal;
using Tandem.Features.Resources;
using Tandem.Features.Training;
using Tandem.Features.Privacy;
using Tandem.Features.Concerns;
using Tandem.Features.Outcomes;
using Tandem.Features.DataRepairs;
using Tandem.Features.Demo;
using Tandem.Features.Matching;
using Tandem.Features.Engagement;
using Tandem.Features.Exports;
using Tandem.Features.Recognition;
using Tandem.Features.Repeats;
using Tandem.Features.Reports;
using Tandem.Features.Home;
using Tandem.Features.Integrations;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Backups;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Telemetry;

namespace Tandem;

/// <summary>
/// The composition root: builds the web application, services then the request pipeline, with one line per
/// feature in each list, so Infrastructure never needs to know the features (docs/architecture.md). Commands
/// build the same app without a web server through <see cref="BuildForCommand"/>.
/// </summary>
public static class TandemApp
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The app's own folder, not the working directory, unless one is configured (docs/decisions/0039).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Default(args) });
        var services = builder.Services;
        // No "Server: Kestrel" telling a scanner what to try (docs/security.md, "Browser defences").
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(DataDirectory.From(builder.Configuration, builder.Environment));
        services.AddTandemData(builder.Configuration, builder.Environment);
        services.AddKeptFigures();
        services.AddScoped<Infrastructure.Files.FileStore>();
        services.AddHealthChecks().AddDbContextCheck<TandemDb>("database", tags: ["ready"]);
        // Every problem says what happened in a sentence, also those the framework writes (a 404 from routing, 405).
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            UnreadValues.NameUnreadValue(c);
            Infrastructure.Problems.ProblemSentences.Fill(c.ProblemDetails, c.HttpContext.Response.StatusCode);
        });
        services.AddExceptionHandler<Infrastructure.Problems.DatabaseUnavailableHandler>();
        services.AddValidation();
        services.AddTandemInput();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Tandem API";
            document.Info.Description = "Peer mentorship programs, end to end. Errors are RFC 9457 ProblemDetails.";
            return Task.CompletedTask;
        }));
        services.AddRazorComponents();
        services.AddHttpContextAccessor();
        services.AddTandemForwardedHeaders(builder.Configuration);
        services.AddTandemDataProtection();
        services.AddTandemBackups();
        builder.AddTandemTelemetry();

        services.AddTandemAccounts();
        services.AddTandemOrganisations();
        services.AddTandemPrograms();
        services.AddTandemApplications();
        services.AddTandemDemo();
        services.AddTandemRecruitment();
        services.AddTandemMatching();
        services.AddTandemRelationships();
        services.AddTandemDataRepairs();
        services.AddTandemPairing();
        services.AddTandemNotifications();
        services.AddTandemCheckIns();
        services.AddTandemEngagement();
        services.AddTandemMeetings();
        services.AddTandemConcerns();
        services.AddTandemExports();
        services.AddTandemReports();
        services.AddTandemHome();
        services.AddTandemSurveys();
        services.AddTandemOutcomes();
        services.AddTandemPrivacy();
        services.AddTandemGuardianAccess();
        services.AddTandemErasureRequests();
        services.AddTandemConversations(builder.Configuration);
        services.AddTandemJournal();
        services.AddTandemTraining();
        services.AddTandemGoals();
        services.AddTandemIntegrations();
        services.AddTandemCommunity();
        services.AddTandemChannels();
        services.AddTandemRecognition();
        services.AddTandemRepeats();
        services.AddTandemEvents();
        services.AddTandemResources();
        return builder;
    }

    /// <summary>
    /// The app's services for a command-line command (no web server). A command prints its result: EF Core's SQL and
    /// migration notes stay out of its output (warnings and errors only), whatever the logging configuration says.
    /// The settings are checked here, before the command does anything, as starting the server checks them.
    /// </summary>
    /// <exception cref="SettingsException">A setting the app cannot be built with.</exception>
    public static WebApplication BuildForCommand(string[] args) => SettingsException.From(() =>
    {
        var builder = CreateBuilder(args);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        var app = builder.Build();
        // A command never starts the host, so ValidateOnStart alone would not run (OptionsSetup.AddCheckedOptions).
        CheckSettings(app);
        return app;
    });

    /// <summary><see cref="BuildForCommand"/>, then the migrations the settings ask for on start-up: what every command that reads the database does first.</summary>
    public static async Task<WebApplication> StartForCommandAsync(string[] args, CancellationToken ct)
    {
        var app = BuildForCommand(args);
        await DatabaseSetup.MigrateWhenConfiguredAsync(app.Services, ct);
        return app;
    }

    private static void CheckSettings(WebApplication app) =>
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();

    /// <exception cref="SettingsException">A setting the app cannot be built with.</exception>
    public static WebApplication Build(string[] args)
    {
        var app = SettingsException.From(() =>
        {
            var built = CreateBuilder(args).Build();
            // Checked now, before migrating or starting: a setting out of range stops the start with an error naming it,
            // rather than surfacing from a host that is already being disposed.
            CheckSettings(built);
            return built;
        });

        app.UseRequestId();
        app.UseForwardedHeaders();
        app.UseSecurityHeaders(hsts: !app.Environment.IsDevelopment());
        // The metrics endpoint answers as the API does (a status and a problem, never a sign-in page): its reader is a scraper.
        var isMetrics = (HttpContext c) => c.Request.Path.StartsWithSegments(TelemetrySetup.MetricsPath);
        var isApi = (HttpContext c) => c.Request.Path.StartsWithSegments("/api") || c.Request.Path.StartsWithSegments("/health") || isMetrics(c);
        app.UseWhen(isApi, api => api.UseExceptionHandler());
        app.UseWhen(c => !isApi(c), pages => pages.UseExceptionHandler("/error", createScopeForErrors: true));
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api") || isMetrics(c), api => api.UseStatusCodePages());
        app.UseWhen(c => !isApi(c), pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing again after the status-code and error pages: their re-executed request (/not-found, /error) must find its
        // page; the routing the host adds first has already run for the original address.
        app.UseRouting();
        app.UseRequestDatabaseConnection();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseApiCsrfGuard();
        app.UseAuthorization();
        Tandem.Features.Notifications.CountUnreadNotifications.UseUnreadCountForPages(app);
        app.UseAntiforgery();
        app.UseNulCharacterGuard();
        app.UsePageQueryValueGuard();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapTandemMetrics();
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("Tandem API").WithNonce().DisableDefaultFonts()).AllowAnonymous();

        // Every feature maps into one group, so checks that hold for all endpoints are set once, here.
        var features = app.MapGroup("").StopAtUnreadValues().CheckPageRequests().DescribeOperations().OpensRequestConnection();
        features.MapAccounts();
        features.MapAccountPages();
        features.MapOrganisations();
        features.MapPrograms();
        features.MapRecruitment();
        features.MapJoining();
        features.MapApplications();
        features.MapMatching();
        features.MapRelationships();
        features.MapPairing();
        features.MapNotifications();
        features.MapCheckIns();
        features.MapEngagement();
        features.MapMeetings();
        features.MapConcerns();
        features.MapPrivacy();
        features.MapExports();
        features.MapGuardianAccess();
        features.MapErasureRequests();
        features.MapReports();
        features.MapHome();
        features.MapSurveys();
        features.MapOutcomes();
        features.MapConversations();
        features.MapJournal();
        features.MapTraining();
        features.MapGoals();
        features.MapIntegrations();
        features.MapCommunity();
        features.MapChannels();
        features.MapRecognition();
        features.MapRepeats();
        features.MapEvents();
        features.MapResources();
        app.MapConversationHub();
        app.MapRazorComponents<App>().OpensRequestConnection();
        return app;
    }

    /// <summary>Migrates (when configured) and seeds the demo data (when configured and empty) before serving.</summary>
    public static async Task PrepareAsync(WebApplication app, TextWriter output)
    {
        await DatabaseSetup.MigrateWhenConfiguredAsync(app.Services);
        if (app.Configuration.GetValue<bool>("Demo:SeedWhenEmpty"))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var seed = scope.ServiceProvider.GetRequiredService<SeedDemo>();
            var result = await seed.RunAsync(onlyWhenEmpty: true);
            if (result is not null)
            {
                result.Print(output);
            }
        }
    }
}
