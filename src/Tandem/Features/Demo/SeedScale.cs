using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.EntityFrameworkCore;
using LinqToDB.Mapping;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Matching;
using Tandem.Features.Meetings;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Demo;

/// <summary>
/// What `tandem seed scale` makes: how many of each, the seed that makes the answers the same on every machine, and
/// optionally running pairs (the first <see cref="Relationships"/> mentees, each with a mentor) with their meetings and
/// check-ins over the months since the program started.
/// </summary>
public sealed record ScaleRequest(int Mentees, int Mentors, int Seed = 14, int Relationships = 0, int CheckInsPerPair = 0)
{
    /// <summary>Why this request cannot be made, in the command's words; null when it can.</summary>
    public string? Refusal() =>
        Mentees < 0 || Mentors < 0 || Mentees + Mentors is 0 or > SeedScale.MaxPeople
            ? $"Ask for between 1 and {SeedScale.MaxPeople:N0} people in all (--mentees and --mentors, 0 or more each)."
        : Relationships < 0 || Relationships > Mentees
            ? $"--relationships is between 0 and the number of mentees ({Mentees:N0}): each pair is one mentee with a mentor."
        : Relationships > 0 && Mentors == 0
            ? "Pairs need mentors: ask for at least one with --mentors."
        : CheckInsPerPair < 0 || CheckInsPerPair > SeedScale.MaxCheckInsPerPair
            ? $"--check-ins-per-pair is between 0 and {SeedScale.MaxCheckInsPerPair}."
        : CheckInsPerPair > 0 && Relationships == 0
            ? "Check-ins belong to pairs: ask for some with --relationships."
        : null;
}

/// <summary>
/// A district-sized program for measuring matching at scale: one organisation, a program in matching with both forms and a
/// matching setup, and the given numbers of approved mentees and mentors whose answers look like real ones (interests with
/// skewed popularity, a few blocks of free hours, one or two languages, a background, a school year). The hard rules are a
/// common free hour, a common language and a mentor one to four years ahead. Only the coordinator can sign in; participants
/// have no password. Rows are written in batches with the database's bulk copy (PostgreSQL's binary COPY, SQLite's
/// many-row INSERT) through EF Core's model, not the change tracker (ADR 135).
/// With <see cref="ScaleRequest.Relationships"/>, the program is running instead: it started <see cref="MonthsRunning"/> months
/// ago, mentee k is paired with mentor k mod M (whose capacity is raised to the mentees they get), and each pair has its
/// check-ins spread over the months since (every other one about an accepted meeting, the rest contacts the mentor
/// logged), one accepted meeting ahead, and one pair in ten fell quiet half way (so engagement health has pairs at
/// risk). The first mentee and their mentor can sign in too, to see the app as participants.
/// </summary>
public sealed class SeedScale(TandemDb db, UserManager<TandemUser> users, TimeProvider clock, ILogger<SeedScale> logger)
{
    public const int MaxPeople = 1_000_000;
    public const int MaxCheckInsPerPair = 100;
    public const int MonthsRunning = 6;
    private const int Batch = 2_000;
    private const int RowsPerSave = 10_000;

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
        if (request.Refusal() is { } refusal)
        {
            throw new ArgumentException(refusal, nameof(request));
        }
        var running = request.Relationships > 0;
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
        var startsOn = running ? today.AddMonths(-MonthsRunning) : today.AddDays(14);
        var program = new MentorshipProgram(organisation.Id, now);
        program.Describe(new ProgramDesign(
            $"District mentoring {request.Mentees:N0} x {request.Mentors:N0}",
            "A district-wide program across its schools: older students mentor younger ones.",
            "Students of every school in the district",
            PairingModel.MentorMentee,
            "Meet every two weeks, be kind, and tell the coordinator early if the pairing is not working.",
            MeetingFormats.OneToOne | MeetingFormats.Online | MeetingFormats.InPerson,
            Cadence.Fortnightly,
            startsOn,
            startsOn.AddDays(running ? 365 : 186),
            [new("Pairs meet regularly", "80% of pairs meet twice a month", ObjectiveMeasure.MeetingRate, 80)]), now);
        program.MoveTo(ProgramStatus.Recruiting, now);
        program.MoveTo(ProgramStatus.Matching, now);
        if (running)
        {
            program.MoveTo(ProgramStatus.Running, now);
        }
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

