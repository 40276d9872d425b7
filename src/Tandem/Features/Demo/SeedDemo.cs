using System.Security.Cryptography;
using System.Text.Json;
using Bogus;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Demo;

public sealed record DemoLogin(string Role, string Email, string Password);

public sealed record DemoLogins(IReadOnlyList<DemoLogin> Logins, Guid OrganisationId, Guid ProgramId)
{
    public DemoLogin For(string role) => Logins.Single(l => l.Role == role);

    public void Print(TextWriter output, string heading = "Tandem demo data is ready.",
        string footer = "(These passwords are shown once; `tandem seed demo --reset-passwords` prints new ones.)")
    {
        output.WriteLine($"{heading} Sign in with:");
        foreach (var login in Logins)
        {
            output.WriteLine($"  {login.Role,-13} {login.Email,-34} {login.Password}");
        }
        output.WriteLine($"  {"Program",-13} {ProgramId}");
        output.WriteLine(footer);
    }
}

/// <summary>
/// A demo organisation with a running program and 40 synthetic participants (Bogus, fixed seed so
/// the names are the same on every machine). Login passwords are random per installation.
/// </summary>
public sealed class SeedDemo(TandemDb db, UserManager<TandemUser> users, RoleManager<IdentityRole<Guid>> roles, StartRelationship start, TimeProvider clock)
{
    public const string OrganisationName = "Riverside College";
    public const string AdministratorEmail = "admin@tandem.example";
    public const string CoordinatorEmail = "coordinator@riverside.example";
    public const string MentorEmail = "mentor@riverside.example";
    public const string MenteeEmail = "mentee@riverside.example";

    private static readonly string[] Zones = ["Europe/London", "Europe/London", "Europe/London", "Europe/Dublin", "Europe/Paris"];

    private static readonly string[] Interests =
        ["Study skills", "Music", "Sport", "Coding", "Languages", "Volunteering", "Gaming", "Art", "Careers", "Wellbeing"];

    private static readonly IReadOnlyList<Question> DemoQuestions =
    [
        new("interests", QuestionType.MultipleChoice, "What would you like to talk about?", null, Interests, Required: true, Private: false, CriterionKind.SharedValues),
        new("free", QuestionType.Availability, "When are you usually free? (your time zone)", null, [], Required: true, Private: false, CriterionKind.AvailabilityOverlap),
    ];

    /// <summary>Monday to Thursday, 17:00–20:00 local time (weekly grid slots, Monday 00:00 = 0).</summary>
    private static readonly int[] EveningsMondayToThursday =
        Enumerable.Range(0, 4).SelectMany(day => Enumerable.Range(day * 24 + 17, 3)).ToArray();

    /// <summary>
    /// Whether creating the demo now would put it among accounts of the installation's own: there are users, and the demo
    /// organisation is not there yet. The command line asks before doing that outside Development.
    /// </summary>
    public async Task<bool> WouldJoinExistingAccountsAsync(CancellationToken ct = default) =>
        await db.Users.AnyAsync(ct) && await DemoOrganisationIdAsync(ct) is null;

