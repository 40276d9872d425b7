using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Applications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>A school that includes minors, recruiting, with a 14-year-old and a 30-year-old who applied as mentees.</summary>
public sealed record MinorsSchool(RecruitingProgram Recruiting, Guid OrganisationId, UserSummary Minor, Guid MinorApplication, HttpClient MinorClient,
    UserSummary Adult, Guid AdultApplication)
{
    public static async Task<MinorsSchool> CreateAsync(TandemFactory factory)
    {
        var school = await SchoolAsync(factory);
        var organisation = school.Organisation;
        var recruiting = await RecruitingProgram.CreateAsync(factory, school);

        var minor = await factory.CreateUserAsync("Young Mentee");
        var minorClient = await factory.SignedInClientAsync(minor);
        var minorApplication = await ApplyAsync(minorClient, recruiting, new { role = "mentee", acceptsCodeOfConduct = true, age = 14, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true });
        var adult = await factory.CreateUserAsync("Grown Mentee");
        var adultApplication = await ApplyAsync(await factory.SignedInClientAsync(adult), recruiting, new { role = "mentee", acceptsCodeOfConduct = true, age = 30, submit = true });
        return new MinorsSchool(recruiting, organisation.Id, minor, minorApplication, minorClient, adult, adultApplication);
    }

    /// <summary>
    /// Makes the signed-in person a minor as the app knows one: they give an age under 18 on an application in a school
    /// that includes minors.
    /// </summary>
    public static async Task MakeMinorAsync(TandemFactory factory, HttpClient person)
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory, await SchoolAsync(factory));
        await ApplyAsync(person, recruiting, new { role = "mentee", acceptsCodeOfConduct = true, age = 14, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true });
    }

    /// <summary>A school whose organisation includes minors, with one coordinator, Cody Ordinator.</summary>
    public static async Task<School> SchoolAsync(TandemFactory factory)
    {
        var organisation = await factory.WithScopeAsync(async s => (await s.GetRequiredService<CreateOrganisation>().RunAsync(
            new CreateOrganisationRequest { Name = $"Junior School {Guid.NewGuid():N}", Kind = OrganisationKind.School, IncludesMinors = true })).Value!);
        var coordinatorUser = await factory.CreateUserAsync("Cody Ordinator");
        await factory.AddMemberAsync(organisation.Id, coordinatorUser, OrganisationRole.Coordinator);
        return new School(factory, organisation, coordinatorUser, coordinatorUser, coordinatorUser);
    }

    private static async Task<Guid> ApplyAsync(HttpClient client, RecruitingProgram recruiting, object body)
    {
        var response = await client.PostAsJsonAsync(recruiting.Applications, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;
    }
}

