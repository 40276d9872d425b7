using System.Text.RegularExpressions;

namespace Tandem.Tests.Architecture;

/// <summary>
/// Which feature may use which (docs/architecture.md, "Features and their references"). The source of every
/// feature folder is read for references to another feature's namespace: a using directive,
/// <c>Tandem.Features.X.Type</c>, or <c>X.Type</c> from inside <c>Tandem.Features</c>. A new reference fails
/// until it is added to <see cref="Allowed"/> with what it uses; a new cycle between features fails too.
/// </summary>
public sealed class FeatureReferenceTests
{
    /// <summary>Every reference from one feature to another, with the types it is for.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Accounts"] = [],
        // The account a notice goes to, and the reader's role in a program. Whom a program may not contact is asked through
        // Notifications.IProgramConsent, which Applications implements (ADR 48).
        ["Notifications"] = ["Accounts", "Programs"],
        // Members are accounts.
        ["Organisations"] = ["Accounts"],
        // A program belongs to an organisation.
        ["Programs"] = ["Accounts", "Organisations"],
        // Invitations and rosters create accounts, memberships and enrolments; adding a member or enrolling someone
        // from outside is an invitation (ADR 19), so those two use cases and the members page live here. A coordinator's read
        // of staff nominations about minors is audited (Privacy.AuditLog); who already applied is asked through
        // Recruitment.IProgramApplicants, which Applications implements (ADR 106).
        ["Recruitment"] = ["Accounts", "Events", "Organisations", "Privacy", "Programs"],
        // Applying creates an account when needed, accepts an invitation, and an approval enrols; a decision notifies the
        // applicant and the review pages show how the notice reached them; the public program page lists information sessions.
        // Reading a minor's application is audited (Privacy), and the applications say who is a minor (Privacy.IMinors).
        ["Applications"] = ["Accounts", "Events", "Notifications", "Organisations", "Privacy", "Programs", "Recruitment"],
        // Relationships are between enrolments of a program; a start notifies; fit checks read the members' applications;
        // the staff view of a minor's relationship is audited; the compiled access query writes out who coordinates a
        // program, organisation coordinators included (ADR 82).
        ["Relationships"] = ["Accounts", "Applications", "Notifications", "Organisations", "Privacy", "Programs"],
        // A conversation belongs to a relationship and its members; a safeguarding review writes to the audit log.
        ["Conversations"] = ["Accounts", "Privacy", "Relationships"],
        // The engine adapter reads approved applications' answers; publishing, re-matching, late joiners and a mentee's
        // choice of a ranked mentor start relationships; the group size a relationship may have comes from the setup. A
        // coordinator's read of minors' answers in a draft's or a candidate list's explanations is audited (Privacy.AuditLog, ADR 111).
        ["Matching"] = ["Applications", "Notifications", "Privacy", "Programs", "Relationships"],
        // Meetings belong to relationships; suggested times read the members' weekly availability from their applications;
        // staff reading a minor's meetings (the members' notes) is audited.
        ["Meetings"] = ["Accounts", "Applications", "Notifications", "Organisations", "Privacy", "Programs", "Relationships"],
        // A check-in is about a relationship's meeting; staff reading a minor's check-ins is audited.
        ["CheckIns"] = ["Accounts", "Meetings", "Privacy", "Programs", "Relationships"],
        // Health reads meetings and check-ins of relationships against the program's cadence; reminders notify; the
        // pair's check-ins page shows their health; a staff read of a pair's health is audited (Privacy.AuditLog).
        ["Engagement"] = ["CheckIns", "Events", "Meetings", "Notifications", "Organisations", "Privacy", "Programs", "Relationships"],
        // Splitting the mentor groups of one-to-one programs carries every feature's rows of a relationship (ADR 13).
        ["DataRepairs"] = ["CheckIns", "Engagement", "Events", "Matching", "Meetings", "Programs", "Recruitment", "Relationships"],
        // A concern is about a program (its coordinators, its organisation's coordinators) and optionally one of the
        // reporter's relationships; handlers and the reporter are notified. A lead's designation ends with the account
        // (Accounts.IAccountDisabledListener) or the membership (Organisations.IMembershipEndingListener), ADR 98.
        ["Concerns"] = ["Accounts", "Notifications", "Organisations", "Privacy", "Programs", "Relationships"],
        // A program's outcome data belong to the program; its coordinators import and read them.
        ["Outcomes"] = ["Programs"],
        // Coordinators download the program's participants, relationships, meetings and check-ins, and a survey's results
        // (as the survey's results and its list by person show them); a person downloads everything held about them (ExportMyData),
        // and an operator erases a person (ErasePerson: the same map in reverse, over every feature that stores their words,
        // the journal included, which no export but its author's own holds).
        // Retention (ADR 49) is erasure on a schedule: it reads the organisation's setting and anonymises outcome rows' names too.
        // A participant's private journal (ADR 56): prompts belong to programs, an entry can be shared with a relationship.
        ["Journal"] = ["Accounts", "Programs", "Relationships"],
        // A relationship's goals (ADR 59): its members assign action items to each other, its program's coordinators follow progress
        // (a staff read of a minor's relationship is audited), and a check-in ticks items off through CheckIns.ICheckInActionItems;
        // the program dashboard and report read the goal figures through Reports.IProgramGoalFigures, which Goals implements.
        // A goal shows the resources attached to it and is a target through Resources.IResourceTarget (ADR 64).
        ["Goals"] = ["Accounts", "CheckIns", "Privacy", "Programs", "Relationships", "Reports", "Resources"],
        // Recognition (ADR 63): kudos and badges go to a program's participants and members of their relationships, with notices;
        // meetings held (CheckIns.IMeetingHeldListener, their length from Meetings), relationships completed
        // (Relationships.IRelationshipEndedListener) and programs closed (Programs.IProgramClosedListener) award badges, propose
        // hours and issue certificates; a minor's name is shortened on the public verification page (Privacy.IMinors).
        ["Recognition"] = ["Accounts", "CheckIns", "Meetings", "Notifications", "Privacy", "Programs", "Relationships"],
        // Training (ADR 61): a program's modules for its participants by role; a module's file is checked by Infrastructure.Files.AttachmentPolicy
        // (the one upload check for files people download, moved out of Conversations); a coordinator's read of a minor's reflections is audited (Privacy); matching
        // and relationships read the requirement through Relationships.ITrainingGate, which Training implements; a completion proposes
        // its minutes as service hours and the last one awards the "training complete" badge (Recognition, ADR 63); a module shows the
        // resources attached to it and is a target through Resources.IResourceTarget (ADR 64).
        ["Training"] = ["Accounts", "Privacy", "Resources", "Programs", "Recognition", "Relationships"],
        // Exports erases, retains and downloads every feature's personal data: goals' words too (ADR 59, amended 2026-12-06).
        ["Exports"] = ["Accounts", "Applications", "Channels", "CheckIns", "Concerns", "Conversations", "Events", "Goals", "Integrations", "Journal", "Matching", "Meetings", "Notifications", "Organisations", "Outcomes", "Privacy", "Programs", "Recognition", "Recruitment", "Relationships", "Surveys", "Training"],
        // Surveys go to a program's people by role (or an organisation's); answers are checked as questionnaire answers
        // are; a pulse follows a meeting checked in as held in a relationship; invitations and reminders notify; a read of minors'
        // named answers is audited (Privacy); a program anonymised by retention is known through Programs.IProgramRetention (ADR 99).
        ["Surveys"] = ["Accounts", "Applications", "CheckIns", "Notifications", "Organisations", "Privacy", "Programs", "Relationships"],
        // Dashboards, objective measures and the PDF report read every feature's figures: recruitment channels and
        // applications, enrolments, relationships and their check-ins against the cadence (the engagement rule),
        // survey responses, open concerns, organisation access; and outcome data (ADR 27).
        ["Reports"] = ["Applications", "CheckIns", "Concerns", "Engagement", "Organisations", "Outcomes", "Programs", "Recruitment", "Relationships", "Surveys"],
        // The home pages gather what waits on a participant (relationships, mentor requests, meetings to answer or check in
        // about, fit checks, surveys, applications) and what needs a coordinator's attention (applications to review,
        // unmatched enrolments, relationships at risk by the engagement rule, meetings without a check-in).
        ["Home"] = ["Applications", "CheckIns", "Engagement", "Meetings", "Programs", "Relationships", "Surveys"],
        // The audit log of reads of minors' records: an organisation's coordinators search it. Who is a minor comes through
        // Privacy.IMinors (implemented by Applications), and the features that show records call AuditLog (ADR 40).
        // Consents (ADR 48) belong to a program's people; the guardian page is rate limited as sign-in is; a withdrawal
        // notifies the coordinators (and pauses relationships through Privacy.IConsentWithdrawalListener, implemented by Relationships).
        ["Privacy"] = ["Accounts", "Notifications", "Organisations", "Programs"],
        // Slack and Teams channels are a program's, set by its coordinators (ADR 55); signed webhooks are an organisation's,
        // managed by its coordinators and administrators (ADR 58). Features raise webhook events through
        // Infrastructure.Webhooks.IWebhookEvents, which Integrations implements, so none of them references Integrations for it.
        // WhatsApp (ADR 69): a person's number and opt-ins are theirs (Accounts), minors may not opt in (Privacy.IMinors), and the
        // opt-in form is a section of the notification settings page (Notifications.NotificationSettingsSection, which the page renders
        // without knowing Integrations).
        ["Integrations"] = ["Accounts", "Notifications", "Organisations", "Privacy", "Programs"],
        // Announcements go to a program's participants by role, with notices and e-mail, and to its channels (ADR 55), leaving out
        // those without consent (Applications.ConsentGate, ADR 48).
        ["Community"] = ["Accounts", "Applications", "Integrations", "Notifications", "Programs"],
        // Discussion channels (ADR 66): a program's channels for its people by role, study groups' channels for a group relationship's
        // members; mentions, replies and reports notify; a moderator's decision about a minor is written to the audit log (Privacy).
        ["Channels"] = ["Accounts", "Notifications", "Privacy", "Programs", "Relationships"],
        // Events: answers notify (Notifications) and reminders post to the program's channels (Integrations); Engagement reads attendance.
        // An event shows the resources attached to it and is a target through Resources.IResourceTarget (ADR 64). A removed
        // enrolment (Programs.IEnrolmentRemovedListener) and a disabled account (Accounts.IAccountDisabledListener) give up their
        // places; a read of a minor's attendance is audited (Privacy.AuditLog, ADR 97).
        ["Events"] = ["Accounts", "Integrations", "Notifications", "Privacy", "Programs", "Resources"],
        // The resource library (ADR 64): a program's (by the readers' roles) or an organisation's; it knows modules, goals and
        // events only through IResourceTarget, which Training, Goals and Events implement, so it references none of them.
        ["Resources"] = ["Organisations", "Programs"],
        // Programs that repeat (ADR 65): a template applies the program, form, matching, training, survey, journal and badge use cases in one
        // transaction; a copy reads each feature's design rows (and copies training and resource files, ADR 77); inviting mentors back
        // issues Recruitment's invitations to apply, leaving out people who refused or withdrew consent (Privacy), disabled or erased accounts
        // and anyone a safeguarding or escalated concern in the source was about (Concerns).
        ["Repeats"] = ["Accounts", "Applications", "Concerns", "Journal", "Matching", "Organisations", "Programs", "Recognition", "Recruitment", "Relationships", "Resources", "Surveys", "Training"],
        // The demo seeds every feature's data.
        ["Demo"] = ["Accounts", "Applications", "CheckIns", "Matching", "Meetings", "Organisations", "Programs", "Relationships"],
    };

    /// <summary>
    /// Cycles between features (issue 15, item 3 removed the last two): each would be listed by its features in
    /// alphabetical order. Keep it empty; a new cycle fails.
    /// </summary>
    private static readonly string[] KnownCycles = [];

    private static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tandem.slnx")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        return Path.Combine(directory!.FullName, "src", "Tandem");
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string[] Features() =>
        Directory.GetDirectories(Path.Combine(SourceRoot(), "Features")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The features whose namespace the text refers to (fully qualified, or relative from inside Tandem.Features).</summary>
    private static IEnumerable<string> ReferencedFeatures(string text, IEnumerable<string> features) =>
        features.Where(f => text.Contains($"Tandem.Features.{f}", StringComparison.Ordinal)
            || Regex.IsMatch(text, $@"(?<![\w.]){f}\.[A-Z]\w*"));

    /// <summary>What each feature refers to, with one file that does for each reference.</summary>
    private static Dictionary<string, Dictionary<string, string>> Graph()
    {
        var features = Features();
        var graph = features.ToDictionary(f => f, _ => new Dictionary<string, string>());
        foreach (var feature in features)
        {
            foreach (var file in SourceFiles(Path.Combine(SourceRoot(), "Features", feature)))
            {
                foreach (var other in ReferencedFeatures(File.ReadAllText(file), features.Where(f => f != feature)))
                {
                    graph[feature].TryAdd(other, Path.GetRelativePath(SourceRoot(), file));
                }
            }
        }
        return graph;
    }

    [Fact]
    public void InfrastructureNeverReferencesAFeature()
    {
        var features = Features();
        var offenders = SourceFiles(Path.Combine(SourceRoot(), "Infrastructure"))
            .SelectMany(file => ReferencedFeatures(File.ReadAllText(file), features).Select(f => $"{Path.GetRelativePath(SourceRoot(), file)} uses {f}"))
            .ToList();

        Assert.True(offenders.Count == 0, "Infrastructure must not know the features (register them in TandemApp.cs):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void AFeatureReferencesOnlyTheFeaturesItIsAllowedTo()
    {
        var graph = Graph();
        var problems = new List<string>();
        foreach (var (feature, references) in graph)
        {
            if (!Allowed.TryGetValue(feature, out var allowed))
            {
                problems.Add($"{feature}: a new feature; list what it may reference in Allowed (today: {string.Join(", ", references.Keys.Order())})");
                continue;
            }
            problems.AddRange(references.Where(r => !allowed.Contains(r.Key))
                .Select(r => $"{feature} -> {r.Key} (in {r.Value}): not allowed; use an allowed feature, move the code, or add it to Allowed with the reason"));
            problems.AddRange(allowed.Where(a => !references.ContainsKey(a))
                .Select(a => $"{feature} -> {a}: allowed but no longer used; take it off Allowed"));
        }
        problems.AddRange(Allowed.Keys.Except(graph.Keys).Select(f => $"{f}: in Allowed but no such feature folder"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void NoCycleBetweenFeaturesBeyondTheKnownOnes()
    {
        var graph = Graph();
        var cycles = StronglyConnected(graph.ToDictionary(g => g.Key, g => g.Value.Keys.ToArray()))
            .Where(c => c.Count > 1)
            .Select(c => string.Join(" ", c.Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(KnownCycles.Order(StringComparer.Ordinal), cycles);
    }

    [Fact]
    public void TheReferenceScanFindsQualifiedAndRelativeReferencesButNotPropertiesOfTheSameName()
    {
        string[] features = ["Programs", "Matching"];

        Assert.Equal(["Programs"], ReferencedFeatures("using Tandem.Features.Programs;", features));
        Assert.Equal(["Programs"], ReferencedFeatures("if (role == Programs.ProgramRole.Mentee)", features));
        Assert.Empty(ReferencedFeatures("var name = db.Programs.Where(p => p.Id == id);", features));
    }

    /// <summary>Tarjan's strongly connected components: each cycle of features is one component of two or more.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, string[]> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }
        foreach (var node in graph.Keys)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return components;
    }
}
