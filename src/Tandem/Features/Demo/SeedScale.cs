using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Matching;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;

namespace Tandem.Features.Demo;

/// <summary>What `tandem seed scale` makes: how many of each, and the seed that makes the answers the same on every machine.</summary>
public sealed record ScaleRequest(int Mentees, int Mentors, int Seed = 14);

/// <summary>
/// A district-sized program for measuring matching at scale: one organisation, a program in matching with both forms and a
/// matching setup, and the given numbers of approved mentees and mentors whose answers look like real ones (interests with
/// skewed popularity, a few blocks of free hours, one or two languages, a background, a school year). The hard rules are a
/// common free hour, a common language and a mentor one to four years ahead. Only the coordinator can sign in; participants
/// have no password. Rows are written in batches without change tracking, so 120,000 people take a minute or two.
/// </summary>
public sealed class SeedScale(TandemDb db, UserManager<TandemUser> users, TimeProvider clock, ILogger<SeedScale> logger)
{
    public const int MaxPeople = 1_000_000;
    private const int Batch = 2_000;

    internal static readonly string[] Interests =
    [
        "Study skills", "Careers", "Wellbeing", "Sport", "Music", "Coding", "Maths", "Science", "Writing", "Art", "Drama",
        "Languages", "Volunteering", "Gaming", "Film", "Photography", "Cooking", "Travel", "History", "Politics", "Business",
        "Engineering", "Medicine", "Law", "Design", "Nature", "Chess", "Debating", "Faith", "Fashion", "Reading", "Dance",
    ];

    internal static readonly string[] Languages = ["English", "Spanish", "Polish", "Urdu", "Arabic", "Portuguese", "French", "Somali", "Romanian", "Punjabi"];
    internal static readonly string[] Backgrounds = ["First in family at university", "Parent went to university", "Prefer not to say"];

    private static readonly IReadOnlyList<Question> Questions =
    [
        new("interests", QuestionType.MultipleChoice, "What would you like to talk about?", null, Interests, Required: true, Private: false, CriterionKind.SharedValues),
        new("free", QuestionType.Availability, "When are you usually free? (your time zone)", null, [], Required: true, Private: false, CriterionKind.AvailabilityOverlap),
        new("languages", QuestionType.MultipleChoice, "Which languages do you speak?", null, Languages, Required: true, Private: false, CriterionKind.SharedValues),
        new("background", QuestionType.SingleChoice, "Which describes you?", null, Backgrounds, Required: false, Private: true, CriterionKind.DifferentValue),
        new("year", QuestionType.Scale, "Which school year are you in? (1 to 5)", null, [], Required: true, Private: false, CriterionKind.NumericGap),
    ];

    private static readonly IReadOnlyList<SetupCriterion> Criteria =
    [
        new("Shared interests", CriterionKind.SharedValues, "interests", "interests", 3, false, null, null),
        new("Common free hours", CriterionKind.AvailabilityOverlap, "free", "free", 1, true, 1, null),
        new("Common language", CriterionKind.SharedValues, "languages", "languages", 0, true, 1, null),
        new("Different background", CriterionKind.DifferentValue, "background", "background", 2, false, null, null),
        new("Mentor a year or more ahead", CriterionKind.NumericGap, "year", "year", 2, true, 1, 4),
    ];

