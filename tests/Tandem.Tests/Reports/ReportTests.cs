using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Concerns;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Features.Reports;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Tandem.Tests.Reports;

/// <summary>
/// Objectives that measure themselves, the program and organisation dashboards and the PDF program report
/// (issue 11, items 4–6). Two weekly pairs started four weeks ago: one held every meeting, the other half of them.
/// </summary>
public sealed class ReportTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static readonly object[] MeasuredObjectives =
    [
        new { description = "Pairs meet every week", target = "80% of pairs meet weekly", measure = "MeetingRate", threshold = 80 },
        new { description = "Pairs stay together", target = "Retention of 95%", measure = "Retention", threshold = 95 },
        new { description = "Meetings go well", target = "Average rating of 3.5 or more", measure = "SessionRating", threshold = 3.5 },
        new { description = "Reading for pleasure", target = "Checked at the end of the year" },
    ];

    /// <summary>
    /// Pair A (started 28 days ago) held 4 meetings rated 4, 5, 4, 5; pair B held 2 rated 2 and 3. Weekly, so 4 are
    /// expected of each: 1 of 2 pairs meets the cadence (50%), none ended (100%), mean rating 23/6.
    /// </summary>
    private async Task<(Pair Pair, Guid SecondPair)> ProgramWithHistoryAsync()
    {
        var pair = await fixture.PairAsync();
        var second = await pair.SecondPairAsync();
        var started = DateOnly.FromDateTime(Now.AddDays(-28));
        var update = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(MeasuredObjectives));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Set<Relationship>().Where(r => r.Id == pair.RelationshipId || r.Id == second)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.StartsOn, started));
            var secondMentee = pair.OtherMentee.Id;
            foreach (var (days, rating) in new[] { (27, 4), (20, 5), (13, 4), (6, 5) })
            {
                db.Add(new CheckIn(pair.RelationshipId, null, pair.Mentee.Id, true, new CheckInLog("Reading", null, null, null, rating), Now.AddDays(-days), Now));
            }
            foreach (var (days, rating) in new[] { (27, 2), (20, 3) })
            {
                db.Add(new CheckIn(second, null, secondMentee, true, new CheckInLog("Reading", null, null, null, rating), Now.AddDays(-days), Now));
            }
            // A meeting that did not happen is no meeting held.
            db.Add(new CheckIn(second, null, secondMentee, false, new CheckInLog(null, null, null, null, null), Now.AddDays(-13), Now));
            return await db.SaveChangesAsync();
        });
        return (pair, second);
    }

    private static object Design(object[] objectives) => new
    {
        name = "Reading Buddies",
        description = "Year 10 students help Year 7 students read for pleasure.",
        pairing = "MentorMentee",
        meetingFormats = new[] { "OneToOne", "InPerson" },
        cadence = "Weekly",
        startsOn = "2027-01-04",
        endsOn = "2027-12-30",
        objectives,
    };

    [Fact]
    public async Task EachMeasuredObjectiveShowsItsValueAgainstItsTargetAndItsTrend()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        var response = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/objectives/progress");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var progress = (await response.Content.ReadFromJsonAsync<ProgramObjectives>(Json.Options))!.Objectives;

        Assert.Equal(4, progress.Count);
        var (rate, retention, rating, byHand) = (progress[0], progress[1], progress[2], progress[3]);
        Assert.Equal((ObjectiveMeasure.MeetingRate, 50.0, "50%", false), (rate.Measure!.Value, rate.Value!.Value, rate.ValueText, rate.Met!.Value));
        Assert.Equal("at least 80%", rate.ThresholdText);
        Assert.Contains("1 of 2 running relationships", rate.Explanation);
        Assert.Equal((100.0, true), (retention.Value!.Value, retention.Met!.Value));
        Assert.Equal(23.0 / 6, rating.Value!.Value, 9);
        Assert.True(rating.Met);
        Assert.Equal("3.83 of 5", rating.ValueText);
        Assert.Null(byHand.Measure);
        Assert.Null(byHand.Met);

        // The trend: the end of January (the pairs started on 4 January), then now. At the end of January three
        // meetings were expected of each pair; pair A had held 4, pair B 2.
        Assert.Equal([new DateOnly(2027, 1, 31), DateOnly.FromDateTime(Now)], rate.Trend.Select(t => t.AsOf));
        Assert.Equal([50.0, 50.0], rate.Trend.Select(t => t.Value!.Value));
        Assert.Equal([100.0, 100.0], retention.Trend.Select(t => t.Value!.Value));
    }

    [Fact]
    public async Task EndingAPairEarlyLowersRetentionAndTheTrendKeepsTheMonthBefore()
    {
        var (pair, second) = await ProgramWithHistoryAsync();
        var ended = await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{second}/status", new { status = "EndedEarly", reason = "Moved school" });
        Assert.True(ended.IsSuccessStatusCode, await ended.Content.ReadAsStringAsync());

        var progress = (await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives;
        var (rate, retention) = (progress[0], progress[1]);
        Assert.Equal([100.0, 50.0], retention.Trend.Select(t => t.Value!.Value));  // end of January: both running; now: one ended early
        Assert.Equal(50.0, retention.Value);
        Assert.False(retention.Met);
        Assert.Equal(100.0, rate.Value); // the pair that ended no longer counts as running
    }

    [Fact]
    public async Task TheCoordinatorsProgramPageShowsTheMeasureWithAChartAndItsFiguresAndParticipantsSeeOnlyTheTargets()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var html = await coordinator.Http.GetStringAsync($"/programs/{pair.ProgramId}");
        Assert.Contains("Objectives measured", html);
        Assert.Contains("<strong>50%</strong>", html);
        Assert.Contains("against a target of at least 80%", html);
        Assert.Contains("Below target.", html);
        Assert.Contains("src=\"data:image/svg", html);
        Assert.Contains("<th scope=\"row\">31 Jan 2027</th>", html); // the chart's figures, in a table

        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        var asMentee = await mentee.Http.GetStringAsync($"/programs/{pair.ProgramId}");
        Assert.Contains("Pairs meet every week", asMentee);
        Assert.DoesNotContain("Objectives measured", asMentee);
        Assert.DoesNotContain("50%", asMentee);
        Assert.DoesNotContain("data:image/svg", asMentee);
    }

    [Theory]
    [InlineData("{\"description\":\"Pairs stay\",\"target\":\"95%\",\"measure\":\"Retention\"}", "needs a threshold")]
    [InlineData("{\"description\":\"Pairs stay\",\"target\":\"95%\",\"measure\":\"Retention\",\"threshold\":120}", "between 0 and 100")]
    [InlineData("{\"description\":\"Ratings\",\"target\":\"4 of 5\",\"measure\":\"SessionRating\",\"threshold\":7}", "between 1 and 5")]
    [InlineData("{\"description\":\"Confidence\",\"target\":\"4 of 5\",\"measure\":\"SurveyItem\",\"threshold\":4}", "needs the survey and the question")]
    [InlineData("{\"description\":\"Grades\",\"target\":\"+1\",\"measure\":\"OutcomeChange\",\"threshold\":1}", "outcome measure's name")]
    [InlineData("{\"description\":\"Grades\",\"target\":\"+1\",\"threshold\":1}", "choose what Tandem measures")]
    public async Task AMeasureWithoutItsThresholdOrSourceIsRefusedAndNothingChanges(string objective, string message)
    {
        var pair = await fixture.PairAsync();
        var body = JsonSerializer.Serialize(Design([JsonDocument.Parse(objective).RootElement]));
        var response = await pair.Coordinator.PutAsync($"/api/v1/programs/{pair.ProgramId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
        var program = await pair.Coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{pair.ProgramId}", Json.Options);
        Assert.Equal("Pairs read together", Assert.Single(program!.Objectives).Description);
    }

    [Fact]
    public async Task TheProgramEditorSavesAMeasureAndItsThreshold()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var response = await page.SubmitAsync($"/programs/{pair.ProgramId}/edit", "program",
        [
            new("Form.Name", "Reading Buddies"), new("Form.Pairing", "MentorMentee"), new("Form.OneToOne", "true"), new("Form.Cadence", "Weekly"),
            new("Form.Objectives[0].Description", "Pairs stay together"), new("Form.Objectives[0].Target", "95% retention"),
            new("Form.Objectives[0].Measure", "Retention"), new("Form.Objectives[0].Threshold", "95"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var program = await pair.Coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{pair.ProgramId}", Json.Options);
        var objective = Assert.Single(program!.Objectives);
        Assert.Equal((ObjectiveMeasure.Retention, 95.0, false), (objective.Measure!.Value, objective.Threshold!.Value, objective.AtMost));

        var refused = await page.SubmitAsync($"/programs/{pair.ProgramId}/edit", "program",
        [
            new("Form.Name", "Reading Buddies"), new("Form.Pairing", "MentorMentee"), new("Form.OneToOne", "true"), new("Form.Cadence", "Weekly"),
            new("Form.Objectives[0].Description", "Pairs stay together"), new("Form.Objectives[0].Target", "95% retention"),
            new("Form.Objectives[0].Measure", "Retention"),
        ]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Objective 1: a measured objective needs a threshold", await refused.Content.ReadAsStringAsync());

        // An outcome measure's name longer than its column (a 500 on PostgreSQL): a message, and the saved objective stays.
        var tooLong = await page.SubmitAsync($"/programs/{pair.ProgramId}/edit", "program",
        [
            new("Form.Name", "Reading Buddies"), new("Form.Pairing", "MentorMentee"), new("Form.OneToOne", "true"), new("Form.Cadence", "Weekly"),
            new("Form.Objectives[0].Description", "Maths improves"), new("Form.Objectives[0].Target", "Up one grade"),
            new("Form.Objectives[0].Measure", "OutcomeChange"), new("Form.Objectives[0].Threshold", "1"),
            new("Form.Objectives[0].OutcomeMeasure", new string('m', 101)),
        ]);
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);
        Assert.Contains("Objective 1: an outcome measure&#x27;s name has at most 100 characters.", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(ObjectiveMeasure.Retention, Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{pair.ProgramId}", Json.Options))!.Objectives).Measure);
    }

    [Fact]
    public async Task TheProgramDashboardCountsMatchingMeetingsRatingsAndConcernsButNotSafeguarding()
    {
        var (pair, second) = await ProgramWithHistoryAsync();
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Concern(pair.ProgramId, pair.School.Organisation.Id, pair.Mentee.Id, null, pair.RelationshipId, ConcernCategory.NoShow, "Missed twice", Now.AddDays(-5), Now.AddDays(-3)));
            db.Add(new Concern(pair.ProgramId, pair.School.Organisation.Id, pair.Mentee.Id, null, pair.RelationshipId, ConcernCategory.Safeguarding, "Private", Now.AddDays(-1), Now.AddDays(1)));
            return await db.SaveChangesAsync();
        });
        var d = (await pair.Coordinator.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;

        Assert.Equal([new RoleRow(ProgramRole.Mentor, 2, 2, 0), new RoleRow(ProgramRole.Mentee, 2, 2, 0)], d.Matching);
        Assert.Equal([0, 1, 1, 2, 2], d.RatingCounts);
        Assert.Equal(23.0 / 6, d.MeanRating!.Value, 9);
        Assert.Equal(6, d.Meetings.Sum(m => m.Held));           // six meetings held, all in January
        Assert.Equal(6, d.Meetings[0].Held);
        Assert.Equal(8, d.Meetings[0].Expected);               // two pairs, 28 days each, weekly
        Assert.Equal([new ConcernRow(ConcernState.Received, 1)], d.OpenConcerns);
        Assert.Equal(1, d.ConcernsOverdue);
        var now = d.Health[^1];
        Assert.Equal(2, now.OnTrack + now.Drifting + now.AtRisk);
        Assert.Equal(1, now.Drifting); // pair B: last met 20 days ago, past 10.5 days of a weekly cadence, not yet 21
        Assert.Equal(4, d.Objectives.Count);

        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var html = await page.Http.GetStringAsync($"/programs/{pair.ProgramId}/dashboard");
        Assert.Contains("Meetings held against the cadence", html);
        Assert.Contains("Relationship health over time", html);
        Assert.Contains("1 received, not yet acknowledged", html);
        Assert.DoesNotContain("Private", html);
        Assert.True(html.Split("src=\"data:image/svg").Length >= 6);
    }

    [Fact]
    public async Task AConcernAboutTheCoordinatorIsNotCountedOnTheirDashboardsAsItIsNotListedToThem()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        var coordinatorId = pair.School.Coordinator.Id;
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Concern(pair.ProgramId, pair.School.Organisation.Id, pair.Mentee.Id, coordinatorId, null, ConcernCategory.Conflict, "About the coordinator", Now.AddDays(-5), Now.AddDays(-3)));
            return await db.SaveChangesAsync();
        });

        var listed = await pair.Coordinator.GetStringAsync($"/api/v1/programs/{pair.ProgramId}/concerns");
        Assert.DoesNotContain("About the coordinator", listed);
        var program = (await pair.Coordinator.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Empty(program.OpenConcerns);
        Assert.Equal(0, program.ConcernsOverdue);
        var organisation = (await pair.Coordinator.GetFromJsonAsync<OrganisationDashboard>($"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard", Json.Options))!;
        Assert.Equal(0, Assert.Single(organisation.Programs).OpenConcerns);
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        Assert.DoesNotContain("received, not yet acknowledged", await page.Http.GetStringAsync($"/programs/{pair.ProgramId}/dashboard"));

        // Another coordinator of the program counts it: they handle it.
        var second = await fixture.Tandem.CreateUserAsync("Cass Second");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, second, OrganisationRole.Member);
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, second, "Coordinator");
        var theirs = (await (await fixture.SignInAsync(second)).GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Equal([new ConcernRow(ConcernState.Received, 1)], theirs.OpenConcerns);
    }

    [Fact]
    public async Task AConcernAboutThePairNamingNobodyIsNotCountedOnTheDashboardsOrReportOfTheMentorWhoIsAlsoACoordinator()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        // The mentor is also one of the organisation's coordinators (ADR 98's case): the concern is about them all the same.
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, pair.Mentor, OrganisationRole.Coordinator);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Concern(pair.ProgramId, pair.School.Organisation.Id, pair.Mentee.Id, null, pair.RelationshipId, ConcernCategory.Conflict, "About our pair", Now.AddDays(-5), Now.AddDays(-3)));
            return await db.SaveChangesAsync();
        });
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var program = (await mentor.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Empty(program.OpenConcerns);
        Assert.Equal(0, program.ConcernsOverdue);
        var organisation = (await mentor.GetFromJsonAsync<OrganisationDashboard>($"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard", Json.Options))!;
        Assert.Equal(0, Assert.Single(organisation.Programs).OpenConcerns);
        using (var pdf = PdfDocument.Open(await mentor.GetByteArrayAsync($"/api/v1/programs/{pair.ProgramId}/report.pdf")))
        {
            Assert.Contains("No open concerns", string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)));
        }
        var page = await fixture.SignInPagesAsync(pair.Mentor);
        Assert.DoesNotContain("received, not yet acknowledged", await page.Http.GetStringAsync($"/programs/{pair.ProgramId}/dashboard"));

        // The program's coordinator handles it and counts it.
        var theirs = (await pair.Coordinator.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Equal([new ConcernRow(ConcernState.Received, 1)], theirs.OpenConcerns);
        var theirOrganisation = (await pair.Coordinator.GetFromJsonAsync<OrganisationDashboard>($"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard", Json.Options))!;
        Assert.Equal(1, Assert.Single(theirOrganisation.Programs).OpenConcerns);
    }

    [Fact]
    public async Task AProgramDatedInTheYear9999StillHasItsDashboardsReportAndPages()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.StartsOn, DateOnly.MaxValue).SetProperty(p => p.EndsOn, DateOnly.MaxValue)));

        foreach (var path in new[] { "dashboard", "objectives/progress", "report.pdf" })
        {
            Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/programs/{program.Id}/{path}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"/api/v1/organisations/{school.Organisation.Id}/dashboard")).StatusCode);
        var page = await fixture.SignInPagesAsync(school.Coordinator);
        foreach (var path in new[] { $"/programs/{program.Id}", $"/programs/{program.Id}/dashboard", $"/organisations/{school.Organisation.Id}/dashboard" })
        {
            Assert.Equal(HttpStatusCode.OK, (await page.Http.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task OnlyTheProgramsCoordinatorsSeeItsDashboardObjectivesAndReport()
    {
        var pair = await fixture.PairAsync();
        var other = await School.CreateAsync(fixture.Tandem);
        var otherCoordinator = await fixture.SignInAsync(other.Coordinator);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        foreach (var path in new[] { "dashboard", "objectives/progress", "report.pdf" })
        {
            var url = $"/api/v1/programs/{pair.ProgramId}/{path}";
            Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await otherCoordinator.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.App.CreateClient().GetAsync(url)).StatusCode);
        }
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await page.Http.GetAsync($"/programs/{pair.ProgramId}/dashboard")).StatusCode);
    }

    [Fact]
    public async Task TheOrganisationDashboardListsEachProgramsFiguresForItsCoordinatorsOnly()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        var url = $"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard";
        var d = (await pair.Coordinator.GetFromJsonAsync<OrganisationDashboard>(url, Json.Options))!;
        var row = Assert.Single(d.Programs);
        Assert.Equal((pair.ProgramId, 4, 2, 0, 50.0, 100.0, 2, 3), (row.ProgramId, row.Participants, row.RunningRelationships, row.Waiting, row.MeetingRate!.Value, row.Retention!.Value, row.ObjectivesMet, row.ObjectivesMeasured));

        var member = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(url)).StatusCode);
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(url)).StatusCode);

        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var html = await page.Http.GetStringAsync($"/organisations/{pair.School.Organisation.Id}/dashboard");
        Assert.Contains("Reading Buddies", html);
        Assert.Contains("2 of 3", html);
    }

    [Fact]
    public async Task TheProgramReportIsAPdfWithTheObjectivesTheirValuesAndTheCharts()
    {
        var (pair, _) = await ProgramWithHistoryAsync();
        var response = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/report.pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("reading-buddies-report.pdf", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
        Assert.Contains("Reading Buddies: program report", text);
        Assert.Contains("Pairs meet every week", text);
        Assert.Contains("Pairs meeting at the cadence: 50% against at least 80%. Below target.", string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)));
        Assert.Contains("Meetings held against the cadence", text);
        Assert.DoesNotContain(pair.Mentee.Email, text);
        Assert.True(pdf.NumberOfPages >= 2);
    }

    [Fact]
    public async Task AnOutcomeObjectiveReadsTheProgramGroupsMeanChangeAndTheReportCarriesTheAnalysis()
    {
        var pair = await fixture.PairAsync();
        var update = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(
        [
            new { description = "Maths improves", target = "Grades up by 1 on average", measure = "OutcomeChange", threshold = 1, outcomeMeasure = "maths" },
            new { description = "Fewer incidents", target = "At most 0 change", measure = "OutcomeChange", threshold = 0, atMost = true, outcomeMeasure = "incidents" },
        ]));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var before = (await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives;
        Assert.Null(before[0].Value);
        Assert.Contains("No outcome data imported yet", before[0].Explanation);

        // Program group changes 1, 2, 3, 1, 3 (mean 2); comparison 0, 1, 0, 0, 1 (mean 0.4). Nobody has an incidents measure.
        const string Csv = "person,group,measure,pre,post\nS1,program,Maths,4,5\nS2,program,Maths,4,6\nS3,program,Maths,3,6\nS4,program,Maths,4,5\nS5,program,Maths,3,6\n"
            + "C1,comparison,Maths,4,4\nC2,comparison,Maths,5,6\nC3,comparison,Maths,5,5\nC4,comparison,Maths,4,4\nC5,comparison,Maths,5,6\n";
        var imported = await pair.Coordinator.PostAsync($"/api/v1/programs/{pair.ProgramId}/outcomes", new StringContent(Csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());

        var after = (await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives;
        Assert.Equal((2.0, "+2", true), (after[0].Value!.Value, after[0].ValueText, after[0].Met!.Value));
        Assert.Contains("5 people in the program group", after[0].Explanation);
        Assert.Empty(after[0].Trend); // measured once, before and after: no month-by-month trend
        Assert.Null(after[1].Value);
        Assert.Contains("no measure called 'incidents'", after[1].Explanation);

        var response = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/report.pdf");
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Outcomes against a comparison group", text);
        Assert.Contains("Program group: 5 people, mean change 2", text);
        Assert.Contains("Difference of mean changes 1.6", text);
    }

    [Fact]
    public async Task AnOutcomeGroupUnderFiveGivesNoObjectiveValueAndOnlyItsSizeInTheReport()
    {
        var pair = await fixture.PairAsync();
        var update = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(
        [
            new { description = "Maths improves", target = "Grades up by 1 on average", measure = "OutcomeChange", threshold = 1, outcomeMeasure = "maths" },
        ]));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        // Program group changes 1, 2, 3 (mean 2); comparison 0, 1, 0: three people each.
        const string Csv = "person,group,measure,pre,post\nS1,program,Maths,4,5\nS2,program,Maths,4,6\nS3,program,Maths,3,6\nC1,comparison,Maths,4,4\nC2,comparison,Maths,5,6\nC3,comparison,Maths,5,5\n";
        var imported = await pair.Coordinator.PostAsync($"/api/v1/programs/{pair.ProgramId}/outcomes", new StringContent(Csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());

        var objective = Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives);
        Assert.Equal((null, null, null), (objective.Value, objective.ValueText, objective.Met));
        Assert.Contains("Only 3 people in the program group have both a before and an after value of 'Maths'", objective.Explanation);

        var response = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/report.pdf");
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Program group: 3 people (fewer than 5: no mean or SD shown). Comparison group: 3 people (fewer than 5: no mean or SD shown).", text);
        Assert.Contains("Fewer than 5 people with both values in the program group (3 people) and the comparison group (3 people)", text);
        Assert.DoesNotContain("mean change 2", text);
        Assert.DoesNotContain("1.667", text);
    }

    [Fact]
    public async Task FewerThanFiveRatingsShowNoHistogramNorMeanAnywhereAndTheDashboardSaysWhy()
    {
        var pair = await fixture.PairAsync();
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(MeasuredObjectives))).StatusCode);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new CheckIn(pair.RelationshipId, null, pair.Mentee.Id, true, new CheckInLog("Reading", null, null, null, 1), Now.AddDays(-3), Now));
            return await db.SaveChangesAsync();
        });
        const string Why = "Shown once at least 5 check-ins are rated (1 so far), so that no one's rating can be read off.";

        var d = (await pair.Coordinator.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Empty(d.RatingCounts);
        Assert.Null(d.MeanRating);
        Assert.Equal(Why, (await pair.Coordinator.GetFromJsonAsync<JsonElement>($"/api/v1/programs/{pair.ProgramId}/dashboard")).GetProperty("ratingsNote").GetString());
        Assert.All(d.Trend, t => Assert.Null(t.SessionRating));
        var rating = (await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives[2];
        Assert.Equal((null, null), (rating.Value, rating.Met));
        Assert.Equal(Why, rating.Explanation);
        var organisation = (await pair.Coordinator.GetFromJsonAsync<OrganisationDashboard>($"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard", Json.Options))!;
        Assert.Null(Assert.Single(organisation.Programs).SessionRating);

        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var html = System.Net.WebUtility.HtmlDecode(await page.Http.GetStringAsync($"/programs/{pair.ProgramId}/dashboard"));
        Assert.Contains($"<dt>Average session rating</dt><dd>{Why}</dd>", html);
        Assert.Contains($"<figcaption>Session ratings</figcaption><p class=\"muted\">{Why}</p>", html.Replace("\n", "").Replace("    ", ""));
    }

    [Fact]
    public async Task AMonthThatAddsFewerThanFiveRatingsHasNoRatingPointSoTheNewRatingsCannotBeWorkedOut()
    {
        var (pair, _) = await ProgramWithHistoryAsync(); // six ratings in January
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            foreach (var hours in new[] { 3, 2 })
            {
                db.Add(new CheckIn(pair.RelationshipId, null, pair.Mentee.Id, true, new CheckInLog("Reading", null, null, null, 1), Now.AddHours(-hours), Now));
            }
            return await db.SaveChangesAsync();
        });

        var rating = (await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives[2];
        Assert.Equal(23.0 / 6, rating.Trend[0].Value!.Value, 9); // the end of January: six ratings
        Assert.Equal((null, "not shown: fewer than 5 new ratings"), (rating.Trend[1].Value, rating.Trend[1].ValueText)); // now: two more
        Assert.Null(rating.Value);
        Assert.StartsWith("Held back: 2 check-ins rated since 31 January 2027", rating.Explanation);
        var d = (await pair.Coordinator.GetFromJsonAsync<ProgramDashboard>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!;
        Assert.Equal(23.0 / 6, d.Trend[0].SessionRating!.Value, 9);
        Assert.Null(d.Trend[^1].SessionRating);
        Assert.Null(d.MeanRating);
        Assert.Empty(d.RatingCounts);
        var organisation = (await pair.Coordinator.GetFromJsonAsync<OrganisationDashboard>($"/api/v1/organisations/{pair.School.Organisation.Id}/dashboard", Json.Options))!;
        Assert.Null(Assert.Single(organisation.Programs).SessionRating);
    }

    [Fact]
    public async Task TheOrganisationDashboardPagesItsProgramsFiftyAtATimeWithTheirTotal()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var ids = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var programs = Enumerable.Range(0, 53).Select(i => new MentorshipProgram(school.Organisation.Id, Now.AddMinutes(-i))).ToList();
            db.AddRange(programs);
            await db.SaveChangesAsync();
            return programs.Select(p => p.Id).ToList();
        });
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var url = $"/api/v1/organisations/{school.Organisation.Id}/dashboard";

        var first = await coordinator.GetFromJsonAsync<JsonElement>(url);
        var second = await coordinator.GetFromJsonAsync<JsonElement>(url + "?page=2");

        static (int, int, int, int) Paging(JsonElement d) => (d.GetProperty("programs").GetArrayLength(), d.TryGetProperty("page", out var page) ? page.GetInt32() : 0,
            d.TryGetProperty("pageSize", out var size) ? size.GetInt32() : 0, d.TryGetProperty("totalPrograms", out var total) ? total.GetInt32() : 0);
        Assert.Equal((50, 1, 50, 53), Paging(first));
        Assert.Equal((3, 2, 50, 53), Paging(second));
        Assert.Equal(ids, first.GetProperty("programs").EnumerateArray().Concat(second.GetProperty("programs").EnumerateArray())
            .Select(p => p.GetProperty("programId").GetGuid())); // newest first, each once
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.GetAsync(url + "?page=0")).StatusCode);

        var page = await fixture.SignInPagesAsync(school.Coordinator);
        var html = System.Net.WebUtility.HtmlDecode(await page.Http.GetStringAsync($"/organisations/{school.Organisation.Id}/dashboard"));
        Assert.Contains("Programs 1–50 of 53", html);
        Assert.Contains($"/organisations/{school.Organisation.Id}/dashboard?page=2", html);
        var html2 = System.Net.WebUtility.HtmlDecode(await page.Http.GetStringAsync($"/organisations/{school.Organisation.Id}/dashboard?page=2"));
        Assert.Contains("Programs 51–53 of 53", html2);
        Assert.Contains(ids[^1].ToString(), html2);
    }
}
