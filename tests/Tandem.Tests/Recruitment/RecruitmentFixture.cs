using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// The app on its own real database, sending e-mail over SMTP to an in-process SMTP server, with a
/// clock the tests can move forward (invitation expiry).
/// </summary>
public sealed partial class RecruitmentFixture : IAsyncLifetime
{
    public TandemFactory Tandem { get; } = new();
    public SmtpCapture Smtp { get; } = new();
    public FakeTimeProvider Clock { get; } = new(TestClock.Start);
    public WebApplicationFactory<Program> App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        App = WithClock(Clock);
        // One app for the fixture: the factory's helpers run on it too (ADR 131).
        Tandem.ServeThrough(App);
        await ((IAsyncLifetime)Tandem).InitializeAsync();
    }

    /// <summary>The same app and database on another clock: a test that moves the clock uses one of its own.</summary>
    public WebApplicationFactory<Program> WithClock(FakeTimeProvider clock) => Tandem.WithClock(clock, b =>
    {
        b.UseTestSmtp(Smtp.Port);
        b.UseSetting("Recruitment:MaxRosterBytes", "20000");
    });

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await ((IAsyncLifetime)Tandem).DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public Task<HttpClient> SignInAsync(UserSummary user) => App.SignedInClientAsync(user);

    public HttpClient Anonymous() => App.AnonymousClient();

    /// <summary>A school with a program (mentor-mentee) its coordinator manages, optionally recruiting.</summary>
    public async Task<(School School, HttpClient Coordinator, ProgramDetails Program)> ProgramAsync(bool recruiting = true)
    {
        var school = await School.CreateAsync(Tandem);
        var coordinator = await SignInAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        if (recruiting)
        {
            await coordinator.OpenRecruitmentAsync(program.Id);
        }
        return (school, coordinator, program);
    }

    public static string Email(string name) => $"{name}.{Guid.NewGuid():N}@students.test";

    /// <summary>The invitation token in a message's apply link.</summary>
    public static string TokenIn(MimeMessage message, Guid programId, string role = "mentee")
    {
        var match = Regex.Match(message.TextBody ?? "", $@"https://tandem\.test/apply/{programId}/{role}\?invitation=([A-Za-z0-9_\-%]+)");
        Assert.True(match.Success, "No apply link in: " + message.TextBody);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }
}