    public async Task<DemoLogins> RunAsync(ScaleRequest request, TextWriter progress, CancellationToken ct = default)
    {
        if (request.Mentees < 0 || request.Mentors < 0 || request.Mentees + request.Mentors is 0 or > MaxPeople)
        {
            throw new ArgumentException($"Ask for between 1 and {MaxPeople:N0} people in all.", nameof(request));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var organisation = new Organisation($"Scale district {tag}", OrganisationKind.School, includesMinors: false, now);
        db.Organisations.Add(organisation);
        var password = NewPassword();
        var coordinator = NewUser($"coordinator-{tag}@scale.example", $"Coordinator {tag}", now);
        var created = await users.CreateAsync(coordinator, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        var today = DateOnly.FromDateTime(now);
        var program = new MentorshipProgram(organisation.Id, now);
        program.Describe(new ProgramDesign(
            $"District mentoring {request.Mentees:N0} x {request.Mentors:N0}",
            "A district-wide program across its schools: older students mentor younger ones.",
            "Students of every school in the district",
            PairingModel.MentorMentee,
            "Meet every two weeks, be kind, and tell the coordinator early if the pairing is not working.",
            MeetingFormats.OneToOne | MeetingFormats.Online | MeetingFormats.InPerson,
            Cadence.Fortnightly,
            today.AddDays(14),
            today.AddDays(200),
            [new("Pairs meet regularly", "80% of pairs meet twice a month", ObjectiveMeasure.MeetingRate, 80)]), now);
        program.MoveTo(ProgramStatus.Recruiting, now);
        program.MoveTo(ProgramStatus.Matching, now);
        db.Programs.Add(program);
        db.OrganisationMemberships.Add(new OrganisationMembership(organisation.Id, coordinator.Id, OrganisationRole.Coordinator, now));
        db.Enrolments.Add(new Enrolment(program.Id, coordinator.Id, ProgramRole.Coordinator, now));
        var forms = new Dictionary<ProgramRole, Questionnaire>
        {
            [ProgramRole.Mentee] = new(program.Id, ProgramRole.Mentee, 1, Questions, coordinator.Id, now),
            [ProgramRole.Mentor] = new(program.Id, ProgramRole.Mentor, 1, Questions, coordinator.Id, now),
        };
        db.AddRange(forms.Values);
        var setup = new MatchSetup(program.Id);
        setup.Change(Criteria, 2, coordinator.Id, now);
        db.Add(setup);
        await db.SaveChangesAsync(ct);

        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var random = new Random(request.Seed);
            var people = Enumerable.Repeat(ProgramRole.Mentee, request.Mentees).Concat(Enumerable.Repeat(ProgramRole.Mentor, request.Mentors)).ToList();
            var started = clock.GetTimestamp();
            for (var first = 0; first < people.Count; first += Batch)
            {
                db.ChangeTracker.Clear();
                for (var i = first; i < Math.Min(people.Count, first + Batch); i++)
                {
                    var role = people[i];
                    var at = now.AddMilliseconds(i);
                    var user = NewUser($"{(role == ProgramRole.Mentor ? "mentor" : "mentee")}-{i}-{tag}@scale.example", Name(random), at);
                    db.Users.Add(user);
                    db.OrganisationMemberships.Add(new OrganisationMembership(organisation.Id, user.Id, OrganisationRole.Member, at));
                    db.Enrolments.Add(new Enrolment(program.Id, user.Id, role, at));
                    var form = forms[role];
                    var application = new Application(program.Id, user.Id, role, form.Id, at);
                    application.SaveDraft(form.Id, Answers(random, role), acceptsCode: true, age: null, guardianName: null, guardianEmail: null, at);
                    application.Submit(at);
                    var capacity = role == ProgramRole.Mentor ? random.Next(1, 5) : (int?)null;
                    application.Decide(Decision.Approve, coordinator.Id, at, null, capacity);
                    db.Add(application);
                    db.Add(new ApplicationDecision(application.Id, Decision.Approve, coordinator.Id, at, null, capacity));
                }
                await db.SaveChangesAsync(ct);
                var done = Math.Min(people.Count, first + Batch);
                if (done % 20_000 == 0 || done == people.Count)
                {
                    await progress.WriteLineAsync($"  {done:N0} of {people.Count:N0} people ({clock.GetElapsedTime(started).TotalSeconds:F0} s)");
                }
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }
        logger.LogInformation("Seeded scale program {ProgramId}: {Mentees} mentees, {Mentors} mentors", program.Id, request.Mentees, request.Mentors);
        return new DemoLogins([new DemoLogin("Coordinator", coordinator.Email!, password)], organisation.Id, program.Id);
    }

    /// <summary>Answers as the apply form stores them. Interest popularity falls off like real choices do (a few topics are everyone's).</summary>
    internal static string Answers(Random random, ProgramRole role)
    {
        var interests = new SortedSet<int>();
        var wanted = random.Next(2, 6);
        while (interests.Count < wanted)
        {
            // Squaring a uniform number skews towards the first (most popular) topics.
            var u = random.NextDouble();
            interests.Add((int)(u * u * Interests.Length));
        }
        var free = new SortedSet<int>();
        foreach (var day in Enumerable.Range(0, 7).OrderBy(_ => random.Next()).Take(random.Next(2, 5)))
        {
            var start = day * 24 + random.Next(day >= 5 ? 10 : 15, 19);
            for (var h = 0; h < random.Next(2, 4); h++)
            {
                free.Add(start + h);
            }
        }
        var languages = new SortedSet<int> { random.NextDouble() < 0.8 ? 0 : random.Next(1, Languages.Length) };
        if (random.NextDouble() < 0.3)
        {
            languages.Add(random.Next(0, Languages.Length));
        }
        var year = role == ProgramRole.Mentee ? random.Next(1, 3) : random.Next(2, 6);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["interests"] = interests.Select(i => Interests[i]).ToArray(),
            ["free"] = free.ToArray(),
            ["languages"] = languages.Select(l => Languages[l]).ToArray(),
            ["background"] = Backgrounds[random.Next(Backgrounds.Length)],
            ["year"] = year,
        });
    }

    private static readonly string[] FirstNames = ["Aisha", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jay", "Kai", "Lena", "Maya", "Noah", "Omar", "Priya", "Quinn", "Ruby", "Sam", "Tariq", "Uma", "Vik", "Wren", "Yusuf", "Zoe"];
    private static readonly string[] LastNames = ["Ahmed", "Brown", "Chen", "Davies", "Evans", "Fernandes", "Green", "Hussain", "Ivanova", "Jones", "Khan", "Lewis", "Murphy", "Nowak", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Usman", "Walker", "Young", "Zielinska"];

    private static string Name(Random random) => $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}";

    private TandemUser NewUser(string email, string name, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(),
        UserName = email,
        NormalizedUserName = users.NormalizeName(email),
        Email = email,
        NormalizedEmail = users.NormalizeEmail(email),
        EmailConfirmed = true,
        SecurityStamp = Guid.NewGuid().ToString("N"),
        DisplayName = name,
        TimeZoneId = "Europe/London",
        CreatedAt = at,
    };

    private static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 16);
        return string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 4, 4)));
    }
}
