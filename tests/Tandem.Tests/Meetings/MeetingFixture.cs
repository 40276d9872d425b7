using System.Net;
using System.Net.Http.Json;
using Ical.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Meetings;

public sealed record Person(UserSummary User, HttpClient Client, Guid EnrolmentId);

/// <summary>A pair (mentor and mentee) in a program whose coordinator started their relationship through the API.</summary>
public sealed record Pair(School School, ProgramDetails Program, HttpClient Coordinator, Person Mentor, Person Mentee, RelationshipView Relationship)
{
    public string Meetings => $"/api/v1/relationships/{Relationship.Id}/meetings";
}

/// <summary>The app on its own real database, sending e-mail to an in-process SMTP server.</summary>
public sealed class MeetingFixture : IAsyncLifetime
{
    public static readonly object[] Questions =
    [
        new { id = "free", type = "Availability", prompt = "When are you free?", required = false },
    ];

    public TandemFactory Tandem { get; } = new();
    public SmtpCapture Smtp { get; } = new();
    public WebApplicationFactory<Program> App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        App = Tandem.WithWebHostBuilder(b =>
        {
            b.UseTestSmtp(Smtp.Port);
        });
        // One app for the fixture: the factory's helpers run on it too (ADR 131).
        Tandem.ServeThrough(App);
        await ((IAsyncLifetime)Tandem).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await ((IAsyncLifetime)Tandem).DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public Task<HttpClient> SignInAsync(UserSummary user) => App.SignedInClientAsync(user);

    public HttpClient Anonymous() => App.AnonymousClient();

    public Task SetZoneAsync(UserSummary user, string zone) => Tandem.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var entity = await db.Users.FindAsync(user.Id);
        entity!.TimeZoneId = zone;
        return await db.SaveChangesAsync();
    });

    /// <summary>
    /// A group-mentoring program (Group without One-to-one, so groups may form; ADR 13) with a mentor and a mentee approved through screening (availability in UTC
    /// hour slots, or none), started as a pair by the coordinator.
    /// </summary>
    public async Task<Pair> PairAsync(int[]? mentorFree = null, int[]? menteeFree = null, string mentorZone = "Europe/London", string menteeZone = "Europe/London")
    {
        var school = await School.CreateAsync(Tandem);
        var coordinator = await SignInAsync(school.Coordinator);
        var body = new Dictionary<string, object?>
        {
            ["organisationId"] = school.Organisation.Id, ["name"] = "Study Buddies", ["description"] = "Pairs meet to study.",
            ["targetAudience"] = "Everyone", ["pairing"] = "MentorMentee", ["guidelines"] = "Be kind.",
            ["meetingFormats"] = new[] { "Group", "Online", "InPerson" }, ["cadence"] = "Weekly",
            ["startsOn"] = "2027-01-10", ["endsOn"] = "2027-06-30",
            ["objectives"] = new[] { new { description = "Pairs meet", target = "weekly" } },
        };
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", body);
        created.EnsureSuccessStatusCode();
        var program = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        foreach (var role in new[] { "mentor", "mentee" })
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/{role}", new { questions = Questions })).EnsureSuccessStatusCode();
        }
        await coordinator.OpenRecruitmentAsync(program.Id);
        var mentor = await ApproveAsync(coordinator, program, "Max Mentor", "mentor", mentorFree);
        var mentee = await ApproveAsync(coordinator, program, "Mia Mentee", "mentee", menteeFree);
        await SetZoneAsync(mentor.User, mentorZone);
        await SetZoneAsync(mentee.User, menteeZone);
        var started = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/relationships", new
        {
            memberEnrolmentIds = new[] { mentor.EnrolmentId, mentee.EnrolmentId },
            kind = "Pair",
            startsOn = Tandem.Today.ToString("yyyy-MM-dd"),
            source = "Manual",
        });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var relationship = (await started.Content.ReadFromJsonAsync<RelationshipView>(Json.Options))!;
        return new Pair(school, program, coordinator, mentor, mentee, relationship);
    }

    /// <summary>A group: one mentor and two mentees, started by the coordinator.</summary>
    public async Task<(Pair Pair, Person Second)> GroupAsync()
    {
        var (pair, second, _) = await GroupOfThreeAsync();
        return (pair, second);
    }

    /// <summary>A group: one mentor and two mentees (Moe Mentee, Mo Third), started by the coordinator.</summary>
    public async Task<(Pair Pair, Person Second, Person Third)> GroupOfThreeAsync()
    {
        var pair = await PairAsync();
        var second = await ApproveAsync(pair.Coordinator, pair.Program, "Moe Mentee", "mentee", null);
        var third = await ApproveAsync(pair.Coordinator, pair.Program, "Mo Third", "mentee", null);
        var started = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.Program.Id}/relationships", new
        {
            memberEnrolmentIds = new[] { pair.Mentor.EnrolmentId, second.EnrolmentId, third.EnrolmentId },
            kind = "Group",
            startsOn = Tandem.Today.ToString("yyyy-MM-dd"),
            source = "Manual",
        });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var group = (await started.Content.ReadFromJsonAsync<RelationshipView>(Json.Options))!;
        return (pair with { Relationship = group }, second, third);
    }

    private async Task<Person> ApproveAsync(HttpClient coordinator, ProgramDetails program, string name, string role, int[]? free)
    {
        var user = await Tandem.CreateUserAsync(name);
        var client = await SignInAsync(user);
        var answers = new Dictionary<string, object>();
        if (free is not null)
        {
            answers["free"] = free;
        }
        return new Person(user, client, await Approvals.ApplyAndApproveAsync(client, coordinator, program.Id, role, answers, capacity: 3));
    }

    /// <summary>The calendar e-mails (with an invite.ics) sent to this address, waiting for at least <paramref name="expected"/>.</summary>
    public async Task<IReadOnlyList<(MimeMessage Message, Calendar Calendar)>> InvitationsAsync(string email, int expected = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = Smtp.Received.Where(r => r.Recipients.Contains(email, StringComparer.OrdinalIgnoreCase))
                .Select(r => (r.Message, Part: r.Message.Attachments.OfType<MimePart>().FirstOrDefault(a => a.FileName == "invite.ics")))
                .Where(r => r.Part is not null)
                .Select(r => (r.Message, Calendar: Calendar.Load(Read(r.Part!))!))
                .ToList();
            if (found.Count >= expected || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(50);
        }
    }

    private static string Read(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

public static class MeetingJson
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }
}
