using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Engagement;
using Tandem.Features.Meetings;
using Tandem.Infrastructure.Problems;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Use cases catch a failed save only for the cause they expect, a unique violation (DbUpdateExceptionExtensions);
/// on SQLite and PostgreSQL alike, a duplicate key is one and a missing parent row is not.
/// </summary>
public sealed class UniqueViolationTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ASecondRowWithTheSameUniqueKeyIsAUniqueViolation()
    {
        var key = $"test:{Guid.NewGuid():N}";
        await SaveAsync(db => db.Add(new ReminderDispatch(key, Guid.NewGuid(), "node-a", DateTime.UtcNow)));

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => SaveAsync(db => db.Add(new ReminderDispatch(key, Guid.NewGuid(), "node-b", DateTime.UtcNow))));

        Assert.True(refused.IsUniqueViolation());
    }

    [Fact]
    public async Task ASecondRowWithTheSamePrimaryKeyIsAUniqueViolation()
    {
        var organisation = await factory.CreateOrganisationAsync("Keys School");
        await SaveAsync(db => db.Add(new MeetingSettings(organisation.Id, VideoLinkPolicy.Pasted, DateTime.UtcNow)));

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => SaveAsync(db => db.Add(new MeetingSettings(organisation.Id, VideoLinkPolicy.GeneratedJitsi, DateTime.UtcNow))));

        Assert.True(refused.IsUniqueViolation());
    }

    [Fact]
    public async Task ARowPointingAtNothingIsNotAUniqueViolation()
    {
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => SaveAsync(db => db.Add(new MeetingSettings(Guid.NewGuid(), VideoLinkPolicy.Pasted, DateTime.UtcNow))));

        Assert.False(refused.IsUniqueViolation());
    }

    [Fact]
    public async Task TwoChangesOfOneApplicationFromStaleCopiesAreALostUpdateNotAUniqueViolation()
    {
        var program = await Relationships.PairingProgram.CreateAsync(factory);
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Stale Copy"));
        (await applicant.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications",
            new { role = "mentee", answers = new Dictionary<string, object> { ["subject"] = "Maths" }, acceptsCodeOfConduct = true, submit = false })).EnsureSuccessStatusCode();
        await using var first = factory.Services.CreateAsyncScope();
        await using var second = factory.Services.CreateAsyncScope();
        var mine = await first.ServiceProvider.GetRequiredService<TandemDb>().Set<Application>().SingleAsync(a => a.ProgramId == program.Program.Id);
        var stale = await second.ServiceProvider.GetRequiredService<TandemDb>().Set<Application>().SingleAsync(a => a.ProgramId == program.Program.Id);

        mine.Submit(DateTime.UtcNow);
        await first.ServiceProvider.GetRequiredService<TandemDb>().SaveChangesAsync();
        stale.Submit(DateTime.UtcNow);
        var refused = await Assert.ThrowsAnyAsync<DbUpdateException>(() => second.ServiceProvider.GetRequiredService<TandemDb>().SaveChangesAsync());

        Assert.True(refused.IsLostUpdate());
        Assert.False(refused.IsUniqueViolation());
    }

    private Task<int> SaveAsync(Action<TandemDb> add) => factory.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        add(db);
        return await db.SaveChangesAsync();
    });
}
