using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Repeats;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// ADR 122: what a closed program's retention must leave in force. A child stays a minor (their age under 18 is kept), the
/// consent notices staff were sent go with the program's, a consent can no longer be answered there, and an erasure
/// request's decline reason goes once it is as old as the organisation keeps a closed program's data, or with its subject.
/// </summary>
public sealed class RetentionKeepsProtectionsTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private TandemFactory Factory => fixture.Tandem;

    private Task<T> InDatabaseAsync<T>(Func<TandemDb, Task<T>> work) => fixture.WithScopeAsync(s => work(s.GetRequiredService<TandemDb>()));

    /// <summary>Closes the program three years ago (past any retention and reopening) and runs the retention pass, which anonymises it.</summary>
    private async Task RetainAsync(Guid programId)
    {
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        await InDatabaseAsync(db => db.Programs.Where(p => p.Id == programId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Closed).SetProperty(p => p.ClosedAt, now.AddYears(-3))));
        var pass = await fixture.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());
        Assert.Contains(pass.Programs, p => p.ProgramId == programId);
    }

    [Fact]
    public async Task AChildsReadsInAnotherProgramAreStillAuditedAfterTheProgramTheyAppliedToIsRetained()
    {
        var pair = await fixture.PairAsync();
        // The mentee gave their age, 14, applying to another school's program X; they are in this program by enrolment.
        await MinorsSchool.MakeMinorAsync(Factory, await fixture.SignInAsync(pair.Mentee));
        var x = await InDatabaseAsync(db => db.Set<Application>().Where(a => a.UserId == pair.Mentee.Id).Select(a => a.ProgramId).SingleAsync());
        Task<int> ReadsAsync() => InDatabaseAsync(db => db.Set<AuditEntry>()
            .CountAsync(e => e.SubjectUserId == pair.Mentee.Id && e.Record == AuditRecord.Relationship && e.RecordId == pair.RelationshipId));
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"/api/v1/relationships/{pair.RelationshipId}")).StatusCode);
        Assert.Equal(1, await ReadsAsync());

        await RetainAsync(x);

        // X's words are gone, the age that makes them a child stays; the coordinator's next read of this program's pair is logged.
        var retained = await InDatabaseAsync(db => db.Set<Application>().AsNoTracking().SingleAsync(a => a.ProgramId == x));
        Assert.Equal((14, "{}"), (retained.Age, retained.AnswersJson));
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(pair.School.Coordinator)).GetAsync($"/api/v1/relationships/{pair.RelationshipId}")).StatusCode);
        Assert.Equal(2, await ReadsAsync());
    }

    [Fact]
    public async Task AnAdultsAgeGoesWithTheRetainedApplication()
    {
        var school = await MinorsSchool.CreateAsync(Factory);
        await RetainAsync(school.Recruiting.Program.Id);
        var ages = await InDatabaseAsync(db => db.Set<Application>().Where(a => a.ProgramId == school.Recruiting.Program.Id)
            .ToDictionaryAsync(a => a.UserId, a => a.Age));
        Assert.Equal(14, ages[school.Minor.Id]);
        Assert.Null(ages[school.Adult.Id]);
    }

    [Fact]
    public async Task InvitingMentorsBackFromARetainedProgramStillLeavesOutAChildUnderTheConsentAge()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var source = school.Recruiting.Program.Id;
        var coordinator = school.Recruiting.Coordinator;
        var (mona, _, monaApplication) = await school.ApplyAsync("Mona Grown", "RETAIN-1", 30, null);
        var (kit, _, kitApplication) = await school.ApplyAsync("Kit Young", "RETAIN-2", 12, $"guardian.{Guid.NewGuid():N}@families.example");
        // Kit's application is from before consent was recorded: only the age (12, under the school's 16) holds them back.
        await InDatabaseAsync(db => db.Set<Consent>().Where(c => c.UserId == kit.Id && c.ProgramId == source).ExecuteDeleteAsync());
        foreach (var application in new[] { monaApplication, kitApplication })
        {
            var decided = await coordinator.PostAsJsonAsync($"{school.Recruiting.Applications}/{application}/decision", new { decision = "Approve" });
            Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        }

        await RetainAsync(source);

        var copied = await coordinator.PostAsJsonAsync($"/api/v1/programs/{source}/copy", new { name = "Next year's buddies" });
        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        var copy = (await copied.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        await coordinator.OpenRecruitmentAsync(copy.Id);
        var origin = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!;
        Assert.Equal([mona.Id], origin.ToInvite.Select(m => m.UserId));
        var pressed = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.True(pressed.IsSuccessStatusCode, await pressed.Content.ReadAsStringAsync());
        Assert.DoesNotContain(await Factory.OutboxForAsync(kit.Email), e => e.ReferenceKind == "invitation");
        Assert.Contains(await Factory.OutboxForAsync(mona.Email), e => e.ReferenceKind == "invitation");
    }

    [Fact]
    public async Task ConsentNoticesToStaffGoWithTheProgramAndAConsentCannotBeAnsweredAfterRetention()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        foreach (var give in new[] { true, false, true })
        {
            Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give })).StatusCode);
        }
        Task<List<string>> NoticesAsync() => InDatabaseAsync(db => db.Set<Notification>()
            .Where(n => n.UserId == pair.School.Coordinator.Id && n.Title.StartsWith("Consent ")).Select(n => n.Title).ToListAsync());
        var notices = await NoticesAsync();
        Assert.Contains(notices, t => t.StartsWith("Consent withdrawn"));
        Assert.Contains(notices, t => t.StartsWith("Consent given again"));

        await RetainAsync(pair.ProgramId);

        Assert.Empty(await NoticesAsync());
        var events = await InDatabaseAsync(db => db.Set<ConsentEvent>().CountAsync(e => e.ProgramId == pair.ProgramId));
        var answered = await (await fixture.SignInAsync(pair.Mentee)).PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false });
        Assert.Equal(HttpStatusCode.Conflict, answered.StatusCode);
        Assert.Contains("anonymised", await answered.Content.ReadAsStringAsync());
        Assert.Equal(events, await InDatabaseAsync(db => db.Set<ConsentEvent>().CountAsync(e => e.ProgramId == pair.ProgramId)));
        Assert.Empty(await NoticesAsync());
    }

    [Fact]
    public async Task ADeclineReasonGoesOnceTheOrganisationsRetentionHasPassedOrWithItsSubject()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var requests = $"/api/v1/organisations/{school.OrganisationId}/erasure-requests";
        var (old, oldClient, _) = await school.ApplyAsync("Olly Old", "DECLINE-1", 30, null);
        var (recent, recentClient, _) = await school.ApplyAsync("Rita Recent", "DECLINE-2", 30, null);
        var (erased, erasedClient, _) = await school.ApplyAsync("Ezra Erased", "DECLINE-3", 30, null);
        var ids = new Dictionary<Guid, Guid>();
        foreach (var (user, client) in new[] { (old, oldClient), (recent, recentClient), (erased, erasedClient) })
        {
            Assert.True((await client.PostAsJsonAsync("/api/v1/me/erasure-requests", new { organisationId = school.OrganisationId })).IsSuccessStatusCode);
            var open = await coordinator.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<ErasureRequestView>>($"{requests}?state=Open", Json.Options);
            ids[user.Id] = open!.Items.Single(r => r.SubjectUserId == user.Id).Id;
            Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"{requests}/{ids[user.Id]}/decline", new { reason = $"Kept under rule R-{user.DisplayName}" })).StatusCode);
        }
        Task<string?> ReasonAsync(Guid subject)
        {
            var id = ids[subject];
            return InDatabaseAsync(db => db.Set<ErasureRequest>().Where(r => r.Id == id).Select(r => r.DeclineReason).SingleAsync());
        }
        // Olly's was decided three years ago, past the school's two years; Rita's today.
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var oldId = ids[old.Id];
        await InDatabaseAsync(db => db.Set<ErasureRequest>().Where(r => r.Id == oldId).ExecuteUpdateAsync(s => s.SetProperty(r => r.DecidedAt, now.AddYears(-3))));

        await fixture.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());

        Assert.Null(await ReasonAsync(old.Id));
        Assert.Equal("Kept under rule R-Rita Recent", await ReasonAsync(recent.Id));
        Assert.Equal(ErasureRequestState.Declined, await InDatabaseAsync(db => db.Set<ErasureRequest>().Where(r => r.Id == oldId).Select(r => r.State).SingleAsync()));

        // Ezra is erased later (another request, carried out): the earlier decline's words about him go with him.
        Assert.Equal("Kept under rule R-Ezra Erased", await ReasonAsync(erased.Id));
        await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(erased.Id));
        Assert.Null(await ReasonAsync(erased.Id));
        Assert.Equal("Kept under rule R-Rita Recent", await ReasonAsync(recent.Id));
    }

    [Fact]
    public async Task ADeclineReasonCountsATypedLineBreakOnceAndStoresItAsOne()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var coordinator = school.Recruiting.Coordinator;
        var requests = $"/api/v1/organisations/{school.OrganisationId}/erasure-requests";
        var (person, client, _) = await school.ApplyAsync("Lena Lines", "DECLINE-4", 30, null);
        Assert.True((await client.PostAsJsonAsync("/api/v1/me/erasure-requests", new { organisationId = school.OrganisationId })).IsSuccessStatusCode);
        var open = await coordinator.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<ErasureRequestView>>($"{requests}?state=Open", Json.Options);
        var id = open!.Items.Single(r => r.SubjectUserId == person.Id).Id;
        // Exactly the limit as the box counts it (a line break is one character), posted from the page as a browser does, with CRLF.
        var line = new string('a', DecideErasureRequest.MaxReason / 2 - 2);
        var tail = new string('b', DecideErasureRequest.MaxReason - 2 * line.Length - 2);
        var typed = line + "\r\n" + line + "\r\n" + tail;
        Assert.Equal(DecideErasureRequest.MaxReason, typed.Replace("\r\n", "\n").Length);

        var page = await PageClient.SignInAsync(Factory, school.Recruiting.School.Coordinator.Email);
        var declined = await page.SubmitAsync($"/organisations/{school.OrganisationId}/erasure-requests?decide={id}", "erasure-decline",
            [new("Decline.RequestId", id.ToString()), new("Decline.Reason", typed)]);

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Contains("declined", await declined.Content.ReadAsStringAsync());
        var stored = await InDatabaseAsync(db => db.Set<ErasureRequest>().Where(r => r.Id == id).Select(r => r.DeclineReason).SingleAsync());
        Assert.Equal(line + "\n" + line + "\n" + tail, stored);
    }
}
