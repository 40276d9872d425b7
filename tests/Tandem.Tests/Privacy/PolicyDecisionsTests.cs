using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Channels;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// ADR 124, the privacy questions earlier rounds wrote down without deciding: other people's channel posts that name an erased
/// person lose the name, an organisation without a coordinator still has someone told of an erasure request, and a guardian's
/// download holds no answer to a sensitive question, even one the child shared with staff.
/// </summary>
public sealed partial class PolicyDecisionsTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [GeneratedRegex(@"/guardian/open\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex GuardianLink();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task ErasureTakesTheirNameOutOfOthersPostsInTheirProgramsAndLeavesOtherProgramsAndOtherWords()
    {
        var pair = await fixture.PairAsync();
        var elsewhere = await fixture.PairAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        // The mentee is "Menna Tee" in both schools; the mentor (another person) mentions them, once as typed in small letters.
        var posts = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var channel = new DiscussionChannel(pair.ProgramId, ChannelKind.Interest, $"Chess {tag}", null, ChannelAudience.Everyone, null, null, Now);
            var otherChannel = new DiscussionChannel(elsewhere.ProgramId, ChannelKind.Interest, $"Chess {tag}", null, ChannelAudience.Everyone, null, null, Now);
            var mention = new ChannelPost(channel.Id, pair.ProgramId, pair.Mentor.Id, null, $"Thanks @Menna Tee for the board {tag}", Now);
            var lower = new ChannelPost(channel.Id, pair.ProgramId, pair.Mentor.Id, null, $"well played menna tee! {tag}", Now);
            var letters = new ChannelPost(channel.Id, pair.ProgramId, pair.Mentor.Id, null, $"Menna Teeside club {tag}", Now);
            var other = new ChannelPost(otherChannel.Id, elsewhere.ProgramId, elsewhere.Mentor.Id, null, $"Hi @Menna Tee {tag}", Now);
            db.AddRange(channel, otherChannel, mention, lower, letters, other);
            await db.SaveChangesAsync();
            return (mention.Id, lower.Id, letters.Id, other.Id);
        });

        var erased = await fixture.WithScopeAsync(s => s.GetRequiredService<Tandem.Features.Exports.ErasePerson>().RunAsync(pair.Mentee.Id));

        Assert.Equal(2, erased!.Rows["othersPosts"]);
        var bodies = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ChannelPost>().AsNoTracking()
            .Where(p => p.Id == posts.Item1 || p.Id == posts.Item2 || p.Id == posts.Item3 || p.Id == posts.Item4).ToDictionaryAsync(p => p.Id, p => p.Body));
        Assert.Equal($"Thanks @Erased person for the board {tag}", bodies[posts.Item1]);
        Assert.Equal($"well played Erased person! {tag}", bodies[posts.Item2]);
        Assert.Equal($"Menna Teeside club {tag}", bodies[posts.Item3]);
        // The other school's Menna Tee is someone else.
        Assert.Equal($"Hi @Menna Tee {tag}", bodies[posts.Item4]);
    }

    [Fact]
    public async Task AnErasureRequestToAnOrganisationWithoutACoordinatorTellsTheAdministrators()
    {
        var organisation = await fixture.Tandem.CreateOrganisationAsync("Lone Club");
        var person = await fixture.Tandem.CreateUserAsync("Ivy Alone");
        await fixture.Tandem.AddMemberAsync(organisation.Id, person, OrganisationRole.Member);
        var administrator = await fixture.Tandem.CreateUserAsync("Ada Admin", administrator: true);
        var client = await fixture.Tandem.SignedInClientAsync(person);

        var asked = await client.PostAsJsonAsync("/api/v1/me/erasure-requests", new { organisationId = organisation.Id });

        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.UserId == administrator.Id && n.Kind == NotificationKind.Privacy).ToListAsync());
        var notice = Assert.Single(notices, n => n.Title == "Erasure requested: Ivy Alone");
        Assert.Equal($"/organisations/{organisation.Id}/erasure-requests", notice.Link);
        // The administrator can open the organisation's requests from it.
        var admin = await fixture.Tandem.SignedInClientAsync(administrator);
        var list = await admin.GetAsync($"/api/v1/organisations/{organisation.Id}/erasure-requests");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("Ivy Alone", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AGuardiansDownloadHoldsNoAnswerToASensitiveQuestionEvenOneTheChildSharedWithStaff()
    {
        var school = await GuardedSchool.CreateAsync(fixture.Tandem);
        var guardian = $"guardian.{Guid.NewGuid():N}@families.example";
        var (child, childClient, application) = await school.ApplyAsync("Cara Young", "CHILD-S-40bd", 14, guardian);
        // The child shared a sensitive answer with the program's staff (ADR 49): it is in the answers staff read, with its consent.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Application>().Where(a => a.Id == application)
            .ExecuteUpdateAsync(u => u
                .SetProperty(a => a.AnswersJson, "{\"why\":\"why CHILD-S-40bd\",\"faith\":\"SHARED-SENSITIVE-9e2a\"}")
                .SetProperty(a => a.SensitiveConsentsJson, "{\"faith\":\"2026-11-30T10:00:00Z\"}")));

        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Tandem.AnonymousClient().PostAsJsonAsync("/api/v1/guardian/access-links", new { email = guardian })).StatusCode);
        var link = (await fixture.OutboxForAsync(guardian)).Select(m => GuardianLink().Match(MimeKit.MimeMessage.Load(new MemoryStream(m.Mime)).TextBody ?? ""))
            .Last(m => m.Success).Value;
        var page = new PageClient(fixture.Tandem.AnonymousClient());
        Assert.Equal(HttpStatusCode.Redirect, (await page.SubmitAsync(link, "guardian-open", [])).StatusCode);
        var download = await page.Http.GetAsync($"/guardian/children/{child.Id}/data-export");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var export = await download.Content.ReadAsStringAsync();
        Assert.Contains("why CHILD-S-40bd", export);
        Assert.DoesNotContain("SHARED-SENSITIVE-9e2a", export);
        Assert.DoesNotContain("faith", export);
        Assert.Contains("their answers to sensitive questions (shared with staff or not)", export);
        // The child's own download has it, and which answers they shared.
        var own = await (await childClient.GetAsync("/api/v1/me/data-export")).Content.ReadAsStringAsync();
        Assert.Contains("SHARED-SENSITIVE-9e2a", own);
        Assert.Contains("\"faith\": \"2026-11-30", own);
    }

    [Fact]
    public async Task ExportingTheRelationshipsIsAReadOfTheMinorsInThemAndTheParticipantsRosterIsNot()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        var log = "/api/v1/me/access-log";
        var before = (await mentee.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<MyAccessView>>(log, Json.Options))!.Items.Count;

        var roster = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants");
        var middle = (await mentee.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<MyAccessView>>(log, Json.Options))!.Items.Count;
        var relationships = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/relationships");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (roster.StatusCode, relationships.StatusCode));
        Assert.Contains("Menna Tee", await relationships.Content.ReadAsStringAsync());
        Assert.Equal(before, middle);
        var after = (await mentee.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, after.Count);
        var entry = after.Single(e => e.Purpose == "Exporting the program's relationships");
        Assert.Equal((AuditRecord.Relationship, "Cora Ordinator"), (entry.Record, entry.ReadBy));
    }
}
