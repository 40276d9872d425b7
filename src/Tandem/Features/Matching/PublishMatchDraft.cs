using System.Text;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// Turns the newest draft into relationships in one transaction (one pair per proposal; a group per group number
/// only where the program forms groups, see <see cref="RelationshipShape"/>), then tells everybody in the app and by e-mail who their partner is,
/// their partner's introduction and why they were matched; never a private answer.
/// </summary>
public sealed class PublishMatchDraft(TandemDb db, MatchingAccess access, IProgramRetention retention, MatchingRunQueue runs, StartRelationship start, IStudyGroupSize groupSizes,
    Notify notify, TimeProvider clock, ILogger<PublishMatchDraft> logger)
{
    public async Task<Outcome<PublishResult>> RunAsync(Actor actor, Guid programId, Guid draftId, PublishRequest request, CancellationToken ct = default)
    {
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var draft = await db.Set<MatchDraft>().Include(d => d.Proposals).SingleOrDefaultAsync(d => d.Id == draftId && d.ProgramId == programId, ct);
        if (draft is null)
        {
            return new NotFound("No such draft in this program.");
        }
        if (draft.Status != MatchDraftStatus.Draft)
        {
            return new Conflict($"This draft is {draft.Status.ToString().ToLowerInvariant()}; only the newest draft can be published.");
        }
        if (draft.Proposals.Count == 0)
        {
            return new Conflict("This draft proposes no matches.");
        }
        // A run under way would supersede this draft while it is published, and its own draft would propose people
        // this one matches (ADR 111).
        if (await runs.ActiveAsync(programId, ct) is not null)
        {
            return new Conflict(RunUnderWay);
        }
        var startsOn = request.StartsOn!.Value;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (startsOn < today.AddYears(-1) || startsOn > today.AddYears(2))
        {
            return Invalid.Field("startsOn", "Choose a start date within a year before and two years after today.");
        }

        // One relationship per proposal, unless the program forms groups (ADR 13): then proposals sharing a group
        // number (a mentor's mentees, or a study group) become one relationship. A draft made before a program
        // switched to one-to-one is published as pairs too: the rule is read now, not from the stored numbers.
        var shape = await RelationshipShape.LoadAsync(db, groupSizes, programId, ct);
        var units = shape.FormsGroups
            ? draft.Proposals.GroupBy(p => p.GroupNumber).OrderBy(g => g.Key).Select(g => g.OrderBy(p => p.Id).ToList()).ToList()
            : draft.Proposals.OrderBy(p => p.GroupNumber).ThenBy(p => p.Id).Select(p => new List<MatchProposal> { p }).ToList();
        var peer = program.Pairing == PairingModel.PeerToPeer;
        var started = new List<(Relationship Relationship, List<MatchProposal> Proposals)>();
        var programStatus = program.Status;
        var outcome = await SeatTransaction.RunAsync(db, async () =>
        {
            started.Clear();
            // The program's row lock first (ADR 114), and its status read again under it: a close that met this publish
            // either waits for it or is seen here, so no pair starts in a closed program and "move to running" never
            // writes over a close (ADR 127). StartRelationship takes the same lock again, which does not block.
            if (!await ProgramLock.TakeAsync(db, programId, ct))
            {
                return new NotFound("No such program.");
            }
            if (await MatchingAccess.RefusalAsync(db, retention, programId, ct) is { } closed)
            {
                return closed;
            }
            // The draft is claimed first, on its status as stored: a second publish, or a run that superseded it since it
            // was read, leaves nothing to claim, and nothing is started (ADR 111).
            var claimed = await db.Set<MatchDraft>().Where(d => d.Id == draftId && d.Status == MatchDraftStatus.Draft)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, MatchDraftStatus.Published)
                    .SetProperty(d => d.StartsOn, startsOn).SetProperty(d => d.PublishedAt, clock.GetUtcNow().UtcDateTime), ct);
            if (claimed == 0)
            {
                return new Conflict(ChangedMeanwhile);
            }
            foreach (var proposals in units)
            {
                var members = proposals.SelectMany(p => new[] { p.FirstEnrolmentId, p.SecondEnrolmentId }).Distinct().ToList();
                var explanations = proposals.Select(p => p.Explanation()).ToList();
                var why = proposals.Count == 1
                    ? ParticipantExplanation.For(explanations[0])
                    : string.Join("\n", proposals.Select((p, i) => ParticipantExplanation.For(explanations[i])));
                var score = (int)Math.Round(explanations.Average(ParticipantExplanation.Percent));
                var result = await start.StartAsync(new StartRelationshipRequest(programId, members,
                    members.Count == 2 ? RelationshipKind.Pair : RelationshipKind.Group, startsOn, RelationshipSource.PoolMatch,
                    ParticipantExplanation.Cut(why), score), actor.UserId, null, ct);
                if (result.Failure is { } notStarted)
                {
                    return notStarted;
                }
                started.Add((result.Value!, proposals));
            }
            // Locks served this round; prohibitions stay for later rounds (late joiners). Deleted as they are now: a lock
            // removed meanwhile is no lost update (500), ADR 111.
            await db.Set<MatchRule>().Where(r => r.ProgramId == programId && r.Kind == MatchRuleKind.Lock).ExecuteDeleteAsync(ct);
            await db.SaveChangesAsync(ct);
            if (request.StartProgram)
            {
                // The publish confirmation offers it: pairs exist now, so the program is running. Only from matching
                // (the step the program's own transitions allow), claimed from that status as ChangeProgramStatus claims
                // its moves; otherwise the status is left as it is and reported.
                var now = clock.GetUtcNow().UtcDateTime;
                var moved = await db.Programs.Where(p => p.Id == programId && p.Status == ProgramStatus.Matching)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Running).SetProperty(p => p.UpdatedAt, now), ct);
                programStatus = moved == 1 ? ProgramStatus.Running
                    : await db.Programs.Where(p => p.Id == programId).Select(p => p.Status).SingleAsync(ct);
            }
            return Outcome(true);
        }, ct);
        if (outcome.Failure is { } conflict)
        {
            return conflict;
        }

        var messages = await MessagesAsync(program, started, peer, startsOn, ct);
        // Program notices (ADR 48/105): nobody whose consent was withdrawn meanwhile is told, and each notice knows its program.
        var sent = await notify.ToProgramAsync(programId, messages, ct);
        logger.LogInformation("Published draft {DraftId} of program {ProgramId} by {UserId}: {Relationships} relationships starting {StartsOn}, {Notified} people notified",
            draftId, programId, actor.UserId, started.Count, startsOn, sent.Count);
        return new PublishResult(draftId, started.Count, sent.Count, startsOn) { ProgramStatus = programStatus };
    }

    private static Outcome<bool> Outcome(bool value) => value;

    public const string RunUnderWay = "Matching is running for this program right now; publish when it has finished (its draft replaces this one).";

    public const string ChangedMeanwhile = "This draft was published or replaced by a new run at the same moment; reload and try again.";

    private async Task<List<NotificationMessage>> MessagesAsync(
        MentorshipProgram program, List<(Relationship Relationship, List<MatchProposal> Proposals)> started, bool peer, DateOnly startsOn, CancellationToken ct)
    {
        var enrolmentIds = started.SelectMany(s => s.Relationship.Members.Select(m => m.EnrolmentId)).ToHashSet();
        var people = await People.LoadAsync(db, enrolmentIds, ct);
        var introductions = await IntroductionsAsync(program.Id, people.Values.ToList(), ct);
        var messages = new List<NotificationMessage>();
        // One message per person: a one-to-one mentor with three mentees hears about all three at once, and is told
        // that they are three separate pairs.
        var byPerson = started
            .SelectMany(s => s.Relationship.Members.Select(m => (m.EnrolmentId, s.Relationship, s.Proposals)))
            .GroupBy(x => x.EnrolmentId);
        foreach (var mine in byPerson)
        {
            var me = people[mine.Key];
            var relationships = mine.Select(x => x.Relationship).ToList();
            var body = new StringBuilder();
            body.Append($"{program.Name}: from {startsOn:d MMMM yyyy} you are matched with ");
            body.Append(string.Join(relationships.Count > 1 ? "; " : ", ", relationships.Select(r =>
                string.Join(", ", r.Members.Where(m => m.EnrolmentId != me.EnrolmentId).Select(m => people[m.EnrolmentId].Name)))));
            body.Append(".\n");
            if (relationships.Count > 1)
            {
                body.Append("Each is a separate one-to-one pair: your mentees do not see each other, nor each other's meetings and check-ins.\n");
            }
            // Each person hears about the partners they were matched with directly (a mentee: the mentor; a mentor: each mentee).
            foreach (var p in mine.SelectMany(x => x.Proposals).Where(p => p.FirstEnrolmentId == me.EnrolmentId || p.SecondEnrolmentId == me.EnrolmentId))
            {
                var partner = people[p.FirstEnrolmentId == me.EnrolmentId ? p.SecondEnrolmentId : p.FirstEnrolmentId];
                body.Append($"\nAbout {partner.Name} ({RoleName(partner.Role)}):\n");
                body.Append(introductions.GetValueOrDefault(partner.EnrolmentId) is { Length: > 0 } intro ? intro : "(no introduction yet)\n");
                body.Append($"Why you were matched: {ParticipantExplanation.For(p.Explanation())}.\n");
            }
            var partners = relationships.Sum(r => r.Members.Count - 1);
            var title = peer ? (partners > 1 ? "Your study group" : "Your study partner")
                : me.Role == ProgramRole.Mentee ? "Your mentor" : partners > 1 ? "Your mentees" : "Your mentee";
            messages.Add(new NotificationMessage(me.UserId, NotificationKind.Matches, $"{title} in {program.Name}", body.ToString(), "/my/relationships", program.Id));
        }
        return messages;
    }

    private static string RoleName(ProgramRole role) => role.ToString().ToLowerInvariant();

    /// <summary>
    /// A person's introduction: their answers to the text questions of their form that are neither private nor sensitive.
    /// Private and sensitive questions (and everything else) stay with the coordinators (ADR 111): a question private or
    /// sensitive in any version of the program's forms is left out, as the pool leaves it out (ADR 127), so an answer given
    /// on a version before the question was made private is not read out to the partner.
    /// </summary>
    private async Task<Dictionary<Guid, string>> IntroductionsAsync(Guid programId, IReadOnlyList<PersonRef> people, CancellationToken ct)
    {
        var userIds = people.Select(p => p.UserId).ToList();
        var applications = await db.Set<Application>().AsNoTracking()
            .Where(a => a.ProgramId == programId && userIds.Contains(a.UserId) && a.Status == ApplicationStatus.Approved && a.QuestionnaireId != null)
            .Select(a => new { a.UserId, a.Role, a.AnswersJson, Questions = a.Questionnaire!.QuestionsJson })
            .ToListAsync(ct);
        var forms = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == programId).Select(q => q.QuestionsJson).ToListAsync(ct);
        var privateIds = forms.SelectMany(Questionnaire.Parse).Where(q => q.Private || q.Sensitive).Select(q => q.Id).ToHashSet();
        var result = new Dictionary<Guid, string>();
        foreach (var person in people)
        {
            var application = applications.FirstOrDefault(a => a.UserId == person.UserId && a.Role == person.Role);
            if (application is null)
            {
                continue;
            }
            var answers = AnswerSheet.Parse(application.AnswersJson);
            var text = new StringBuilder();
            foreach (var q in Questionnaire.Parse(application.Questions).Where(q => !privateIds.Contains(q.Id) && q.Type is QuestionType.ShortText or QuestionType.LongText))
            {
                if (answers.TryGetValue(q.Id, out var value))
                {
                    text.Append($"  {q.Prompt} {AnswerSheet.Display(q, value)}\n");
                }
            }
            result[person.EnrolmentId] = text.ToString();
        }
        return result;
    }
}
