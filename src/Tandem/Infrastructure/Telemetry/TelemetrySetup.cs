using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Infrastructure.Telemetry;

/// <summary>The <c>Telemetry</c> settings (docs/operations.md, "Metrics, traces and logs").</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public PrometheusOptions Prometheus { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => OptionsSetup.Nested(Prometheus, "Prometheus");
}

public sealed class PrometheusOptions : IValidatableObject
{
    /// <summary>Serve the metrics at <see cref="TelemetrySetup.MetricsPath"/> to administrators and the scraper.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A secret the scraper sends as <c>Authorization: Bearer …</c>; unset, only signed-in administrators read the metrics.</summary>
    public string? ScrapeToken { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ScrapeToken is { } token && (token.Trim().Length < 32 || token.Trim() != token))
        {
            yield return new ValidationResult(
                "ScrapeToken must be at least 32 characters with no spaces around it (e.g. `openssl rand -hex 32`).",
                [nameof(ScrapeToken)]);
        }
    }
}

/// <summary>
/// OpenTelemetry for the web app (ADR 44): metrics always (unless turned off) for the Prometheus endpoint, traces and
/// logs only when an OTLP endpoint is configured, so a node that exports nothing starts no tracer at all.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>Administrators (signed in as usual) and a scraper presenting the configured token.</summary>
    public const string ScrapePolicy = "MetricsScrape";

    /// <summary>The response header that carries the request's id: the trace id that every log line of the request has in its scope.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>The standard OpenTelemetry setting (environment variable or configuration key) that turns OTLP export on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTandemTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton<TandemTelemetry>();
        services.AddCheckedOptions<TelemetryOptions>("Telemetry");
        services.AddAuthorizationBuilder().AddPolicy(ScrapePolicy, p => p.RequireAssertion(MayScrape));

        var prometheus = configuration.GetValue("Telemetry:Prometheus:Enabled", true);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        if (!prometheus && !otlp)
        {
            return;
        }
        var postgres = configuration.GetValue<DatabaseProvider>("Database:Provider") == DatabaseProvider.Postgres;
        // Which meters are read, by the host's metrics rules rather than the SDK's AddMeter: a Local rule reads only the
        // meters this app's own IMeterFactory made, so two apps in one process (test hosts) never mix or lose each
        // other's counts. Names match by prefix.
        builder.Metrics
            .EnableMetrics(TandemTelemetry.Name, null, null, MeterScope.Local)
            // Requests (http.server.request.duration, active requests), Kestrel connections, routing, errors, rate limits,
            // sign-ins (Identity), authentication and authorisation.
            .EnableMetrics("Microsoft.AspNetCore", null, null, MeterScope.Local)
            // The runtime's own meter since .NET 9 (GC, heap, thread pool, exceptions, CPU) and EF Core's: process-wide.
            .EnableMetrics("System.Runtime", null, null, MeterScope.Global)
            .EnableMetrics("Microsoft.EntityFrameworkCore", null, null, MeterScope.Global | MeterScope.Local);
        if (postgres)
        {
            // Npgsql's own meter (connection pool, command durations): built into the driver.
            builder.Metrics.EnableMetrics("Npgsql", null, null, MeterScope.Global | MeterScope.Local);
        }
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "tandem"))
            .WithMetrics(metrics =>
            {
                if (prometheus)
                {
                    // Every scrape reads fresh values: the endpoint is authorised, so no anonymous storm needs a cache.
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(TandemTelemetry.Name)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = c => !c.Request.Path.StartsWithSegments(MetricsPath) && !c.Request.Path.StartsWithSegments("/health");
                        // A calendar feed's address is its secret (only its hash is stored): spans keep the route, not the token.
                        o.EnrichWithHttpRequest = (activity, request) =>
                        {
                            if (request.Path.StartsWithSegments("/calendar"))
                            {
                                activity.SetTag("url.path", "/calendar/{token}.ics");
                            }
                        };
                    });
                if (postgres)
                {
                    // Npgsql's own spans (one per command, with the SQL but never its parameters).
                    tracing.AddSource("Npgsql");
                }
                else
                {
                    // SQLite has no spans of its own: EF Core's command events, without parameter values.
                    tracing.AddEntityFrameworkCoreInstrumentation();
                }
            });
            telemetry.WithLogging();
            // Endpoint, protocol, headers and intervals from the standard OTEL_EXPORTER_OTLP_* settings.
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>Every response names its request's id (<see cref="RequestIdHeader"/>), also after the error page has cleared the headers.</summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[RequestIdHeader] = RequestId(http);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    /// <summary>The request's trace id (the <c>TraceId</c> of its log lines' scope), or the server's request id when no activity runs.</summary>
    public static string RequestId(HttpContext context) => Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;

    /// <summary>Maps the Prometheus endpoint when it is enabled. Anonymous callers get 401, signed-in non-administrators 403.</summary>
    public static void MapTandemMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ScrapePolicy);
        }
    }

    private static bool MayScrape(AuthorizationHandlerContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.IsInRole(Actor.AdministratorRole))
        {
            return true;
        }
        if (context.Resource is not HttpContext http)
        {
            return false;
        }
        var expected = http.RequestServices.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus.ScrapeToken;
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(expected) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Compared as hashes, in constant time: how long a wrong token took says nothing about the right one.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
