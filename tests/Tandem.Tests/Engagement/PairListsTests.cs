using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;

namespace Tandem.Tests.Engagement;

/// <summary>
/// ADR 126 (with ADR 124 item 6): the staff's lists of a program's pairs, its engagement health and its relationships, are
/// reads of the minors on the page and written to the audit log once per page; a status these lists do not know (a number
/// such as 7) is refused with 400, not answered with an empty list.
/// </summary>
public sealed class PairListsTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task AStaffReadOfTheProgramsHealthOrRelationshipsListIsInTheMinorsAuditLogOncePerPageAndNotTheAdults()
    {
        var pair = await fixture.PairAsync();
        await MakeMinorAsync(pair);

        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/relationships")).StatusCode);

        var entries = await EntriesAsync(pair.Mentee.Id);
        Assert.Equal(
            [
                (pair.School.Coordinator.Id, AuditRecord.Relationship, (Guid?)null, (Guid?)pair.ProgramId, "Listing the program's relationships"),
                (pair.School.Coordinator.Id, AuditRecord.Relationship, (Guid?)null, (Guid?)pair.ProgramId, "Reading the program's engagement health"),
            ],
            entries.Select(e => (e.ActorUserId, e.Record, e.RecordId, e.ProgramId, e.Purpose)).OrderBy(e => e.Purpose));
        Assert.Empty(await EntriesAsync(pair.Mentor.Id));
    }

    [Fact]
    public async Task AnUndefinedStatusInAListsQueryIsRefusedWith400()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);

        foreach (var (client, url) in new[]
        {
            (mentee, "/api/v1/relationships/mine?status=7"),
            (pair.Coordinator, $"/api/v1/programs/{pair.ProgramId}/relationships?status=7"),
            (pair.Coordinator, $"/api/v1/programs/{pair.ProgramId}/health?status=7"),
        })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
            Assert.Contains("\"status\"", await response.Content.ReadAsStringAsync());
        }
        // A status they know still lists.
        Assert.Equal(HttpStatusCode.OK, (await mentee.GetAsync("/api/v1/relationships/mine?status=Active")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/health?status=AtRisk")).StatusCode);
    }

    /// <summary>The mentee's application gives an age of 15 (as <see cref="HealthAuditTests"/> does).</summary>
    private Task MakeMinorAsync(Pair pair) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var application = new Application(pair.ProgramId, pair.Mentee.Id, ProgramRole.Mentee, null, now);
        application.SaveDraft(null, "{}", true, 15, "Pat Parent", "pat.parent@test.example", now);
        db.Add(application);
        return await db.SaveChangesAsync();
    });

    private Task<List<AuditEntry>> EntriesAsync(Guid subject) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == subject).ToListAsync());
}
