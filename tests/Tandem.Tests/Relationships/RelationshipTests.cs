using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

public sealed class RelationshipTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static async Task<T> Read<T>(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }

    [Fact]
    public async Task MembersAndCoordinatorsReadARelationshipAndEveryoneElseGets404()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var otherMentor = await program.ApproveAsync("Olga Mentor", "mentor");
        var otherMentee = await program.ApproveAsync("Oscar Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        await program.StartAsync(otherMentor, otherMentee);

        Assert.Equal(RelationshipStatus.Active, pair.Status);
        Assert.Equal(["Mia Mentor", "Max Mentee"], pair.Members.Select(m => m.DisplayName));
        Assert.Equal([ProgramRole.Mentor, ProgramRole.Mentee], pair.Members.Select(m => m.Role));

        var mine = await Read<Paged<MyRelationshipView>>(await mentee.Client.GetAsync("/api/v1/relationships/mine"));
        var only = Assert.Single(mine.Items);
        Assert.Equal(pair.Id, only.Id);
        Assert.Equal("Both chose Maths", only.MatchExplanation);
        Assert.Equal(HttpStatusCode.OK, (await mentor.Client.GetAsync($"/api/v1/relationships/mine/{pair.Id}")).StatusCode);
        // The coordinators' view (with its coordinator-only fields) is not the members'.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentor.Client.GetAsync($"/api/v1/relationships/{pair.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherMentee.Client.GetAsync($"/api/v1/relationships/{pair.Id}")).StatusCode);
        var outsider = await factory.SignedInClientAsync(program.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/relationships/{pair.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(program.Relationships)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.GetAsync(program.Relationships)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync(program.Relationships, new
        {
            memberEnrolmentIds = new[] { mentor.EnrolmentId, mentee.EnrolmentId }, startsOn = "2027-01-10",
        })).StatusCode);

        var list = await Read<Paged<RelationshipView>>(await program.Coordinator.GetAsync($"{program.Relationships}?status=Active&pageSize=1"));
        Assert.Equal(2, list.TotalCount);
        Assert.Single(list.Items);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"{program.Relationships}?pageSize=1000")).StatusCode);
    }

    [Fact]
    public async Task CapacityAndOneOpenRelationshipPerMenteeAreEnforced()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", capacity: 2);
        var first = await program.ApproveAsync("Ann Mentee", "mentee");
        var second = await program.ApproveAsync("Ben Mentee", "mentee");
        var third = await program.ApproveAsync("Cat Mentee", "mentee");
        var busyMentor = await program.ApproveAsync("Bo Mentor", "mentor");

        await program.StartAsync(mentor, first);
        await program.StartAsync(mentor, second);
        var full = await program.TryStartAsync(null, mentor, third);
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("no capacity left", await full.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await program.TryStartAsync(null, busyMentor, first)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.TryStartAsync(null, first, third)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.TryStartAsync(null, mentor, busyMentor)).StatusCode);
    }

    [Fact]
    public async Task TwoStartsAtOnceForTheLastSeatLetExactlyOneThrough()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentees = new[] { await program.ApproveAsync("Ann Mentee", "mentee"), await program.ApproveAsync("Ben Mentee", "mentee") };

        using var go = new SemaphoreSlim(0);
        var attempts = mentees.Select(m => Task.Run(async () => { await go.WaitAsync(); return await program.TryStartAsync(null, mentor, m); })).ToList();
        go.Release(2);
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var list = await Read<Paged<RelationshipView>>(await program.Coordinator.GetAsync(program.Relationships));
        Assert.Equal(1, list.TotalCount);
    }

    [Fact]
    public async Task StatusChangesAreGuardedAndRecordWhoAndWhen()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var next = await program.ApproveAsync("Nia Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var status = $"/api/v1/relationships/{pair.Id}/status";

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync(status, new { status = "Paused" })).StatusCode);
        var outsider = await factory.SignedInClientAsync(program.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync(status, new { status = "Paused" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await program.Coordinator.PostAsJsonAsync(status, new { status = "Active" })).StatusCode);

        var paused = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync(status, new { status = "Paused" }));
        Assert.Equal(RelationshipStatus.Paused, paused.Status);
        Assert.Equal("Cora Ordinator", paused.StatusChangedBy);
        var told = await PairingProgram.NoticesAsync(mentee.Client);
        Assert.Contains(told, n => n.Title == $"Your mentoring in {program.Program.Name} is paused" && n.Body.Contains("with Mia Mentor"));
        Assert.Contains(await PairingProgram.NoticesAsync(mentor.Client), n => n.Title.EndsWith("is paused") && n.Body.Contains("with Max Mentee"));
        Assert.Equal(HttpStatusCode.Conflict, (await program.TryStartAsync(null, mentor, next)).StatusCode);
        var resumed = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync(status, new { status = "Active" }));
        Assert.Equal(RelationshipStatus.Active, resumed.Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.PostAsJsonAsync(status, new { status = "EndedEarly" })).StatusCode);
        var ended = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync(status, new { status = "EndedEarly", reason = "Moved school" }));
        Assert.Equal(RelationshipStatus.EndedEarly, ended.Status);
        Assert.Equal("Moved school", ended.EndReason);
        // Members hear that it ended, but not the coordinator's reason (it may be about one of them).
        var endedNotice = Assert.Single(await PairingProgram.NoticesAsync(mentor.Client), n => n.Title.EndsWith("has ended"));
        Assert.DoesNotContain("Moved school", endedNotice.Body);
        Assert.NotNull(ended.EndedAt);
        Assert.Empty(ended.AllowedTransitions);
        Assert.Equal(HttpStatusCode.Conflict, (await program.Coordinator.PostAsJsonAsync(status, new { status = "Completed" })).StatusCode);

        // Ending freed the mentor's seat.
        var again = await program.StartAsync(mentor, next);
        var completed = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{again.Id}/status", new { status = "Completed" }));
        Assert.Equal(RelationshipStatus.Completed, completed.Status);
    }

    [Fact]
    public async Task RematchEndsTheOldRelationshipAndKeepsItInTheHistory()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var oldMentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var newMentor = await program.ApproveAsync("Ned Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(oldMentor, mentee);

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, newPartnerEnrolmentIds = new[] { newMentor.EnrolmentId }, reason = "Not a fit" })).StatusCode);
        var rematched = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, newPartnerEnrolmentIds = new[] { newMentor.EnrolmentId }, reason = "Not a fit" }));

        Assert.Equal(RelationshipSource.Rematch, rematched.Source);
        Assert.Equal(pair.Id, rematched.PreviousRelationshipId);
        Assert.Equal(["Ned Mentor", "Max Mentee"], rematched.Members.Select(m => m.DisplayName));
        var old = await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}"));
        Assert.Equal(RelationshipStatus.EndedEarly, old.Status);
        Assert.Contains("Not a fit", old.EndReason);
        Assert.Contains(await PairingProgram.NoticesAsync(mentee.Client), n => n.Title == $"Your new mentor in {program.Program.Name}" && n.Body.Contains("you are matched with Ned Mentor"));
        Assert.Contains(await PairingProgram.NoticesAsync(newMentor.Client), n => n.Title == $"Your new mentee in {program.Program.Name}" && n.Body.Contains("you are matched with Max Mentee"));
        var oldMentorNotice = Assert.Single(await PairingProgram.NoticesAsync(oldMentor.Client), n => n.Title.EndsWith("has ended"));
        Assert.DoesNotContain("Not a fit", oldMentorNotice.Body);
        var history = await Read<Paged<MyRelationshipView>>(await mentee.Client.GetAsync("/api/v1/relationships/mine"));
        Assert.Equal([rematched.Id, pair.Id], history.Items.Select(r => r.Id));
        Assert.Equal(HttpStatusCode.Conflict, (await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, newPartnerEnrolmentIds = new[] { oldMentor.EnrolmentId }, reason = "Again" })).StatusCode);
        // The old mentor is free again.
        var another = await program.ApproveAsync("Ann Mentee", "mentee");
        await program.StartAsync(oldMentor, another);
    }

    [Fact]
    public async Task AStartAtTheCalendarsEndIsRefusedAndTheMembersPagesKeepWorking()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");

        var far = await program.TryStartAsync(new DateOnly(9999, 12, 31), mentor, mentee);

        Assert.Equal(HttpStatusCode.BadRequest, far.StatusCode);
        Assert.Contains("within 5 years", await far.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await mentee.Client.GetAsync("/api/v1/relationships/mine")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentee.Client.GetAsync("/my/relationships")).StatusCode);
        await program.StartOnAsync(factory.Today.AddYears(1), mentor, mentee);
    }

    [Fact]
    public async Task ACoordinatorReadingAMinorsFitCheckAnswerIsWrittenToTheMinorsAccessLog()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        await Tandem.Tests.Privacy.MinorsSchool.MakeMinorAsync(factory, mentee.Client);
        var pair = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, mentee);
        await Read<MyFitCheckView>(await mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/fit-check", new { answer = "No", note = "We never find a time" }));
        var log = "/api/v1/me/access-log";
        var before = (await mentee.Client.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<Tandem.Features.Privacy.MyAccessView>>(log, Json.Options))!.Items.Count;

        var answers = await Read<FitCheckView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}/fit-check/answers"));

        Assert.Equal("We never find a time", Assert.Single(answers.Answers).Note);
        var after = (await mentee.Client.GetFromJsonAsync<Tandem.Infrastructure.Paging.Paged<Tandem.Features.Privacy.MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, after.Count);
        Assert.Contains(after, e => e.Purpose == "Reading the fit-check answers");
    }

    [Fact]
    public async Task TheFitCheckOpensAfterTheConfiguredDaysAndANoFlagsAPoorFit()
    {
        // Without meetings the fit check opens 28 days after the start (the program's default).
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var newMentor = await program.ApproveAsync("Ned Mentor", "mentor");
        var newMentee = await program.ApproveAsync("Nia Mentee", "mentee");
        var today = factory.Today;
        var old = await program.StartOnAsync(today.AddDays(-30), mentor, mentee);
        var fresh = await program.StartOnAsync(today, newMentor, newMentee);

        Assert.Equal(HttpStatusCode.Conflict, (await newMentee.Client.PostAsJsonAsync($"/api/v1/relationships/{fresh.Id}/fit-check", new { answer = "Yes" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{old.Id}/fit-check", new { answer = "Yes" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await newMentee.Client.PostAsJsonAsync($"/api/v1/relationships/{old.Id}/fit-check", new { answer = "Yes" })).StatusCode);

        var mine = await Read<MyFitCheckView>(await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{old.Id}/fit-check", new { answer = "Yes" }));
        Assert.Equal(FitAnswer.Yes, mine.MyAnswer!.Answer);
        Assert.False(mine.CanAnswer);
        await Read<MyFitCheckView>(await mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{old.Id}/fit-check", new { answer = "No", note = "We never find a time" }));
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{old.Id}/fit-check", new { answer = "Yes" })).StatusCode);

        // The mentor reads only their own answer (the mentee's "No" and the poor-fit flag it raised are not in their view).
        var forMentor = await Read<MyFitCheckView>(await mentor.Client.GetAsync($"/api/v1/relationships/{old.Id}/fit-check"));
        Assert.Equal(FitAnswer.Yes, forMentor.MyAnswer!.Answer);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentor.Client.GetAsync($"/api/v1/relationships/{old.Id}/fit-check/answers")).StatusCode);
        var forCoordinator = await Read<FitCheckView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{old.Id}/fit-check/answers"));
        Assert.True(forCoordinator.PoorFit);
        Assert.Equal(2, forCoordinator.Answers.Count);
        Assert.Contains(forCoordinator.Answers, a => a.Answer == FitAnswer.No && a.Note == "We never find a time");
        var flagged = await Read<Paged<RelationshipView>>(await program.Coordinator.GetAsync($"{program.Relationships}?poorFit=true"));
        Assert.Equal(old.Id, Assert.Single(flagged.Items).Id);

        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings", new { fitCheckAfterDays = 1, requestTimeoutDays = 7 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await newMentee.Client.PostAsJsonAsync($"/api/v1/relationships/{fresh.Id}/fit-check", new { answer = "Yes" })).StatusCode);
    }

    [Fact]
    public async Task TheFitCheckOpensAfterThePairsFirstTwoMeetingsEvenBeforeTheConfiguredDays()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mo Mentor", "mentor");
        var mentee = await program.ApproveAsync("Mel Mentee", "mentee");
        var pair = await program.StartOnAsync(factory.Today.AddDays(-3), mentor, mentee);
        var fitCheck = $"/api/v1/relationships/{pair.Id}/fit-check";
        var contact = new { happened = true, topics = "Coffee and timetables", occurredAt = factory.Clock.GetUtcNow().UtcDateTime.AddDays(-2) };

        (await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/check-ins", contact)).EnsureSuccessStatusCode();
        var afterOne = await Read<MyFitCheckView>(await mentee.Client.GetAsync(fitCheck));
        Assert.False(afterOne.IsOpen);
        var refused = await mentee.Client.PostAsJsonAsync(fitCheck, new { answer = "Yes" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("after your first 2 meetings", await refused.Content.ReadAsStringAsync());

        (await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/check-ins", contact with { occurredAt = factory.Clock.GetUtcNow().UtcDateTime.AddDays(-1) })).EnsureSuccessStatusCode();
        var afterTwo = await Read<MyFitCheckView>(await mentee.Client.GetAsync(fitCheck));
        Assert.True(afterTwo.IsOpen);
        Assert.True(afterTwo.CanAnswer);
        var mine = Assert.Single((await Read<Paged<MyRelationshipView>>(await mentee.Client.GetAsync("/api/v1/relationships/mine"))).Items);
        Assert.True(mine.FitCheckOpen);
        Assert.Equal(FitAnswer.No, (await Read<MyFitCheckView>(await mentee.Client.PostAsJsonAsync(fitCheck, new { answer = "No" }))).MyAnswer!.Answer);
    }

    [Fact]
    public async Task RematchWithoutANamedMentorPicksTheBestOtherMentorWithRoom()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var oldMentor = await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths");
        var english = await program.ApproveAsync("Eli Mentor", "mentor", subject: "English");
        var maths = await program.ApproveAsync("Mo Mentor", "mentor", subject: "Maths");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths");
        var pair = await program.StartAsync(oldMentor, mentee);

        var rematched = await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, reason = "Timetables clash" }));
        Assert.Equal(["Mo Mentor", "Max Mentee"], rematched.Members.Select(m => m.DisplayName));
        Assert.Contains("Maths", rematched.MatchExplanation);

        // With nobody else free, nothing changes.
        var third = await program.StartAsync(english, await program.ApproveAsync("Ann Mentee", "mentee"));
        await program.StartAsync(oldMentor, await program.ApproveAsync("Bea Mentee", "mentee"));
        var refused = await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{rematched.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, reason = "Again" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var still = await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{rematched.Id}"));
        Assert.Equal(RelationshipStatus.Active, still.Status);
        Assert.NotEqual(third.Id, still.Id);
    }

    [Fact]
    public async Task APauseReadBeforeACompletionCommittedIsRefusedAndTheRelationshipStaysComplete()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var coordinator = new Actor(program.School.Coordinator.Id, false);

        var pausing = await factory.WithScopeAsync(async s =>
        {
            // The pause reads the relationship while it is active; the completion commits before the pause saves.
            var db = s.GetRequiredService<TandemDb>();
            await db.Set<Relationship>().Include(r => r.Members).SingleAsync(r => r.Id == pair.Id);
            await Read<RelationshipView>(await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/status", new { status = "Completed" }));
            return await s.GetRequiredService<ChangeRelationshipStatus>().RunAsync(coordinator, pair.Id,
                new ChangeRelationshipStatusRequest { Status = RelationshipStatus.Paused });
        });

        var refused = Assert.IsType<Conflict>(pausing.Failure);
        Assert.Contains("changed at the same moment", refused.Detail);
        var after = await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}"));
        Assert.Equal(RelationshipStatus.Completed, after.Status);
        // Its seats stay free: the mentor can be matched again.
        await program.StartAsync(mentor, await program.ApproveAsync("Nia Mentee", "mentee"));
    }

    [Fact]
    public async Task ReasonsLongerThanTheColumnAreRefusedWithTheFieldNotAServerError()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var newMentor = await program.ApproveAsync("Ned Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);

        // "Re-matched: " and 995 characters do not fit the end reason's 1,000.
        var rematch = await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentee.EnrolmentId, newPartnerEnrolmentIds = new[] { newMentor.EnrolmentId }, reason = new string('r', 995) });
        Assert.Equal(HttpStatusCode.BadRequest, rematch.StatusCode);
        Assert.Contains("reason", await rematch.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        // The relationships page calls the use cases directly, past the request's validation.
        var coordinator = new Actor(program.School.Coordinator.Id, false);
        var ending = await factory.WithScopeAsync(s => s.GetRequiredService<ChangeRelationshipStatus>().RunAsync(coordinator, pair.Id,
            new ChangeRelationshipStatusRequest { Status = RelationshipStatus.EndedEarly, Reason = new string('r', 1001) }));
        Assert.Contains("reason", Assert.IsType<Invalid>(ending.Failure).Errors.Keys.Single(), StringComparison.OrdinalIgnoreCase);
        var rematching = await factory.WithScopeAsync(s => s.GetRequiredService<Tandem.Features.Matching.Rematch>().RunAsync(coordinator, pair.Id,
            new Tandem.Features.Matching.RematchRequest { EnrolmentId = mentee.EnrolmentId, NewPartnerEnrolmentIds = [newMentor.EnrolmentId], Reason = new string('r', 995) }));
        Assert.IsType<Invalid>(rematching.Failure);
        Assert.Equal(RelationshipStatus.Active, (await Read<RelationshipView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}"))).Status);
    }

    [Fact]
    public async Task ACoordinatorReadingAnAdultMentorsFitCheckAnswerAboutAMinorIsWrittenToTheMinorsAccessLog()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Sam Mentee", "mentee");
        await Tandem.Tests.Privacy.MinorsSchool.MakeMinorAsync(factory, mentee.Client);
        var pair = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, mentee);
        await Read<MyFitCheckView>(await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/fit-check", new { answer = "No", note = "Sam seems withdrawn" }));
        var log = "/api/v1/me/access-log";
        var before = (await mentee.Client.GetFromJsonAsync<Paged<Tandem.Features.Privacy.MyAccessView>>(log, Json.Options))!.Items.Count;

        var answers = await Read<FitCheckView>(await program.Coordinator.GetAsync($"/api/v1/relationships/{pair.Id}/fit-check/answers"));

        Assert.Equal("Sam seems withdrawn", Assert.Single(answers.Answers).Note);
        var after = (await mentee.Client.GetFromJsonAsync<Paged<Tandem.Features.Privacy.MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, after.Count);
        Assert.Contains(after, e => e.Purpose == "Reading the fit-check answers");
    }

    [Fact]
    public async Task ADisabledAccountIsNeitherStartedNorOfferedNorMatchedAsALateJoiner()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var disabledMentor = await program.ApproveAsync("Dee Mentor", "mentor");
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var disabledMentee = await program.ApproveAsync("Dan Mentee", "mentee");
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == disabledMentor.User.Id || u.Id == disabledMentee.User.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));

        var started = await program.TryStartAsync(null, disabledMentor, mentee);
        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.Contains("account is disabled", await started.Content.ReadAsStringAsync());
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings", new { selfMatchEnabled = true })).EnsureSuccessStatusCode();
        var offered = await Read<Paged<Tandem.Features.Matching.AvailableMentorView>>(await mentee.Client.GetAsync($"/api/v1/programs/{program.Program.Id}/self-match/mentors"));
        Assert.Equal(["Mia Mentor"], offered.Items.Select(m => m.DisplayName));
        var late = await Read<Tandem.Features.Matching.LateJoinResult>(await program.Coordinator.PostAsync($"{program.Relationships}/late-joiners", Json.Empty()));
        Assert.Equal([("Max Mentee", "Mia Mentor")], late.Matched.Select(m => (m.MenteeName, m.MentorName)));
        Assert.DoesNotContain(late.Unmatched, u => u.Name == "Dan Mentee");
    }
}