/// <summary>Issue 16 item 3: every read of a minor's record by someone else is logged; the person and the organisation can see the log.</summary>
public sealed class AuditLogTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private Task<List<AuditEntry>> EntriesAboutAsync(Guid subject) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().Where(e => e.SubjectUserId == subject).OrderBy(e => e.Sequence).ToListAsync());

    [Fact]
    public async Task ReadingAMinorsApplicationAsACoordinatorAddsExactlyOneEntry()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        var coordinator = school.Recruiting.Coordinator;

        var read = await coordinator.GetAsync($"{school.Recruiting.Applications}/{school.MinorApplication}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        var entry = Assert.Single(await EntriesAboutAsync(school.Minor.Id));
        Assert.Equal((school.Recruiting.School.Coordinator.Id, AuditRecord.Application, school.MinorApplication, school.Recruiting.Program.Id, school.OrganisationId, "Reviewing an application"),
            (entry.ActorUserId, entry.Record, entry.RecordId, entry.ProgramId, entry.OrganisationId, entry.Purpose));

        // The review page reads it once more; the adult's application and the minor's own reading are not logged.
        var page = await coordinator.GetAsync($"/programs/{school.Recruiting.Program.Id}/applications/{school.MinorApplication}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(2, (await EntriesAboutAsync(school.Minor.Id)).Count);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"{school.Recruiting.Applications}/{school.AdultApplication}")).StatusCode);
        Assert.Empty(await EntriesAboutAsync(school.Adult.Id));
        Assert.Equal(HttpStatusCode.OK, (await school.MinorClient.GetAsync($"/api/v1/me/applications/{school.MinorApplication}")).StatusCode);
        Assert.Equal(2, (await EntriesAboutAsync(school.Minor.Id)).Count);
    }

    [Fact]
    public async Task TheMinorSeesWhoOpenedTheirRecordAndTheOrganisationCanSearchTheLog()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        await school.Recruiting.Coordinator.GetAsync($"{school.Recruiting.Applications}/{school.MinorApplication}");

        var mine = await school.MinorClient.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options);
        var seen = Assert.Single(mine!.Items);
        Assert.Equal(("Cody Ordinator", AuditRecord.Application, "Reviewing an application", school.Recruiting.Program.Name), (seen.ReadBy, seen.Record, seen.Purpose, seen.ProgramName));
        var page = System.Net.WebUtility.HtmlDecode(await school.MinorClient.GetStringAsync("/my/access-log"));
        Assert.Contains("Cody Ordinator", page);
        Assert.Contains("Reviewing an application", page);
        // The adult's own log is empty, and says so.
        var adult = await factory.SignedInClientAsync(school.Adult);
        Assert.Empty((await adult.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items);
        Assert.Contains("Nobody else has opened your record.", await adult.GetStringAsync("/my/access-log"));

        var search = $"/api/v1/organisations/{school.OrganisationId}/audit?subjectUserId={school.Minor.Id}";
        var found = await school.Recruiting.Coordinator.GetFromJsonAsync<Paged<AuditEntryView>>(search, Json.Options);
        var row = Assert.Single(found!.Items);
        Assert.Equal(("Cody Ordinator", "Young Mentee", AuditRecord.Application), (row.ActorName, row.SubjectName, row.Record));
        Assert.Equal(64, row.Hash.Length);
        // Nobody outside the organisation's staff searches it: not the minor, not another school's coordinator.
        Assert.Contains((await school.MinorClient.GetAsync(search)).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        var other = await School.CreateAsync(factory);
        var otherCoordinator = await factory.SignedInClientAsync(other.Coordinator);
        Assert.Contains((await otherCoordinator.GetAsync(search)).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
    }
}

/// <summary>`tandem audit verify`: an intact chain passes, concurrent writers keep it intact, an edited or deleted entry is found.</summary>
public sealed class AuditChainTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static string[] Database(string connection) =>
        [$"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true", $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning"];

    private async Task<(int Code, string Text)> VerifyAsync()
    {
        var output = new StringWriter();
        var code = await TandemCli.RunAsync(["audit", "verify", .. Database(factory.ConnectionString)], output, output);
        return (code, output.ToString());
    }

    private Task<int> SqlAsync(string sql) => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Database.ExecuteSqlRawAsync(sql));

    [Fact]
    public async Task AnEditedOrDeletedEntryFailsVerification()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        var coordinator = new Actor(school.Recruiting.School.Coordinator.Id, false);
        // Twelve readers at once: the chain stays one chain, numbered without gaps.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(k => factory.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<AuditLog>().RecordAsync(coordinator, [school.Minor.Id], AuditRecord.Application, school.MinorApplication,
                school.Recruiting.Program.Id, $"Reviewing an application ({k})", CancellationToken.None);
            return 0;
        })));
        var sequences = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().Select(e => e.Sequence).OrderBy(x => x).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 12).Select(x => (long)x), sequences);

        var (code, text) = await VerifyAsync();
        Assert.True(code == 0, text);
        Assert.Contains("The audit log is intact: 12 entries", text);

        // The database refuses changes from anyone who has not first switched off its guard.
        await Assert.ThrowsAnyAsync<Exception>(() => SqlAsync("""UPDATE "AuditEntries" SET "Purpose" = 'nothing to see' WHERE "Sequence" = 5"""));
        var postgres = TestDatabase.Provider == DatabaseProvider.Postgres;
        await SqlAsync(postgres
            ? """ALTER TABLE "AuditEntries" DISABLE TRIGGER audit_entries_append_only"""
            : "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;");

        await SqlAsync("""UPDATE "AuditEntries" SET "Purpose" = 'nothing to see' WHERE "Sequence" = 5""");
        (code, text) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("The audit log is broken: entry 5 was changed after it was written", text);

        await SqlAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" >= 5 AND "Sequence" <= 6""");
        (code, text) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("entry 5 is missing", text);
    }
}
