using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

public sealed class ScreeningTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AMenteeCannotReadAnotherApplicantsAnswersOrAnyPrivateQuestion()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var programId = recruiting.Program.Id;
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { recruiting.School.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var staffUser = await factory.CreateUserAsync("Stef Staff");
        await factory.AddMemberAsync(recruiting.School.Organisation.Id, staffUser, Features.Organisations.OrganisationRole.Member);
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { staffUser.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var (_, other) = await recruiting.ApplyAsync(factory, "Priya Private");
        var mentee = await factory.SignedInClientAsync(recruiting.School.Mentee);
        var staff = await factory.SignedInClientAsync(staffUser);
        var outsider = await factory.SignedInClientAsync(recruiting.School.Outsider);

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"{recruiting.Applications}/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(recruiting.Applications)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/api/v1/me/applications/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PutAsJsonAsync($"/api/v1/me/applications/{other.Id}", new { submit = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{programId}/questionnaires/mentor")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{programId}/questionnaires/mentor/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"{recruiting.Applications}/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{programId}/questionnaires/mentor")).StatusCode);

        // Staff read applications and the form without private questions, and cannot sort by them.
        var staffView = (await staff.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{other.Id}", Json.Options))!;
        Assert.DoesNotContain(staffView.Questions, q => q.Id == "health");
        Assert.False(staffView.Answers.ContainsKey("health"));
        Assert.Equal("Maths", staffView.Answers.Text("subject"));
        Assert.False(staffView.CanDecide);
        var staffForm = (await staff.GetFromJsonAsync<QuestionnaireView>($"/api/v1/programs/{programId}/questionnaires/mentor", Json.Options))!;
        Assert.DoesNotContain(staffForm.Questions, q => q.Private);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"{recruiting.Applications}?sort=answer:health")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync($"{recruiting.Applications}/{other.Id}/decision", new { decision = "Approve" })).StatusCode);

        var coordinatorView = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{other.Id}", Json.Options))!;
        Assert.Equal("Asthma", coordinatorView.Answers.Text("health"));
        Assert.True(coordinatorView.CanDecide);
    }

    [Fact]
    public async Task AReviewerWhoAppliesToTheirOwnProgramCannotReadRateOrDecideTheirOwnApplication()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var programId = recruiting.Program.Id;
        var criterion = await recruiting.AddCriterionAsync("Communication");
        var staffUser = await factory.CreateUserAsync("Stef Staff");
        await factory.AddMemberAsync(recruiting.School.Organisation.Id, staffUser, Features.Organisations.OrganisationRole.Member);
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { staffUser.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var staff = await factory.SignedInClientAsync(staffUser);
        var applied = await staff.PostAsJsonAsync(recruiting.Applications,
            new { role = "mentor", answers = RecruitingProgram.CompleteAnswers(), acceptsCodeOfConduct = true, submit = true });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var own = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        var (_, colleague) = await recruiting.ApplyAsync(factory, "Cal Colleague");
        (await recruiting.Coordinator.PutAsJsonAsync($"{recruiting.Applications}/{own.Id}/ratings",
            new { ratings = new[] { new { criterionId = criterion.Id, score = 2 } } })).EnsureSuccessStatusCode();

        // Their own application is not in their queue, not readable (the coordinator's rating of it is not shown to
        // them), and they cannot rate it; a colleague's they review as before.
        var queue = (await staff.GetFromJsonAsync<Paged<ReviewQueueItem>>(recruiting.Applications, Json.Options))!;
        Assert.Equal([colleague.Id], queue.Items.Select(i => i.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"{recruiting.Applications}/{own.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PutAsJsonAsync($"{recruiting.Applications}/{own.Id}/ratings",
            new { ratings = new[] { new { criterionId = criterion.Id, score = 5 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"{recruiting.Applications}/{colleague.Id}")).StatusCode);
        var coordinatorView = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{own.Id}", Json.Options))!;
        Assert.Equal([2], coordinatorView.Ratings.Select(r => r.Score));

        // A coordinator's own application: others decide it.
        var coordinatorApplied = await recruiting.Coordinator.PostAsJsonAsync(recruiting.Applications,
            new { role = "mentor", answers = RecruitingProgram.CompleteAnswers(), acceptsCodeOfConduct = true, submit = true });
        Assert.Equal(HttpStatusCode.OK, coordinatorApplied.StatusCode);
        var coordinatorOwn = (await coordinatorApplied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        var decided = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{coordinatorOwn.Id}/decision", new { decision = "Approve" });
        Assert.Equal(HttpStatusCode.Forbidden, decided.StatusCode);
        Assert.Equal(ApplicationStatus.Submitted, (await recruiting.Coordinator.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{coordinatorOwn.Id}", Json.Options))!.Status);
    }

    [Fact]
    public async Task RatingsAndADecisionAreRecordedWithWhoAndWhenAndApprovalEnrols()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var communication = await recruiting.AddCriterionAsync("Communication");
        var knowledge = await recruiting.AddCriterionAsync("Subject knowledge");
        var (applicantClient, application) = await recruiting.ApplyAsync(factory, "Rita Rated");
        var before = factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1);

        var rated = await recruiting.Coordinator.PutAsJsonAsync($"{recruiting.Applications}/{application.Id}/ratings", new
        {
            ratings = new[] { new { criterionId = communication.Id, score = 4 }, new { criterionId = knowledge.Id, score = 5 } },
        });
        var badScore = await recruiting.Coordinator.PutAsJsonAsync($"{recruiting.Applications}/{application.Id}/ratings", new
        {
            ratings = new[] { new { criterionId = communication.Id, score = 6 } },
        });
        var decided = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{application.Id}/decision",
            new { decision = "Approve", message = "Welcome aboard", mentorCapacity = 2 });
        var after = factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(1);

        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badScore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var view = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{application.Id}", Json.Options))!;
        Assert.Equal(4.5, view.AverageRating);
        Assert.All(view.Ratings, r =>
        {
            Assert.Equal(recruiting.School.Coordinator.Id, r.ReviewerId);
            Assert.Equal("Cora Ordinator", r.Reviewer);
            Assert.InRange(r.RatedAt, before, after);
        });
        Assert.Equal(["Communication:4", "Subject knowledge:5"], view.Ratings.Select(r => $"{r.Criterion}:{r.Score}"));
        var decision = Assert.Single(view.Decisions);
        Assert.Equal((Decision.Approve, recruiting.School.Coordinator.Id, "Welcome aboard", (int?)2),
            (decision.Decision, decision.DecidedById, decision.Message, decision.MentorCapacity));
        Assert.InRange(decision.DecidedAt, before, after);
        Assert.Equal((ApplicationStatus.Approved, (int?)2), (view.Status, view.MentorCapacity));

        var enrolments = (await recruiting.Coordinator.GetFromJsonAsync<Paged<EnrolmentView>>($"/api/v1/programs/{recruiting.Program.Id}/enrolments?role=Mentor", Json.Options))!;
        Assert.Equal("Rita Rated", Assert.Single(enrolments.Items).DisplayName);
        var mine = (await applicantClient.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{application.Id}", Json.Options))!;
        Assert.Equal((ApplicationStatus.Approved, "Welcome aboard"), (mine.Status, mine.DecisionMessage));
        Assert.Equal(HttpStatusCode.OK, (await applicantClient.GetAsync($"/api/v1/programs/{recruiting.Program.Id}")).StatusCode);

        var twice = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{application.Id}/decision", new { decision = "Decline" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task BulkDecisionsAreAllOrNothing()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, a) = await recruiting.ApplyAsync(factory, "Ada One");
        var (_, b) = await recruiting.ApplyAsync(factory, "Ben Two");
        var (_, c) = await recruiting.ApplyAsync(factory, "Cat Three");
        var bulk = $"{recruiting.Applications}/decisions";

        var waitlisted = await recruiting.Coordinator.PostAsJsonAsync(bulk, new { applicationIds = new[] { a.Id, b.Id }, decision = "Waitlist" });
        var declined = await recruiting.Coordinator.PostAsJsonAsync(bulk, new { applicationIds = new[] { c.Id }, decision = "Decline", message = "Not this year" });
        var mixed = await recruiting.Coordinator.PostAsJsonAsync(bulk, new { applicationIds = new[] { a.Id, c.Id }, decision = "Approve" });
        var unknown = await recruiting.Coordinator.PostAsJsonAsync(bulk, new { applicationIds = new[] { a.Id, Guid.NewGuid() }, decision = "Approve" });

        Assert.Equal(HttpStatusCode.OK, waitlisted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, mixed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var queue = (await recruiting.Coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"{recruiting.Applications}?sort=name", Json.Options))!;
        Assert.Equal(["Ada One:Waitlisted", "Ben Two:Waitlisted", "Cat Three:Declined"], queue.Items.Select(i => $"{i.ApplicantName}:{i.Status}"));

        var approved = await recruiting.Coordinator.PostAsJsonAsync(bulk, new { applicationIds = new[] { a.Id, b.Id }, decision = "Approve", mentorCapacity = 3 });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var results = (await approved.Content.ReadFromJsonAsync<List<DecisionResult>>(Json.Options))!;
        Assert.All(results, r => Assert.Equal(ApplicationStatus.Approved, r.Status));
        Assert.All(results, r => Assert.NotNull(r.EnrolmentId));
        var decisions = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ApplicationDecision>()
            .Where(d => d.ApplicationId == a.Id).OrderBy(d => d.DecidedAt).Select(d => d.Decision).ToListAsync());
        Assert.Equal([Decision.Waitlist, Decision.Approve], decisions);
    }

    [Fact]
    public async Task TheQueueFiltersAndSortsByStatusRoleRatingAnswersAndRecommendations()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var criterion = await recruiting.AddCriterionAsync("Communication");
        var low = RecruitingProgram.CompleteAnswers();
        low["confidence"] = 2;
        low["subject"] = "Science";
        var (_, first) = await recruiting.ApplyAsync(factory, "Fay First", low);
        var (_, second) = await recruiting.ApplyAsync(factory, "Sam Second");
        var (_, mentee) = await recruiting.ApplyAsync(factory, "Mo Mentee", role: "mentee");
        await recruiting.ApplyAsync(factory, "Dee Draft", submit: false);
        await recruiting.Coordinator.PutAsJsonAsync($"{recruiting.Applications}/{first.Id}/ratings", new { ratings = new[] { new { criterionId = criterion.Id, score = 2 } } });
        await recruiting.Coordinator.PutAsJsonAsync($"{recruiting.Applications}/{second.Id}/ratings", new { ratings = new[] { new { criterionId = criterion.Id, score = 5 } } });
        var secondUserId = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{second.Id}", Json.Options))!.UserId;
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Nomination(recruiting.Program.Id, "someone@else.example", secondUserId, ProgramRole.Mentor,
                "Sam explains fractions better than I do.", recruiting.School.Coordinator.Id, factory.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });

        async Task<List<string>> Names(string query) =>
            (await recruiting.Coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"{recruiting.Applications}?{query}", Json.Options))!
                .Items.Select(i => i.ApplicantName).ToList();

        Assert.Equal(["Fay First", "Sam Second", "Mo Mentee"], await Names(""));
        Assert.Equal(["Fay First", "Sam Second"], await Names("role=Mentor"));
        Assert.Equal(["Sam Second", "Fay First", "Mo Mentee"], await Names("sort=rating"));
        Assert.Equal(["Sam Second", "Fay First", "Mo Mentee"], await Names($"sort=criterion:{criterion.Id}"));
        Assert.Equal(["Sam Second", "Fay First", "Mo Mentee"], await Names("sort=-answer:confidence"));
        Assert.Equal(["Fay First", "Sam Second", "Mo Mentee"], await Names("sort=answer:confidence"));
        Assert.Equal(["Fay First"], await Names("answer=subject:science"));
        Assert.Equal(["Sam Second"], await Names("recommended=true"));
        Assert.Equal(["Mo Mentee"], await Names("status=Submitted&role=Mentee"));
        Assert.Equal(HttpStatusCode.BadRequest, (await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?sort=shoe-size")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?status=Draft")).StatusCode);

        var page = (await recruiting.Coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"{recruiting.Applications}?sort=answer:confidence&pageSize=2&page=2", Json.Options))!;
        Assert.Equal((3, "Mo Mentee"), (page.TotalCount, Assert.Single(page.Items).ApplicantName));
        var withRecommendation = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{second.Id}", Json.Options))!;
        var recommendation = Assert.Single(withRecommendation.Recommendations);
        Assert.Equal(("Cora Ordinator", "Sam explains fractions better than I do."), (recommendation.NominatedBy, recommendation.Statement));
        Assert.Equal(HttpStatusCode.NotFound, (await recruiting.Coordinator.GetAsync($"{recruiting.Applications}/{mentee.Id}x")).StatusCode);
    }
    [Fact]
    public async Task TwoCoordinatorsDecidingAtOnceLeaveOneConsistentDecision()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var second = await factory.SignedInClientAsync(recruiting.School.Coordinator);
        for (var i = 0; i < 3; i++)
        {
            var (_, application) = await recruiting.ApplyAsync(factory, $"Race {i}");
            var url = $"{recruiting.Applications}/{application.Id}/decision";

            var answers = await Task.WhenAll(
                recruiting.Coordinator.PostAsJsonAsync(url, new { decision = "Approve" }),
                second.PostAsJsonAsync(url, new { decision = "Decline" }));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var view = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{application.Id}", Json.Options))!;
            Assert.Single(view.Decisions);
            var enrolled = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
                .AnyAsync(e => e.ProgramId == recruiting.Program.Id && e.UserId == view.UserId));
            Assert.Equal(view.Status == ApplicationStatus.Approved, enrolled);
        }
    }
}
