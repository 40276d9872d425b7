using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;

namespace Tandem.Tests.Engagement;

/// <summary>
/// A pair's health (members, meetings, last contact, a poor-fit reason) read by staff is a read of the relationship: the
/// minors among its members get an audit entry, as they do when staff open the relationship itself (ADR 40).
/// </summary>
public sealed class HealthAuditTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task ACoordinatorsReadOfAPairsHealthIsInTheMinorsAuditLogAndAMembersOwnReadIsNot()
    {
        var pair = await fixture.PairAsync();
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            var application = new Application(pair.ProgramId, pair.Mentee.Id, ProgramRole.Mentee, null, now);
            application.SaveDraft(null, "{}", true, 15, "Pat Parent", "pat.parent@test.example", now);
            db.Add(application);
            return await db.SaveChangesAsync();
        });
        var url = $"/api/v1/relationships/{pair.RelationshipId}/health";

        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(pair.Mentor)).GetAsync(url)).StatusCode);
        Assert.Empty(await EntriesAsync(pair.Mentee.Id));

        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync(url)).StatusCode);
        var entry = Assert.Single(await EntriesAsync(pair.Mentee.Id));
        Assert.Equal((pair.School.Coordinator.Id, AuditRecord.Relationship, pair.RelationshipId, "Reading a relationship's health"),
            (entry.ActorUserId, entry.Record, entry.RecordId!.Value, entry.Purpose));
        Assert.Empty(await EntriesAsync(pair.Mentor.Id));
    }

    private Task<List<AuditEntry>> EntriesAsync(Guid subject) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == subject).ToListAsync());
}
