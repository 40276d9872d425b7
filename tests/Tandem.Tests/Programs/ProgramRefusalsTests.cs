using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Programs;

/// <summary>
/// ADR 128 items 5, 6 and 8: an anonymised program is never reopened, whatever the grace period says; a program is
/// created behind the organisation's lock, so a coordinator being removed does not keep a new one; a status or role
/// that is no value of its list is a 400, not an empty list or a 409 about "9".
/// </summary>
public sealed class ProgramRefusalsTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static string StatusUrl(Guid programId) => $"/api/v1/programs/{programId}/status";

    private async Task<(School School, HttpClient Coordinator, ProgramDetails Program)> RunningProgramAsync()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await coordinator.OpenRecruitmentAsync(program.Id);
        foreach (var next in new[] { "Matching", "Running" })
        {
            (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = next })).EnsureSuccessStatusCode();
        }
        return (school, coordinator, program);
    }

    [Fact]
    public async Task AProgramAnonymisedByRetentionIsNotReopenedEvenWithinALongerGracePeriod()
    {
        var (school, coordinator, program) = await RunningProgramAsync();
        (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Closed" })).EnsureSuccessStatusCode();
        // Retention ran under the grace period of the time; the operator has since raised it, so the program is within it again.
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(school.Organisation.Id, program.Id, program.Name, now, 24, "test", now));
            return await db.SaveChangesAsync();
        });

        var details = (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Empty(details.AllowedTransitions);
        Assert.Null(details.ReopenableUntil);
        Assert.Contains("can no longer be reopened", await coordinator.GetStringAsync($"/programs/{program.Id}"));
        var reopen = await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Running" });

        Assert.Equal(HttpStatusCode.Conflict, reopen.StatusCode);
        Assert.Contains("anonymised", (await reopen.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(ProgramStatus.Closed, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);
    }

    [Fact]
    public async Task ACoordinatorBeingRemovedFromTheOrganisationDoesNotKeepAProgramCreatedMeanwhile()
    {
        var school = await School.CreateAsync(factory);
        var second = await factory.CreateUserAsync("Second Coordinator");
        await factory.AddMemberAsync(school.Organisation.Id, second, OrganisationRole.Coordinator);
        var leaving = await factory.SignedInClientAsync(second);

        // A removal in progress: it holds the organisation's lock (ADR 119) and has deleted the membership, not yet committed.
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        HttpResponseMessage created;
        await using (var removal = await db.Database.BeginTransactionAsync())
        {
            Assert.True(await OrganisationLock.TakeAsync(db, school.Organisation.Id, default));
            await db.OrganisationMemberships.Where(m => m.OrganisationId == school.Organisation.Id && m.UserId == second.Id).ExecuteDeleteAsync();
            var creating = leaving.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(school.Organisation.Id, "Kept by nobody"));
            // The creation waits for the removal rather than reading the membership it is taking away.
            Assert.NotSame(creating, await Task.WhenAny(creating, Task.Delay(TimeSpan.FromSeconds(1))));
            await removal.CommitAsync();
            created = await creating;
        }

        Assert.False(created.IsSuccessStatusCode, $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        Assert.False(await db.Programs.AnyAsync(p => p.OrganisationId == school.Organisation.Id && p.Name == "Kept by nobody"));
        Assert.False(await db.Enrolments.AnyAsync(e => e.UserId == second.Id));
    }

    [Theory]
    [InlineData("/api/v1/programs?status=9", "status")]
    [InlineData("/api/v1/programs?status=-1", "status")]
    [InlineData("/api/v1/programs/{0}/enrolments?role=9", "role")]
    public async Task AStatusOrRoleThatIsNoValueOfItsListIsRefused(string url, string field)
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);

        var response = await coordinator.GetAsync(string.Format(url, program.Id));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Contains(field, problem.Errors.Keys);
        // The names still filter.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync(url.Contains("role") ? $"/api/v1/programs/{program.Id}/enrolments?role=Coordinator" : "/api/v1/programs?status=Draft")).StatusCode);
    }

    [Fact]
    public async Task TheProgramPagesTakeOnlyTheNamesOfStatuses()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var pages = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        var list = await pages.Http.GetAsync("/programs?status=9");
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Contains("Choose a status from the list.", await list.Content.ReadAsStringAsync());
        Assert.Contains("Reading Buddies", await pages.Http.GetStringAsync("/programs?status=Draft"));

        var moved = await pages.SubmitAsync($"/programs/{program.Id}", "status", [new("Next", "9")]);
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.DoesNotContain("not 9.", await moved.Content.ReadAsStringAsync());
        Assert.Equal(ProgramStatus.Draft, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);
    }
}
