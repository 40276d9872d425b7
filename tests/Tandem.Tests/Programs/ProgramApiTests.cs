using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Programs;

public sealed class ProgramApiTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AStaffEnrolmentRemovedBetweenReadingAndSavingIsNotFoundForARemovalOrARoleChange()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var coordinator = new Actor(school.Coordinator.Id, IsAdministrator: false);
        var url = $"/api/v1/programs/{program.Id}/enrolments";
        async Task<EnrolmentView> StaffAsync(string name)
        {
            var user = await factory.CreateUserAsync(name);
            await factory.AddMemberAsync(school.Organisation.Id, user, OrganisationRole.Member);
            var added = await client.PostAsJsonAsync(url, new { email = user.Email, role = "Staff" });
            added.EnsureSuccessStatusCode();
            return (await added.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!;
        }
        Task GoneAsync(TandemDb db, Guid enrolmentId) => db.Enrolments.Where(e => e.Id == enrolmentId).ExecuteDeleteAsync();

        // "Remove" pressed twice: the second request read the enrolment before the first removed it. It used to end in a 500.
        var twice = await StaffAsync("Sam Twice");
        var second = await DeletedMeanwhile.RunAsync<RemoveEnrolment, Tandem.Infrastructure.Problems.Outcome<EnrolmentView>>(factory, db => GoneAsync(db, twice.Id),
            r => r.RunAsync(coordinator, program.Id, twice.Id));
        Assert.IsType<Tandem.Infrastructure.Problems.NotFound>(second.Failure);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{url}/{twice.Id}")).StatusCode);

        // Made a coordinator by one coordinator while another removed them.
        var promoted = await StaffAsync("Pat Promoted");
        var changed = await DeletedMeanwhile.RunAsync<ChangeEnrolmentRole, Tandem.Infrastructure.Problems.Outcome<EnrolmentView>>(factory, db => GoneAsync(db, promoted.Id),
            r => r.RunAsync(coordinator, program.Id, promoted.Id, ProgramRole.Coordinator));
        Assert.IsType<Tandem.Infrastructure.Problems.NotFound>(changed.Failure);
        Assert.False(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments.AnyAsync(e => e.Id == promoted.Id)));
    }

    [Fact]
    public async Task TwoCoordinatorsTakingEachOtherOffAtOnceLeaveOneCoordinator()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var url = $"/api/v1/programs/{program.Id}/enrolments";
        var enrolments = (await client.GetFromJsonAsync<Paged<EnrolmentView>>(url, Json.Options))!.Items;
        var mine = enrolments.Single(e => e.UserId == school.Coordinator.Id);
        var other = await factory.CreateUserAsync("Cora Second");
        await factory.AddMemberAsync(school.Organisation.Id, other, OrganisationRole.Member);
        var added = await client.PostAsJsonAsync(url, new { email = other.Email, role = "Coordinator" });
        added.EnsureSuccessStatusCode();
        var theirs = (await added.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!;
        var me = new Actor(school.Coordinator.Id, IsAdministrator: false);
        Task ItTakesMeOffAsync(TandemDb db) => db.Enrolments.Where(e => e.Id == mine.Id).ExecuteDeleteAsync();
        Task ItMakesMeStaffAsync(TandemDb db) => db.Enrolments.Where(e => e.Id == mine.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.Role, ProgramRole.Staff));
        Task<int> CoordinatorsAsync() => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments.CountAsync(e => e.ProgramId == program.Id && e.Role == ProgramRole.Coordinator));

        // I take them off while they take me off: the second to be taken finds them the only coordinator left.
        var removed = await DeletedMeanwhile.RunAsync<RemoveEnrolment, Tandem.Infrastructure.Problems.Outcome<EnrolmentView>>(factory, ItTakesMeOffAsync,
            r => r.RunAsync(me, program.Id, theirs.Id));
        Assert.Equal(StaffEnrolments.OnlyCoordinator("Cora Second"), Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(removed.Failure).Detail);
        Assert.Equal(1, await CoordinatorsAsync());

        // I make them staff while they make me staff: likewise.
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Enrolment(program.Id, school.Coordinator.Id, ProgramRole.Coordinator, TestClock.Start.UtcDateTime));
            return await db.SaveChangesAsync();
        });
        mine = (await client.GetFromJsonAsync<Paged<EnrolmentView>>(url, Json.Options))!.Items.Single(e => e.UserId == school.Coordinator.Id && e.Role == ProgramRole.Coordinator);
        var demoted = await DeletedMeanwhile.RunAsync<ChangeEnrolmentRole, Tandem.Infrastructure.Problems.Outcome<EnrolmentView>>(factory, ItMakesMeStaffAsync,
            r => r.RunAsync(me, program.Id, theirs.Id, ProgramRole.Staff));
        Assert.Equal(StaffEnrolments.OnlyCoordinator("Cora Second"), Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(demoted.Failure).Detail);
        Assert.Equal(1, await CoordinatorsAsync());
    }

    [Fact]
    public async Task MadeCoordinatorByOneWhileEnrolledAsCoordinatorByAnotherIs409()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var url = $"/api/v1/programs/{program.Id}/enrolments";
        var person = await factory.CreateUserAsync("Sol Staff");
        await factory.AddMemberAsync(school.Organisation.Id, person, OrganisationRole.Member);
        var added = await client.PostAsJsonAsync(url, new { email = person.Email, role = "Staff" });
        added.EnsureSuccessStatusCode();
        var staff = (await added.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!;

        var changed = await DeletedMeanwhile.RunAsync<ChangeEnrolmentRole, Tandem.Infrastructure.Problems.Outcome<EnrolmentView>>(factory,
            async db =>
            {
                db.Add(new Enrolment(program.Id, person.Id, ProgramRole.Coordinator, TestClock.Start.UtcDateTime));
                await db.SaveChangesAsync();
            },
            r => r.RunAsync(new Actor(school.Coordinator.Id, IsAdministrator: false), program.Id, staff.Id, ProgramRole.Coordinator));

        Assert.Equal("Sol Staff is already a coordinator of this program.", Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(changed.Failure).Detail);
    }

    [Fact]
    public async Task TwoSavesOfAProgramsDesignAtOnceKeepTheLastOnesObjectives()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        static ProgramInput Design(params string[] objectives) => new()
        {
            Name = "Reading Buddies", Pairing = PairingModel.MentorMentee, MeetingFormats = [MeetingFormat.OneToOne], Cadence = Cadence.Weekly,
            Objectives = objectives.Select(o => new ObjectiveInput { Description = o, Target = "Most pairs" }).ToList(),
        };

        // Another coordinator's save replaces the objectives between this one reading them and writing its own.
        var saved = await DeletedMeanwhile.RunAsync<UpdateProgram, Tandem.Infrastructure.Problems.Outcome<ProgramDetails>>(factory,
            async db =>
            {
                var other = await db.Programs.Include(p => p.Objectives).SingleAsync(p => p.Id == program.Id);
                other.Describe(Design("Theirs").ToDesign(), TestClock.Start.UtcDateTime);
                await db.SaveChangesAsync();
            },
            u => u.RunAsync(new Actor(school.Coordinator.Id, IsAdministrator: false), program.Id, Design("Mine", "Mine too")));

        Assert.Null(saved.Failure);
        var read = (await client.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal(["Mine", "Mine too"], read.Objectives.Select(o => o.Description));
    }

    [Fact]
    public async Task OfTwoStatusChangesFromTheSameStatusAtOnceTheSecondIs409()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Matching)));
        var interceptor = new BeforeFirstUpdate(() => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Running))));

        // One coordinator starts it running while another closes it, both from Matching.
        var closing = await UseCaseOver.RunAsync<ChangeProgramStatus, Tandem.Infrastructure.Problems.Outcome<ProgramDetails>>(factory.Services, interceptor,
            c => c.RunAsync(new Actor(school.Coordinator.Id, IsAdministrator: false), program.Id, ProgramStatus.Closed));

        Assert.True(interceptor.Ran);
        Assert.Equal("The program's status changed while you were changing it; reload the program to see where it is now.", Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(closing.Failure).Detail);
        var stored = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Id)
            .Select(p => new { p.Status, p.ClosedAt, p.ReopensAs }).SingleAsync());
        Assert.Equal((ProgramStatus.Running, null, null), (stored.Status, stored.ClosedAt, stored.ReopensAs));
    }

    [Fact]
    public async Task CoordinatorCreatesAProgramAndReadsItBack()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);

        var response = await client.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(school.Organisation.Id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        Assert.Equal($"/api/v1/programs/{created.Id}", response.Headers.Location?.OriginalString);
        var read = (await client.GetFromJsonAsync<ProgramDetails>(response.Headers.Location, Json.Options))!;
        Assert.Equal("Reading Buddies", read.Name);
        Assert.Equal(ProgramStatus.Draft, read.Status);
        Assert.Equal(Cadence.Weekly, read.Cadence);
        Assert.Equal([MeetingFormat.OneToOne, MeetingFormat.InPerson], read.MeetingFormats);
        Assert.Equal(new DateOnly(2027, 1, 10), read.StartsOn);
        Assert.Equal("80% of pairs meet weekly", Assert.Single(read.Objectives).Target);
        Assert.Equal([ProgramRole.Coordinator], read.MyRoles);
        Assert.True(read.CanManage);
        Assert.Equal([ProgramStatus.Recruiting, ProgramStatus.Closed], read.AllowedTransitions);
    }

    [Fact]
    public async Task CoordinatorEditsAProgramAndTheChangesAreKept()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);

        var response = await client.PutAsJsonAsync($"/api/v1/programs/{program.Id}", new
        {
            name = "Reading Buddies 2027",
            pairing = "PeerToPeer",
            meetingFormats = new[] { "Group", "Online" },
            cadence = "Monthly",
            guidelines = "New code of conduct.",
            objectives = new[]
            {
                new { description = "Everyone reads", target = "90% read a book a month" },
                new { description = "Groups last", target = "75% of groups meet all term" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = (await client.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal("Reading Buddies 2027", read.Name);
        Assert.Equal(PairingModel.PeerToPeer, read.Pairing);
        Assert.Equal(Cadence.Monthly, read.Cadence);
        Assert.Equal([MeetingFormat.Group, MeetingFormat.Online], read.MeetingFormats);
        Assert.Equal(["Everyone reads", "Groups last"], read.Objectives.Select(o => o.Description));
        Assert.Null(read.StartsOn);
    }

    [Fact]
    public async Task ProgramListIsPagedNewestFirstWithoutGapsOrRepeats()
    {
        var school = await School.CreateAsync(factory);
        // The programs are made a minute apart, on a clock of this test's own.
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var app = factory.WithClock(clock);
        var client = await app.SignedInClientAsync(school.Coordinator);
        var names = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            names.Add((await school.CreateProgramAsync(client, $"Program {i}")).Name);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var result = (await client.GetFromJsonAsync<Paged<ProgramSummary>>($"/api/v1/programs?page={page}&pageSize=2", Json.Options))!;
            Assert.Equal(5, result.TotalCount);
            Assert.Equal(3, result.TotalPages);
            Assert.Equal(page < 3 ? 2 : 1, result.Items.Count);
            seen.AddRange(result.Items.Select(p => p.Name));
        }
        Assert.Equal(Enumerable.Reverse(names), seen);

        var filtered = (await client.GetFromJsonAsync<Paged<ProgramSummary>>("/api/v1/programs?search=program 3", Json.Options))!;
        Assert.Equal("Program 3", Assert.Single(filtered.Items).Name);
    }

    [Fact]
    public async Task PageSizeOutOfRangeIsA400Problem()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);

        var response = await client.GetAsync("/api/v1/programs?pageSize=1000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Contains("pageSize", problem!.Errors.Keys);
    }

    [Fact]
    public async Task InvalidProgramGives400ProblemNamingEachFieldAndWritesNothing()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);

        var response = await client.PostAsJsonAsync("/api/v1/programs", new
        {
            organisationId = school.Organisation.Id,
            name = "",
            pairing = "MentorMentee",
            meetingFormats = Array.Empty<string>(),
            cadence = "Weekly",
            startsOn = "2027-06-01",
            endsOn = "2027-01-01",
            objectives = new[] { new { description = "No target", target = "" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains(problem.Errors.Keys, k => k.EndsWith("Name", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problem.Errors.Keys, k => k.EndsWith("MeetingFormats", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problem.Errors.Keys, k => k.Contains("Target", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await CountProgramsAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task EndDateBeforeStartDateIsRefused()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);

        var response = await client.PostAsJsonAsync("/api/v1/programs", new
        {
            organisationId = school.Organisation.Id,
            name = "Backwards",
            pairing = "MentorMentee",
            meetingFormats = new[] { "Online" },
            cadence = "Weekly",
            startsOn = "2027-06-01",
            endsOn = "2027-01-01",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains(problem.Errors, e => e.Key.EndsWith("EndsOn", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await CountProgramsAsync(school.Organisation.Id));
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"name\": \"Valid name\", \"cadence\": \"Hourly\", \"pairing\": \"MentorMentee\", \"meetingFormats\": [\"Online\"]}")]
    [InlineData("[1, 2, 3]")]
    public async Task MalformedJsonIsA400ProblemNotAServerError(string body)
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);

        var response = await client.PostAsync("/api/v1/programs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountProgramsAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task AnonymousCallerGets401Problem()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var anonymous = factory.AnonymousClient();

        foreach (var response in new[]
        {
            await anonymous.GetAsync("/api/v1/programs"),
            await anonymous.GetAsync($"/api/v1/programs/{program.Id}"),
            await anonymous.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(school.Organisation.Id)),
        })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(1, await CountProgramsAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task AnonymousVisitorToAProgramPageIsSentToSignIn()
    {
        var response = await factory.AnonymousClient().GetAsync("/programs");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in?ReturnUrl=%2Fprograms", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task MenteeCanReadTheirProgramButCannotEditIt()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var enrol = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/enrolments", new { school.Mentee.Email, role = "Mentee" });
        Assert.Equal(HttpStatusCode.OK, enrol.StatusCode);
        var mentee = await factory.SignedInClientAsync(school.Mentee);

        var read = (await mentee.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        var edit = await mentee.PutAsJsonAsync($"/api/v1/programs/{program.Id}", School.ValidProgram(school.Organisation.Id, "Hijacked"));
        var status = await mentee.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Closed" });
        var roster = await mentee.GetAsync($"/api/v1/programs/{program.Id}/enrolments");

        Assert.False(read.CanManage);
        Assert.Equal([ProgramRole.Mentee], read.MyRoles);
        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, roster.StatusCode);
        var after = (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal("Reading Buddies", after.Name);
        Assert.Equal(ProgramStatus.Draft, after.Status);
    }

    [Fact]
    public async Task CoordinatorOfAnotherOrganisationCannotSeeTheProgram()
    {
        var school = await School.CreateAsync(factory);
        var other = await School.CreateAsync(factory);
        var program = await school.CreateProgramAsync(await factory.SignedInClientAsync(school.Coordinator));
        var stranger = await factory.SignedInClientAsync(other.Coordinator);

        var get = await stranger.GetAsync($"/api/v1/programs/{program.Id}");
        var put = await stranger.PutAsJsonAsync($"/api/v1/programs/{program.Id}", School.ValidProgram(school.Organisation.Id, "Taken"));
        var status = await stranger.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Recruiting" });
        var list = (await stranger.GetFromJsonAsync<Paged<ProgramSummary>>("/api/v1/programs", Json.Options))!;
        var create = await stranger.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(school.Organisation.Id, "Planted"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.DoesNotContain(list.Items, p => p.Id == program.Id);
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(1, await CountProgramsAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task MemberWhoIsNotACoordinatorCannotCreateAProgram()
    {
        var school = await School.CreateAsync(factory);
        var mentee = await factory.SignedInClientAsync(school.Mentee);

        var response = await mentee.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(school.Organisation.Id));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await CountProgramsAsync(school.Organisation.Id));
    }

    [Fact]
    public async Task StatusMovesOnlyAlongValidTransitions()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var url = $"/api/v1/programs/{program.Id}/status";

        var skip = await client.PostAsJsonAsync(url, new { status = "Running" });
        Assert.Equal(HttpStatusCode.Conflict, skip.StatusCode);
        var problem = (await skip.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Contains("Recruiting", problem.Detail);

        await client.OpenRecruitmentAsync(program.Id);
        foreach (var next in new[] { "Matching", "Running", "Closed" })
        {
            var moved = await client.PostAsJsonAsync(url, new { status = next });
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal(next, (await moved.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!.Status.ToString());
        }

        // A closed program reopens only as it was (running here), within the grace period (ProgramLifecycleTests).
        var reopen = await client.PostAsJsonAsync(url, new { status = "Recruiting" });
        var edit = await client.PutAsJsonAsync($"/api/v1/programs/{program.Id}", School.ValidProgram(school.Organisation.Id, "After close"));
        var missing = await client.PostAsJsonAsync(url, new { });
        Assert.Equal(HttpStatusCode.Conflict, reopen.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var final = (await client.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal(ProgramStatus.Closed, final.Status);
        Assert.Equal("Reading Buddies", final.Name);
    }

    [Fact]
    public async Task EnrolmentRolesFollowTheProgramsPairingModelAndAreNotDuplicated()
    {
        var school = await School.CreateAsync(factory);
        var client = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(client);
        var url = $"/api/v1/programs/{program.Id}/enrolments";
        var member = await factory.CreateUserAsync("Mel Ember");
        await factory.AddMemberAsync(school.Organisation.Id, member, OrganisationRole.Member);

        var peer = await client.PostAsJsonAsync(url, new { member.Email, role = "Peer" });
        var first = await client.PostAsJsonAsync(url, new { member.Email, role = "Mentor" });
        var again = await client.PostAsJsonAsync(url, new { member.Email, role = "Mentor" });
        var unknown = await client.PostAsJsonAsync(url, new { email = "nobody@test.example", role = "Mentee" });
        var roster = (await client.GetFromJsonAsync<Paged<EnrolmentView>>(url + "?role=Mentor", Json.Options))!;

        Assert.Equal(HttpStatusCode.BadRequest, peer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode); // invited by e-mail, not enrolled
        Assert.Equal(member.Id, Assert.Single(roster.Items).UserId);
        // The whole roster's total (the kept participant count plus staff, ADR 46) is what the page lists.
        var everyone = (await client.GetFromJsonAsync<Paged<EnrolmentView>>(url, Json.Options))!;
        Assert.Contains(everyone.Items, e => e.Role == ProgramRole.Coordinator);
        Assert.Equal(everyone.Items.Count, everyone.TotalCount);
        Assert.Equal(2, everyone.TotalCount);
        var enrolled = await factory.SignedInClientAsync(member);
        var seen = (await enrolled.GetFromJsonAsync<Paged<ProgramSummary>>("/api/v1/programs", Json.Options))!;
        Assert.Equal(program.Id, Assert.Single(seen.Items).Id);
    }

    private Task<int> CountProgramsAsync(Guid organisationId) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.CountAsync(p => p.OrganisationId == organisationId));
}