        db.ChangeTracker.Clear();
        var random = new Random(request.Seed);
        var people = Enumerable.Repeat(ProgramRole.Mentee, request.Mentees).Concat(Enumerable.Repeat(ProgramRole.Mentor, request.Mentors)).ToList();
        // Who each person is, kept for the pairs (mentees first, then mentors, as in the list above).
        var enrolled = new (Guid UserId, Guid EnrolmentId)[people.Count];
        var started = clock.GetTimestamp();
        for (var first = 0; first < people.Count; first += Batch)
        {
            List<TandemUser> batchUsers = [];
            List<OrganisationMembership> memberships = [];
            List<Enrolment> enrolments = [];
            List<Application> applications = [];
            List<ApplicationDecision> decisions = [];
            for (var i = first; i < Math.Min(people.Count, first + Batch); i++)
            {
                var role = people[i];
                var at = now.AddMilliseconds(i);
                var user = NewUser($"{(role == ProgramRole.Mentor ? "mentor" : "mentee")}-{i}-{tag}@scale.example", Name(random), at);
                batchUsers.Add(user);
                memberships.Add(new OrganisationMembership(organisation.Id, user.Id, OrganisationRole.Member, at));
                var enrolment = new Enrolment(program.Id, user.Id, role, at);
                enrolments.Add(enrolment);
                enrolled[i] = (user.Id, enrolment.Id);
                var form = forms[role];
                var application = new Application(program.Id, user.Id, role, form.Id, at);
                application.SaveDraft(form.Id, Answers(random, role), acceptsCode: true, age: null, guardianName: null, guardianEmail: null, at);
                application.Submit(at);
                // A mentor with more mentees than their random capacity gets room for all of them (drawn anyway, so
                // the answers are the same with or without pairs).
                var capacity = role == ProgramRole.Mentor ? Math.Max(random.Next(1, 5), MenteesOf(i - request.Mentees, request)) : (int?)null;
                application.Decide(Decision.Approve, coordinator.Id, at, null, capacity);
                applications.Add(application);
                decisions.Add(new ApplicationDecision(application.Id, Decision.Approve, coordinator.Id, at, null, capacity));
            }
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await CopyAsync(batchUsers, ct);
                await CopyAsync(memberships, ct);
                await CopyAsync(enrolments, ct);
                await CopyAsync(applications, ct);
                await CopyAsync(decisions, ct);
                // Enrolments written by bulk copy bypass TandemDb.SaveChangesAsync, which moves the count for those it saves.
                await db.MoveParticipantCountAsync(program.Id, enrolments.Count, ct);
                await transaction.CommitAsync(ct);
            }
            var done = Math.Min(people.Count, first + Batch);
            if (done % 20_000 == 0 || done == people.Count)
            {
                await progress.WriteLineAsync($"  {done:N0} of {people.Count:N0} people ({clock.GetElapsedTime(started).TotalSeconds:F0} s)");
            }
        }
        if (running)
        {
            await PairAsync(request, program.Id, startsOn, enrolled, random, now, progress, ct);
        }
        logger.LogInformation("Seeded scale program {ProgramId}: {Mentees} mentees, {Mentors} mentors, {Pairs} pairs with {CheckIns} check-ins each",
            program.Id, request.Mentees, request.Mentors, request.Relationships, request.CheckInsPerPair);
        List<DemoLogin> logins = [new("Coordinator", coordinator.Email!, password)];
        if (running)
        {
            logins.Add(await ParticipantLoginAsync("Mentee", $"mentee-0-{tag}@scale.example"));
            logins.Add(await ParticipantLoginAsync("Mentor", $"mentor-{request.Mentees}-{tag}@scale.example"));
        }
        return new DemoLogins(logins, organisation.Id, program.Id);
    }

    /// <summary>How many mentees mentor number <paramref name="mentor"/> (0-based) gets: mentee k goes to mentor k mod M.</summary>
    internal static int MenteesOf(int mentor, ScaleRequest request) =>
        mentor < 0 || request.Mentors == 0 ? 0 : request.Relationships / request.Mentors + (mentor < request.Relationships % request.Mentors ? 1 : 0);

    /// <summary>
    /// The running pairs, in batches of about <see cref="RowsPerSave"/> rows: relationship, members and seats as
    /// <c>StartRelationship</c> makes them, then meetings and check-ins as members record them.
    /// </summary>
    private async Task PairAsync(ScaleRequest request, Guid programId, DateOnly startsOn, (Guid UserId, Guid EnrolmentId)[] enrolled,
        Random random, DateTime now, TextWriter progress, CancellationToken ct)
    {
        var start = startsOn.ToDateTime(new TimeOnly(16, 0), DateTimeKind.Utc);
        var span = now - start;
        var k = request.CheckInsPerPair;
        var rowsPerPair = 6 + k + (k + 1) / 2;
        var pairsPerSave = Math.Max(1, RowsPerSave / rowsPerPair);
        var started = clock.GetTimestamp();
        for (var first = 0; first < request.Relationships; first += pairsPerSave)
        {
            List<Relationship> relationships = [];
            List<RelationshipMember> members = [];
            List<RelationshipSeat> seats = [];
            List<Meeting> meetings = [];
            List<CheckIn> checkIns = [];
            for (var pair = first; pair < Math.Min(request.Relationships, first + pairsPerSave); pair++)
            {
                var mentorNumber = pair % request.Mentors;
                var mentee = enrolled[pair];
                var mentor = enrolled[request.Mentees + mentorNumber];
                var relationship = new Relationship(programId, RelationshipKind.Pair, startsOn, RelationshipSource.PoolMatch,
                    "You share interests and free hours.", random.Next(55, 96), null, start.AddDays(-3));
                relationships.Add(relationship);
                members.Add(new RelationshipMember(relationship.Id, mentee.UserId, mentee.EnrolmentId, ProgramRole.Mentee));
                members.Add(new RelationshipMember(relationship.Id, mentor.UserId, mentor.EnrolmentId, ProgramRole.Mentor));
                seats.Add(new RelationshipSeat(relationship.Id, mentee.EnrolmentId, 0));
                seats.Add(new RelationshipSeat(relationship.Id, mentor.EnrolmentId, pair / request.Mentors));

                // One pair in ten fell quiet half way through; the others kept meeting until the last few days.
                var quiet = pair % 10 == 9;
                var active = quiet ? span / 2 : span - TimeSpan.FromDays(2);
                var (held, lastContact) = (0, (DateTime?)null);
                for (var c = 0; c < k; c++)
                {
                    var at = start + active * ((c + 1.0) / k) - TimeSpan.FromHours(random.Next(0, 48));
                    at = new DateTime(Math.Max(at.Ticks, start.Ticks), DateTimeKind.Utc);
                    var log = new CheckInLog(Interests[random.Next(Interests.Length)], "Good progress on last time's plan.", null,
                        "Meet again in two weeks.", random.Next(3, 6));
                    if (c % 2 == 0)
                    {
                        var meeting = NewMeeting(relationship.Id, programId, mentor.UserId, mentee.UserId, at, random);
                        meeting.NoteCheckedIn();
                        meetings.Add(meeting);
                        var happened = random.Next(20) != 0;
                        checkIns.Add(new CheckIn(relationship.Id, meeting.Id, mentee.UserId, happened, log, at, at.AddHours(2)));
                        if (happened)
                        {
                            (held, lastContact) = (held + 1, Latest(lastContact, at));
                        }
                    }
                    else
                    {
                        checkIns.Add(new CheckIn(relationship.Id, null, mentor.UserId, true, log, at, at.AddHours(1)));
                        (held, lastContact) = (held + 1, Latest(lastContact, at));
                    }
                }
                // The counts PairContacts keeps when members record these check-ins (one check-in per meeting here).
                relationship.RecordContacts(held, k, lastContact);
                if (!quiet)
                {
                    meetings.Add(NewMeeting(relationship.Id, programId, mentor.UserId, mentee.UserId, now.Date.AddDays(random.Next(1, 15)).AddHours(16), random));
                }
            }
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await CopyAsync(relationships, ct);
                await CopyAsync(members, ct);
                await CopyAsync(seats, ct);
                await CopyAsync(meetings, ct);
                await CopyAsync(checkIns, ct);
                await transaction.CommitAsync(ct);
            }
            var done = Math.Min(request.Relationships, first + pairsPerSave);
            if (done / 5_000 != (done - pairsPerSave) / 5_000 || done == request.Relationships)
            {
                await progress.WriteLineAsync($"  {done:N0} of {request.Relationships:N0} pairs ({clock.GetElapsedTime(started).TotalSeconds:F0} s)");
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> in the current transaction with the database's bulk copy, mapped by EF Core's model
    /// (columns, value conversions), without the change tracker: at the district's million check-ins, EF Core's own batches
    /// spent most of the seeding's time tracking and ordering rows (ADR 135).
    /// </summary>
    private async Task CopyAsync<T>(List<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var connection = db.CreateLinqToDBConnection(db.Database.CurrentTransaction);
        // PostgreSQL's binary COPY; SQLite has no bulk interface of its own, so many rows to an INSERT.
        var type = BulkCopyType.ProviderSpecific;
        if (db.Database.IsSqlite())
        {
            type = BulkCopyType.MultipleRows;
            // One combined schema per model's schema, used again for every batch: a schema added per connection is a new
            // schema each time, and linq2db compiled the batch's writer again for each (as slow as EF Core's batches).
            connection.UseMappingSchema(WithSqliteInstants.GetValue(connection.MappingSchema, model => new MappingSchema(SqliteInstants, model)));
        }
        await connection.BulkCopyAsync(new BulkCopyOptions { BulkCopyType = type }, rows, ct);
    }

    /// <summary>
    /// SQLite keeps instants as text, which queries compare as text: written as EF Core and Microsoft.Data.Sqlite write them
    /// (seven fraction digits, trailing zeros dropped), not as linq2db does (milliseconds, always three digits), or a keyset
    /// of (time, id) would not find a seeded row's time equal to itself read back.
    /// </summary>
    private static readonly MappingSchema SqliteInstants = NewSqliteInstants();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MappingSchema, MappingSchema> WithSqliteInstants = new();

    private static MappingSchema NewSqliteInstants()
    {
        const string format = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
        var schema = new MappingSchema();
        schema.SetValueToSqlConverter(typeof(DateTime), (sql, _, _, value) =>
            sql.Append('\'').Append(((DateTime)value).ToString(format, CultureInfo.InvariantCulture)).Append('\''));
        return schema;
    }

    private static DateTime Latest(DateTime? a, DateTime b) => a is { } x && x > b ? x : b;

    /// <summary>A 45-minute meeting the mentor proposed a week before and the mentee accepted.</summary>
    private static Meeting NewMeeting(Guid relationshipId, Guid programId, Guid mentorId, Guid menteeId, DateTime at, Random random)
    {
        var online = random.Next(2) == 0;
        var meeting = new Meeting(relationshipId, programId, mentorId, at, 45, online ? MeetingMode.Online : MeetingMode.InPerson,
            online ? null : "School library", online ? "https://meet.example/tandem" : null, null, null, at.AddDays(-7));
        meeting.Accept(menteeId, at.AddDays(-6));
        return meeting;
    }

    /// <summary>A password for one seeded participant, so that the app can also be measured as they see it.</summary>
    private async Task<DemoLogin> ParticipantLoginAsync(string role, string email)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"{email} was not seeded.");
        var password = NewPassword();
        var added = await users.AddPasswordAsync(user, password);
        if (!added.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", added.Errors.Select(e => e.Description)));
        }
        return new DemoLogin(role, email, password);
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