    /// <summary>
    /// The demo organisation: named <see cref="OrganisationName"/> and coordinated by the demo coordinator's account, not
    /// by its name alone (ADR 120): an installation's own organisation of that name (a real Riverside College) is not the
    /// demo, and `--reset-passwords` must not give its people's accounts new passwords.
    /// </summary>
    private async Task<Guid?> DemoOrganisationIdAsync(CancellationToken ct)
    {
        var coordinator = users.NormalizeEmail(CoordinatorEmail);
        return await db.Organisations.Where(o => o.Name == OrganisationName
                && db.OrganisationMemberships.Any(m => m.OrganisationId == o.Id && m.Role == OrganisationRole.Coordinator
                    && db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == coordinator)))
            .Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
    }

    /// <returns>The logins, or null when nothing was created (data already there).</returns>
    public async Task<DemoLogins?> RunAsync(bool onlyWhenEmpty, CancellationToken ct = default)
    {
        if (onlyWhenEmpty ? await db.Users.AnyAsync(ct) : await db.Organisations.AnyAsync(o => o.Name == OrganisationName, ct))
        {
            return null;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        await EnsureRoleAsync(Actor.AdministratorRole);

        var logins = new List<DemoLogin>();
        var adminPassword = NewPassword();
        var admin = await users.FindByEmailAsync(AdministratorEmail);
        if (admin is null)
        {
            admin = await CreateAsync(AdministratorEmail, "Alex Admin", "Europe/London", adminPassword, now);
            await users.AddToRoleAsync(admin, Actor.AdministratorRole);
            logins.Add(new DemoLogin("Administrator", AdministratorEmail, adminPassword));
        }

        var organisation = new Organisation(OrganisationName, OrganisationKind.University, includesMinors: false, now);
        db.Organisations.Add(organisation);

        var coordinatorPassword = NewPassword();
        var coordinator = await CreateAsync(CoordinatorEmail, "Casey Coordinator", "Europe/London", coordinatorPassword, now);
        logins.Add(new DemoLogin("Coordinator", CoordinatorEmail, coordinatorPassword));
        var mentorPassword = NewPassword();
        var mentor = await CreateAsync(MentorEmail, "Morgan Mentor", "Europe/London", mentorPassword, now);
        logins.Add(new DemoLogin("Mentor", MentorEmail, mentorPassword));
        var menteePassword = NewPassword();
        var mentee = await CreateAsync(MenteeEmail, "Jamie Mentee", "Europe/London", menteePassword, now);
        logins.Add(new DemoLogin("Mentee", MenteeEmail, menteePassword));

        var program = new MentorshipProgram(organisation.Id, now);
        program.Describe(new ProgramDesign(
            "First-Year Peer Mentoring",
            "Second- and third-year students mentor first-years through their first two terms: settling in, study habits and finding their people.",
            "First-year undergraduates (mentees); second- and third-year undergraduates (mentors)",
            PairingModel.MentorMentee,
            "Meet at least every two weeks. Keep what your partner shares confidential unless someone is at risk of harm. Be on time, be kind, and tell the coordinator early if the pairing is not working.",
            MeetingFormats.OneToOne | MeetingFormats.Online | MeetingFormats.InPerson,
            Cadence.Fortnightly,
            today.AddDays(-60),
            today.AddDays(150),
            [
                new("Pairs meet regularly", "80% of mentees meet their mentor twice a month", ObjectiveMeasure.MeetingRate, 80),
                new("First-years stay", "Retention of mentees into the second year at 95% or more", ObjectiveMeasure.Retention, 95),
                new("Participants value it", "Average satisfaction of 4 out of 5 or higher", ObjectiveMeasure.SessionRating, 4),
            ]), now);
        program.MoveTo(ProgramStatus.Recruiting, now);
        program.MoveTo(ProgramStatus.Matching, now);
        program.MoveTo(ProgramStatus.Running, now);
        db.Programs.Add(program);

        var recruiting = new MentorshipProgram(organisation.Id, now);
        recruiting.Describe(new ProgramDesign(
            "Study Buddies (peer-to-peer)",
            "Peers in the same module help each other: everyone offers one subject and asks for help in another.",
            "All undergraduates",
            PairingModel.PeerToPeer,
            "Show up for your study partner and share notes generously.",
            MeetingFormats.Group | MeetingFormats.InPerson,
            Cadence.Weekly,
            today.AddDays(21),
            today.AddDays(120),
            [new("Study groups keep going", "70% of groups still meeting after 8 weeks")]), now);
        recruiting.MoveTo(ProgramStatus.Recruiting, now);
        db.Programs.Add(recruiting);

        db.OrganisationMemberships.Add(new OrganisationMembership(organisation.Id, coordinator.Id, OrganisationRole.Coordinator, now));
        db.Enrolments.Add(new Enrolment(program.Id, coordinator.Id, ProgramRole.Coordinator, now));
        db.Enrolments.Add(new Enrolment(recruiting.Id, coordinator.Id, ProgramRole.Coordinator, now));

        var faker = new Faker("en") { Random = new Randomizer(2026) };
        var participants = new List<(TandemUser User, ProgramRole Role)> { (mentor, ProgramRole.Mentor), (mentee, ProgramRole.Mentee) };
        for (var i = 0; i < 38; i++)
        {
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var email = $"{first}.{last}.{i}@students.riverside.example".ToLowerInvariant().Replace("'", "");
            var user = await CreateAsync(email, $"{first} {last}", faker.PickRandom(Zones), password: null, now);
            participants.Add((user, i < 16 ? ProgramRole.Mentor : ProgramRole.Mentee));
        }
        var staff = await CreateAsync("s.okafor@riverside.example", "Dr Sam Okafor", "Europe/London", password: null, now);
        participants.Add((staff, ProgramRole.Staff));

        var forms = new Dictionary<ProgramRole, Questionnaire>();
        foreach (var role in new[] { ProgramRole.Mentor, ProgramRole.Mentee })
        {
            forms[role] = new Questionnaire(program.Id, role, 1, DemoQuestions, coordinator.Id, now);
            db.Set<Questionnaire>().Add(forms[role]);
        }
        foreach (var (user, role) in participants)
        {
            db.OrganisationMemberships.Add(new OrganisationMembership(organisation.Id, user.Id, OrganisationRole.Member, now));
            db.Enrolments.Add(new Enrolment(program.Id, user.Id, role, now));
            if (forms.TryGetValue(role, out var form))
            {
                // Approved applications, so matching has interests to explain and meetings have free hours to suggest.
                var answers = user.Id == mentor.Id || user.Id == mentee.Id
                    ? DemoAnswers(["Study skills", "Music", "Sport"], EveningsMondayToThursday, user.TimeZoneId, now)
                    : DemoAnswers(faker.PickRandom(Interests, faker.Random.Int(2, 4)), RandomFreeHours(faker), user.TimeZoneId, now);
                var application = new Application(program.Id, user.Id, role, form.Id, now);
                application.SaveDraft(form.Id, answers, acceptsCode: true, age: null, guardianName: null, guardianEmail: null, now);
                application.Submit(now);
                var capacity = role == ProgramRole.Mentor ? 2 : (int?)null;
                application.Decide(Decision.Approve, coordinator.Id, now, null, capacity);
                db.Set<Application>().Add(application);
                db.Set<ApplicationDecision>().Add(new ApplicationDecision(application.Id, Decision.Approve, coordinator.Id, now, null, capacity));
            }
        }
        await db.SaveChangesAsync(ct);
        await SeedPairsAsync(program.Id, coordinator.Id, participants, now, ct);
        await transaction.CommitAsync(ct);
        return new DemoLogins(logins, organisation.Id, program.Id);
    }

    /// <summary>
    /// A few running pairs among the synthetic participants (never the demo mentor and mentee, who are left for
    /// matching), with a history that gives engagement health one pair of each kind: on track (met twice, a
    /// meeting coming up), drifting (last met 25 days ago), at risk (no meeting in 45 days) and new.
    /// </summary>
    private async Task SeedPairsAsync(Guid programId, Guid coordinatorId, List<(TandemUser User, ProgramRole Role)> participants, DateTime now, CancellationToken ct)
    {
        var enrolments = await db.Enrolments.Where(e => e.ProgramId == programId).ToDictionaryAsync(e => e.UserId, e => e.Id, ct);
        var mentors = participants.Skip(2).Where(p => p.Role == ProgramRole.Mentor).Take(4).Select(p => p.User).ToList();
        var mentees = participants.Skip(2).Where(p => p.Role == ProgramRole.Mentee).Take(4).Select(p => p.User).ToList();
        var today = DateOnly.FromDateTime(now);
        var histories = new (int StartedDaysAgo, int[] MetDaysAgo, int? NextInDays, bool NextAccepted)[]
        {
            (28, [24, 10], 4, true),
            (40, [25], null, false),
            (45, [], null, false),
            (2, [], 3, false),
        };
        var pairs = new List<Guid>();
        for (var i = 0; i < histories.Length; i++)
        {
            var (startedDaysAgo, met, next, accepted) = histories[i];
            var (mentor, mentee) = (mentors[i], mentees[i]);
            var started = await start.StartAsync(new StartRelationshipRequest(programId, [enrolments[mentor.Id], enrolments[mentee.Id]], RelationshipKind.Pair,
                today.AddDays(-startedDaysAgo), RelationshipSource.Manual, "Both: shared interests and free hours in common (demo pair).", 70), coordinatorId, null, ct);
            var relationship = started.Value ?? throw new InvalidOperationException($"Demo pair not started: {started.Failure!.Detail}");
            foreach (var daysAgo in met)
            {
                var at = now.Date.AddDays(-daysAgo).AddHours(17);
                var meeting = new Meeting(relationship.Id, programId, mentee.Id, at, 60, MeetingMode.InPerson, "Library café", null, null, null, at.AddDays(-3));
                meeting.Accept(mentor.Id, at.AddDays(-2));
                meeting.NoteCheckedIn();
                db.Add(meeting);
                db.Add(new CheckIn(relationship.Id, meeting.Id, mentee.Id, true,
                    new CheckInLog("Settling in, timetable, societies", "Joined a study group", null, "Plan for the first essay", 4), at, at.AddHours(2)));
                db.Add(new CheckIn(relationship.Id, meeting.Id, mentor.Id, true,
                    new CheckInLog("Study habits and where to find help", "Made a weekly plan", "Homesick at weekends", "Check in on the essay", 5), at, at.AddHours(3)));
            }
            if (next is { } inDays)
            {
                var at = now.Date.AddDays(inDays).AddHours(17);
                var upcoming = new Meeting(relationship.Id, programId, mentee.Id, at, 60, MeetingMode.Online, null, MeetingLinks.GenerateJitsi(), null, null, now);
                if (accepted)
                {
                    upcoming.Accept(mentor.Id, now);
                }
                db.Add(upcoming);
            }
            pairs.Add(relationship.Id);
        }
        await db.SaveChangesAsync(ct);
        await PairContacts.RecountAsync(db, pairs, ct);
    }

    /// <summary>New passwords for the demo logins; their open sessions are closed.</summary>
    public async Task<DemoLogins?> ResetPasswordsAsync(CancellationToken ct = default)
    {
        if (await DemoOrganisationIdAsync(ct) is not { } organisationId)
        {
            return null;
        }
        var logins = new List<DemoLogin>();
        foreach (var (role, email) in new[] { ("Administrator", AdministratorEmail), ("Coordinator", CoordinatorEmail), ("Mentor", MentorEmail), ("Mentee", MenteeEmail) })
        {
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                continue;
            }
            var password = NewPassword();
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (!reset.Succeeded)
            {
                throw new InvalidOperationException(string.Join(" ", reset.Errors.Select(e => e.Description)));
            }
            await users.SetLockoutEndDateAsync(user, null);
            var now = clock.GetUtcNow().UtcDateTime;
            await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
            logins.Add(new DemoLogin(role, email, password));
        }
        var programId = await db.Programs.Where(p => p.OrganisationId == organisationId).OrderBy(p => p.CreatedAt).Select(p => p.Id).FirstAsync(ct);
        return new DemoLogins(logins, organisationId, programId);
    }

    /// <summary>A few two- or three-hour blocks on weekday afternoons and evenings, local time.</summary>
    private static int[] RandomFreeHours(Faker faker) =>
        faker.PickRandom(Enumerable.Range(0, 5), faker.Random.Int(2, 4))
            .SelectMany(day => Enumerable.Range(day * 24 + faker.Random.Int(14, 18), faker.Random.Int(2, 3)))
            .ToArray();

    /// <summary>Answers as the apply form stores them: availability in UTC slots (this week's offset of the person's zone).</summary>
    private static string DemoAnswers(IEnumerable<string> interests, int[] localFree, string zone, DateTime now)
    {
        var offset = WeeklyGrid.OffsetHours(zone, now);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["interests"] = interests.OrderBy(i => Array.IndexOf(Interests, i)).ToArray(),
            ["free"] = localFree.Select(slot => WeeklyGrid.ToUtc(slot, offset)).Distinct().Order().ToArray(),
        });
    }

    private async Task EnsureRoleAsync(string role)
    {
        if (!await roles.RoleExistsAsync(role))
        {
            await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() });
        }
    }

    private async Task<TandemUser> CreateAsync(string email, string name, string zone, string? password, DateTime now)
    {
        var user = new TandemUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = name,
            TimeZoneId = zone,
            CreatedAt = now,
        };
        var result = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            // Most often a demo login left behind when the demo organisation was deleted: the operator's to resolve (ADR 102).
            throw new Infrastructure.Hosting.CommandRefusedException(
                $"Nothing was added: could not create the demo account {email} ({string.Join(" ", result.Errors.Select(e => e.Description))}); " +
                "if the demo organisation was deleted but its accounts were not, disable or erase them (tandem privacy erase --email …) and run the command again.");
        }
        return user;
    }

    /// <summary>A random, readable password: 4 groups of 4 lowercase letters and digits.</summary>
    private static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 16);
        return string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 4, 4)));
    }
}

public static class DemoSetup
{
    public static IServiceCollection AddTandemDemo(this IServiceCollection services) => services.AddScoped<SeedDemo>().AddScoped<SeedScale>();
}
