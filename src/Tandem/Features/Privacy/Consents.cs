using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Privacy;

/// <summary>
/// Told when a person's consent to a program is withdrawn, so the feature that owns their relationships pauses them
/// (Relationships implements it; Privacy cannot reference Relationships without a cycle).
/// </summary>
public interface IConsentWithdrawalListener
{
    /// <summary>Pauses the person's open relationships in the program; returns how many were paused.</summary>
    Task<int> PauseAsync(Guid userId, Guid programId, DateTime at, CancellationToken ct);

    /// <summary>How many of the person's relationships in the program are paused for consent (paused by its withdrawal and not resumed).</summary>
    Task<int> PausedForConsentAsync(Guid userId, Guid programId, CancellationToken ct);
}

/// <summary>
/// The consent gate's ages for Privacy (Applications implements it from the applicants' ages; Privacy cannot reference
/// Applications without a cycle).
/// </summary>
public interface IConsentAges
{
    /// <summary>People of the program the gate holds under the organisation's consent age: only a guardian's or the school's "yes" counts for them.</summary>
    Task<IQueryable<Guid>> UnderConsentAgeAsync(Guid programId, CancellationToken ct);

    /// <summary>Of these people, those whose applications give an age and none under 18: adults, whom the school cannot authorise.</summary>
    Task<IReadOnlyList<Guid>> AdultsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);

    /// <summary>Every (program, person) with an application not decided yet (a draft, submitted, on the waiting list), as a query of <paramref name="db"/>.</summary>
    IQueryable<ProgramPerson> UndecidedApplications(TandemDb db);
}

/// <summary>A person in a program, as a query's row.</summary>
public sealed class ProgramPerson
{
    public Guid ProgramId { get; init; }
    public Guid UserId { get; init; }
}

/// <summary>The consent states that let a person be matched and contacted.</summary>
public static class ConsentRules
{
    /// <summary>People of a program whose consent to it is recorded and not (or no longer) given: never matched, never in a draft.</summary>
    public static IQueryable<Guid> NotGiven(TandemDb db, Guid programId) =>
        db.Set<Consent>().Where(c => c.ProgramId == programId && c.Purpose == ConsentPurpose.Program && c.State != ConsentState.Given).Select(c => c.UserId);

    /// <summary>People of a program with a given consent to it.</summary>
    public static IQueryable<Guid> Given(TandemDb db, Guid programId) =>
        db.Set<Consent>().Where(c => c.ProgramId == programId && c.Purpose == ConsentPurpose.Program && c.State == ConsentState.Given).Select(c => c.UserId);

    /// <summary>
    /// People of a program whose consent to it was given by a guardian or the school: under the organisation's consent age
    /// only these count (a child's own "yes" does not, whatever age they typed on another application).
    /// </summary>
    public static IQueryable<Guid> GivenForAChild(TandemDb db, Guid programId) =>
        db.Set<Consent>().Where(c => c.ProgramId == programId && c.Purpose == ConsentPurpose.Program && c.State == ConsentState.Given
            && (c.Giver == ConsentGiver.Guardian || c.Giver == ConsentGiver.School)).Select(c => c.UserId);

    /// <summary>
    /// A "no" the person or their guardian gave (refused, or withdrawn): only they change it. Neither another application
    /// nor the school's authorisation answers over it.
    /// </summary>
    public static bool IsTheirNo(ConsentState? state, ConsentGiver? giver) =>
        state is ConsentState.Refused or ConsentState.Withdrawn && giver is ConsentGiver.Participant or ConsentGiver.Guardian;

    public static string Describe(ConsentPurpose purpose) => purpose switch
    {
        ConsentPurpose.Program => "Taking part in the program",
        ConsentPurpose.Demographics => "Background questions (used for matching and diversity reports)",
        ConsentPurpose.Photos => "Photos",
        ConsentPurpose.OutsideChannels => "Contact through outside channels (chat apps)",
        _ => purpose.ToString(),
    };

    public static string Describe(ConsentState state) => state switch
    {
        ConsentState.AwaitingGuardian => "Waiting for a parent or guardian",
        ConsentState.Given => "Given",
        ConsentState.Refused => "Refused",
        ConsentState.Withdrawn => "Withdrawn",
        ConsentState.RenewalNeeded => "Asked again (a notice changed)",
        _ => state.ToString(),
    };
}

/// <summary>
/// Records what an applicant's submission means for consent, in the caller's unit of work (the application's SaveChanges
/// commits both): under the organisation's consent age the guardian is asked (e-mailed after the commit, by
/// <see cref="ConsentMail"/>); otherwise the applicant's own consent is recorded with the notice versions they were shown.
/// What a guardian controls (they were asked, or answered) and a "no" the person or their guardian gave are left as they
/// are: a second application typing an adult's age, or another address, changes none of it.
/// </summary>
public sealed class RecordApplicantConsent(TandemDb db, TimeProvider clock)
{
    /// <summary>
    /// On an application's first submission. <paramref name="shown"/>: the notice versions the applicant's page showed (the
    /// caller checked they are still current); the applicant's own consent is recorded on those, else on the current ones.
    /// </summary>
    public Task<GuardianAsk?> PrepareAsync(Guid userId, Guid programId, int? age, string? guardianEmail, (int? Privacy, int? DataUse)? shown, CancellationToken ct) =>
        DecideAsync(userId, programId, age, guardianEmail, submission: true, shown, ct);

    /// <summary>
    /// On a change to a submitted, undecided application: where its age is now under the consent age and the applicant's
    /// own consent is what stands, the guardian is asked (their child's own answer does not count under that age).
    /// </summary>
    public Task<GuardianAsk?> AgeChangedAsync(Guid userId, Guid programId, int? age, string? guardianEmail, CancellationToken ct) =>
        DecideAsync(userId, programId, age, guardianEmail, submission: false, null, ct);

    private async Task<GuardianAsk?> DecideAsync(Guid userId, Guid programId, int? age, string? guardianEmail, bool submission, (int? Privacy, int? DataUse)? shown, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId)
            .Select(p => new { p.Name, p.OrganisationId }).SingleAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == program.OrganisationId)
            .Select(o => new { o.Name, o.IncludesMinors, o.ConsentAge }).SingleAsync(ct);
        var consent = await db.Set<Consent>().SingleOrDefaultAsync(c => c.ProgramId == programId && c.UserId == userId && c.Purpose == ConsentPurpose.Program, ct);
        if (consent is not null && (consent.GuardianEmail is not null || consent.State == ConsentState.AwaitingGuardian || ConsentRules.IsTheirNo(consent.State, consent.Giver)))
        {
            return null;
        }
        var forTheGuardian = organisation.IncludesMinors && age is { } years && years < organisation.ConsentAge && guardianEmail is not null;
        // The applicant answered for themselves before (typing an adult's age, or before correcting it): under the consent
        // age that answer does not count, so the guardian is asked over it. The school's consent stands.
        var overTheirOwn = forTheGuardian && consent?.Giver == ConsentGiver.Participant;
        if (!overTheirOwn && (!submission || consent is { IsGiven: true }))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (consent is null)
        {
            consent = new Consent(userId, programId, program.OrganisationId, ConsentPurpose.Program, now);
            db.Add(consent);
        }
        if (forTheGuardian)
        {
            var token = LinkToken.New();
            db.Add(consent.AskGuardian(guardianEmail!, LinkToken.Hash(token), now + ConsentMail.AskFor, now));
            var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleAsync(ct);
            return new GuardianAsk(consent.Id, guardianEmail!, token, name, program.Name, organisation.Name, Renewal: false, Answered: false);
        }
        var (privacyVersion, dataUseVersion) = shown ?? await CurrentVersionsAsync(program.OrganisationId, programId, ct);
        db.Add(consent.Record(ConsentState.Given, ConsentGiver.Participant, userId, null, privacyVersion, dataUseVersion, now));
        return null;
    }

    private async Task<(int?, int?)> CurrentVersionsAsync(Guid organisationId, Guid programId, CancellationToken ct)
    {
        var (privacy, dataUse) = await Notices.CurrentAsync(db, organisationId, programId, ct);
        return (privacy?.Version, dataUse?.Version);
    }
}

/// <summary>
/// What follows a withdrawn consent to a program: the person's open relationships there pause, and the program's
/// coordinators (or, when it has none, the organisation's) are told. Called after the withdrawal is committed.
/// </summary>
public sealed class ConsentWithdrawal(TandemDb db, IEnumerable<IConsentWithdrawalListener> listeners, Notify notify, TimeProvider clock)
{
    public async Task RunAsync(Guid userId, Guid programId, string byWhom, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var paused = 0;
        foreach (var listener in listeners)
        {
            paused += await listener.PauseAsync(userId, programId, now, ct);
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId).Select(p => new { p.Name, p.OrganisationId }).SingleAsync(ct);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleAsync(ct);
        var coordinators = await CoordinatorsAsync(db, programId, program.OrganisationId, ct);
        var body = $"{name}'s consent to {program.Name} was withdrawn by {byWhom}. "
            + (paused > 0 ? $"Their {(paused == 1 ? "relationship is" : $"{paused} relationships are")} paused. " : "")
            + "They will not be matched or contacted through the program until consent is given again.";
        // The program's notice (ADR 122): retention deletes it with the program's others. Not through the gate: its readers are staff.
        await notify.RunAsync(coordinators.Distinct().Select(c => new NotificationMessage(c, NotificationKind.Privacy, $"Consent withdrawn: {name}", body, $"/programs/{programId}/consents", programId)).ToList(), ct);
    }

    /// <summary>The program's coordinators, or when it has none the organisation's.</summary>
    internal static async Task<List<Guid>> CoordinatorsAsync(TandemDb db, Guid programId, Guid organisationId, CancellationToken ct)
    {
        var coordinators = await db.Enrolments.Where(e => e.ProgramId == programId && e.Role == ProgramRole.Coordinator).Select(e => e.UserId).ToListAsync(ct);
        if (coordinators.Count == 0)
        {
            coordinators = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.Role == OrganisationRole.Coordinator)
                .Select(m => m.UserId).ToListAsync(ct);
        }
        return coordinators.Distinct().ToList();
    }
}

/// <summary>
/// Consent to a program given again (by the person or their guardian) after it was refused, withdrawn or asked again: the
/// program's coordinators are told, with how many of the person's relationships are paused for consent and can be resumed.
/// Nothing resumes by itself: a coordinator decides (the partner may have moved on). Called after the answer is committed
/// (ADR 101).
/// </summary>
public sealed class ConsentGivenAgain(TandemDb db, IEnumerable<IConsentWithdrawalListener> listeners, Notify notify)
{
    /// <summary>Whether moving from this state to Given is "given again" (a first answer is not: nothing was paused for it).</summary>
    public static bool IsAgain(ConsentState before) => before is ConsentState.Refused or ConsentState.Withdrawn or ConsentState.RenewalNeeded;

    public async Task RunAsync(Guid userId, Guid programId, CancellationToken ct)
    {
        var paused = 0;
        foreach (var listener in listeners)
        {
            paused += await listener.PausedForConsentAsync(userId, programId, ct);
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId).Select(p => new { p.Name, p.OrganisationId }).SingleAsync(ct);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleAsync(ct);
        var coordinators = await ConsentWithdrawal.CoordinatorsAsync(db, programId, program.OrganisationId, ct);
        var body = $"{name}'s consent to {program.Name} is given again; "
            + (paused == 0
                ? "none of their relationships is paused for consent."
                : $"{paused} {(paused == 1 ? "relationship" : "relationships")} paused for consent can be resumed. Nothing resumes by itself: resume each where the pair still wants to meet.");
        await notify.RunAsync(coordinators.Select(c => new NotificationMessage(c, NotificationKind.Privacy, $"Consent given again: {name}", body, $"/programs/{programId}/relationships", programId)).ToList(), ct);
    }
}

/// <summary>What a renewal leaves to do once its transaction is committed: the guardians' links to e-mail, the participants' notices to e-mail.</summary>
public sealed record RenewalToSend(IReadOnlyList<GuardianAsk> Asks, IReadOnlyList<Notification> Notices);

/// <summary>
/// A material change of a notice: every consent given in its reach (the organisation's programs, or one program) is asked
/// for again, in the publishing transaction (ADR 109). The reach is the people the program may still contact: enrolled in
/// it or with an application not yet decided, accounts not disabled, programs not closed. Guardians get a new link (also
/// for a child's own consent a guardian's address stands on); participants whose own answer counts (not under the consent
/// age) a notice; consents the school recorded, and a child's own with no guardian to ask, wait for a coordinator.
/// Read and changed 500 at a time; the state change is one UPDATE per batch, refused (409) when a consent changed meanwhile.
/// </summary>
public sealed class ConsentRenewal(TandemDb db, ConsentMail mail, Notify notify, IConsentAges ages)
{
    public const string Raced = "A consent in this notice's reach changed at the same moment; nothing was published: publish again.";
    private const int Batch = 500;

    /// <summary>
    /// The consents whose people the program may still contact: enrolled in it or with an application not yet decided, accounts
    /// not disabled, programs not closed. A renewal asks only them; a coordinator sends a guardian a new link only for them (ADR 122).
    /// </summary>
    internal static IQueryable<Consent> InReach(TandemDb db, IConsentAges ages, IQueryable<Consent> consents)
    {
        var applying = ages.UndecidedApplications(db);
        return consents.Where(c => db.Programs.Any(p => p.Id == c.ProgramId && p.Status != ProgramStatus.Closed)
            && db.Users.Any(u => u.Id == c.UserId && !u.IsDisabled)
            && (db.Enrolments.Any(e => e.ProgramId == c.ProgramId && e.UserId == c.UserId) || applying.Any(a => a.ProgramId == c.ProgramId && a.UserId == c.UserId)));
    }

    /// <summary>Within the caller's transaction; what to send after its commit (<see cref="SendAsync"/>), or 409.</summary>
    public async Task<Outcome<RenewalToSend>> RunAsync(Guid organisationId, Guid? programId, DateTime now, CancellationToken ct)
    {
        var reached = InReach(db, ages, db.Set<Consent>().Where(c => c.OrganisationId == organisationId && c.State == ConsentState.Given));
        if (programId is { } id)
        {
            reached = reached.Where(c => c.ProgramId == id);
        }
        var programs = await db.Programs.AsNoTracking().Where(p => p.OrganisationId == organisationId).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var organisation = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).SingleAsync(ct);

        // A guardian answers for the program: a new link each, so row by row (tracked; Revision catches a guardian answering meanwhile).
        var asks = new List<GuardianAsk>();
        var guardians = reached.Where(c => c.Purpose == ConsentPurpose.Program && c.GuardianEmail != null && c.Giver != ConsentGiver.School);
        while (true)
        {
            var consents = await guardians.OrderBy(c => c.Id).Take(Batch).ToListAsync(ct);
            if (consents.Count == 0)
            {
                break;
            }
            var userIds = consents.Select(c => c.UserId).ToList();
            var names = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            foreach (var consent in consents)
            {
                var token = LinkToken.New();
                db.Add(consent.AskGuardian(consent.GuardianEmail!, LinkToken.Hash(token), now + ConsentMail.AskFor, now, ConsentState.RenewalNeeded));
                asks.Add(new GuardianAsk(consent.Id, consent.GuardianEmail!, token, names[consent.UserId], programs[consent.ProgramId], organisation, Renewal: true, Answered: false));
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                return new Conflict(Raced);
            }
            db.ChangeTracker.Clear();
        }

        // Everyone else's: one UPDATE per batch, and the history's rows as the entity would have written them.
        var participants = new List<(Guid UserId, Guid ProgramId)>();
        while (true)
        {
            var batch = await reached.AsNoTracking().OrderBy(c => c.Id).Take(Batch)
                .Select(c => new { c.Id, c.UserId, c.ProgramId, c.Purpose, c.Giver, c.RecordedByUserId, c.GuardianName, c.OrganisationNoticeVersion, c.ProgramNoticeVersion })
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            var ids = batch.Select(c => c.Id).ToList();
            var changed = await db.Set<Consent>().Where(c => ids.Contains(c.Id) && c.State == ConsentState.Given).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, ConsentState.RenewalNeeded).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Revision, c => c.Revision + 1), ct);
            if (changed != batch.Count)
            {
                return new Conflict(Raced);
            }
            db.AddRange(batch.Select(c => ConsentEvent.Renewal(c.Id, c.UserId, c.ProgramId, c.Purpose, c.Giver, c.RecordedByUserId, c.GuardianName,
                c.OrganisationNoticeVersion, c.ProgramNoticeVersion, now)));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            participants.AddRange(batch.Where(c => c.Giver == ConsentGiver.Participant && c.Purpose == ConsentPurpose.Program).Select(c => (c.UserId, c.ProgramId)));
        }

        // Only those whose own answer counts are asked: under the consent age it would be refused (MyConsents), so nobody is told.
        var notices = new List<Notification>();
        foreach (var program in participants.GroupBy(p => p.ProgramId))
        {
            var userIds = program.Select(p => p.UserId).Distinct().ToList();
            var young = (await (await ages.UnderConsentAgeAsync(program.Key, ct)).Where(u => userIds.Contains(u)).ToListAsync(ct)).ToHashSet();
            var messages = userIds.Where(u => !young.Contains(u)).Select(u => new NotificationMessage(u, NotificationKind.Privacy, $"{programs[program.Key]} changed its privacy notice",
                "What the program tells you about your data changed. Read it and give your consent again to keep being matched.", "/my/access-log#consents")).ToList();
            // The program's notices, so that its retention clears them (ADR 109).
            notices.AddRange((await notify.StoreAsync(messages, ct)).Select(n => n.For(program.Key)));
        }
        await db.SaveChangesAsync(ct);
        return new RenewalToSend(asks, notices);
    }

    /// <summary>After the commit: the guardians' e-mails (each carries its link's only copy) and the notices' e-mail copies.</summary>
    public async Task SendAsync(RenewalToSend sent, CancellationToken ct)
    {
        foreach (var asks in sent.Asks.Chunk(Batch))
        {
            await mail.SendAsync(asks, ct);
        }
        await notify.EmailAsync(sent.Notices, ct);
    }
}

/// <summary>The guardian's page: whose consent, for which program, the notices to read, and where it stands.</summary>
public sealed record GuardianConsentView(string ChildName, string ProgramName, string OrganisationName, NoticeView? Privacy, NoticeView? DataUse,
    ConsentState State, IReadOnlyDictionary<ConsentPurpose, ConsentState> Purposes);

public sealed class GuardianAnswer
{
    /// <summary>True: the guardian consents to the program; false: refuses (or withdraws a consent given before).</summary>
    public bool Consents { get; set; }
    public bool Demographics { get; set; }
    public bool Photos { get; set; }
    public bool OutsideChannels { get; set; }

    /// <summary>The guardian's name, as a signature.</summary>
    [StringLength(120)]
    public string? GuardianName { get; set; }
}

/// <summary>
/// A guardian answers through the single-use link in their e-mail (no account needed). Each answer uses the link up and
/// sends a new one for changing the answer or withdrawing later. Refusing or withdrawing covers every purpose. A guardian
/// may also withdraw from their children's page (ADR 52's session proves the address as the link does), with the same
/// effects: the new link, the paused relationships and the coordinators told.
/// </summary>
public sealed class GuardianConsent(TandemDb db, ConsentMail mail, ConsentWithdrawal withdrawal, ConsentGivenAgain givenAgain, TimeProvider clock)
{
    public const string LinkDoesNotWork = "This link does not work: it was used already, was replaced by a newer e-mail, or has expired. Ask the school for a new one: the program's coordinators can send it.";
    public const string NotYourChilds = "No consent of a child who named your address has this id.";

    private async Task<Consent?> FindAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }
        var hash = LinkToken.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Set<Consent>().SingleOrDefaultAsync(c => c.TokenHash == hash && c.TokenExpiresAt > now, ct);
    }

    public async Task<Outcome<GuardianConsentView>> ShowAsync(string? token, CancellationToken ct = default)
    {
        var consent = await FindAsync(token, ct);
        if (consent is null)
        {
            return new NotFound(LinkDoesNotWork);
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == consent.ProgramId).Select(p => new { p.Name, p.OrganisationId }).SingleAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == program.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var child = await db.Users.AsNoTracking().Where(u => u.Id == consent.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        var (privacy, dataUse) = await Notices.CurrentAsync(db, program.OrganisationId, consent.ProgramId, ct);
        var purposes = await db.Set<Consent>().AsNoTracking().Where(c => c.ProgramId == consent.ProgramId && c.UserId == consent.UserId)
            .ToDictionaryAsync(c => c.Purpose, c => c.State, ct);
        return new GuardianConsentView(child, program.Name, organisation, privacy, dataUse, consent.State, purposes);
    }

    public async Task<Outcome<ConsentState>> AnswerAsync(string? token, GuardianAnswer answer, CancellationToken ct = default)
    {
        var consent = await FindAsync(token, ct);
        if (consent is null)
        {
            return new NotFound(LinkDoesNotWork);
        }
        var signature = answer.GuardianName?.Trim();
        if (string.IsNullOrEmpty(signature) || signature.Length > 120)
        {
            return Invalid.Field(nameof(answer.GuardianName), "Sign with your name (up to 120 characters).");
        }
        return await RecordAnswerAsync(consent, answer, signature, LinkDoesNotWork, ct);
    }

    /// <summary>
    /// The guardian, in their session on /guardian/children, withdraws a given consent (or one asked again after a notice
    /// changed) of a child who named their address: as a "no" through the link, unsigned (the session proves the address,
    /// not a name). 404 for any other consent; 409 when there is nothing given to withdraw.
    /// </summary>
    public async Task<Outcome<ConsentState>> WithdrawAsync(string email, Guid consentId, CancellationToken ct = default)
    {
        var consent = await Guardians.ConsentsNaming(db, email).SingleOrDefaultAsync(c => c.Id == consentId, ct);
        if (consent is null)
        {
            return new NotFound(NotYourChilds);
        }
        if (consent.State is not (ConsentState.Given or ConsentState.RenewalNeeded))
        {
            return new Conflict($"This consent is {ConsentRules.Describe(consent.State).ToLowerInvariant()}: there is nothing given to withdraw.");
        }
        return await RecordAnswerAsync(consent, new GuardianAnswer { Consents = false }, null,
            "This consent changed at the same moment; reload the page to see where it stands.", ct);
    }

    private async Task<Outcome<ConsentState>> RecordAnswerAsync(Consent consent, GuardianAnswer answer, string? signature, string changedMeanwhile, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (privacy, dataUse) = await Notices.CurrentAsync(db, consent.OrganisationId, consent.ProgramId, ct);
        var wasGiven = consent.IsGiven || consent.State == ConsentState.RenewalNeeded;
        var before = consent.State;
        var others = await db.Set<Consent>().Where(c => c.ProgramId == consent.ProgramId && c.UserId == consent.UserId && c.Purpose != ConsentPurpose.Program)
            .ToDictionaryAsync(c => c.Purpose, ct);
        var wanted = new Dictionary<ConsentPurpose, bool>
        {
            [ConsentPurpose.Program] = answer.Consents,
            [ConsentPurpose.Demographics] = answer.Consents && answer.Demographics,
            [ConsentPurpose.Photos] = answer.Consents && answer.Photos,
            [ConsentPurpose.OutsideChannels] = answer.Consents && answer.OutsideChannels,
        };
        foreach (var (purpose, yes) in wanted)
        {
            var row = purpose == ConsentPurpose.Program ? consent : others.GetValueOrDefault(purpose);
            if (row is null)
            {
                if (!yes)
                {
                    continue;
                }
                row = new Consent(consent.UserId, consent.ProgramId, consent.OrganisationId, purpose, now);
                db.Add(row);
            }
            var state = yes ? ConsentState.Given : row.IsGiven || (purpose == ConsentPurpose.Program && wasGiven) ? ConsentState.Withdrawn : ConsentState.Refused;
            db.Add(row.Record(state, ConsentGiver.Guardian, null, signature, privacy?.Version, dataUse?.Version, now));
        }
        var next = LinkToken.New();
        consent.IssueLink(LinkToken.Hash(next), now + ConsentMail.ChangeFor);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict(changedMeanwhile);
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == consent.ProgramId).Select(p => p.Name).SingleAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == consent.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var child = await db.Users.AsNoTracking().Where(u => u.Id == consent.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        await mail.SendAsync([new GuardianAsk(consent.Id, consent.GuardianEmail!, next, child, program, organisation, Renewal: false, Answered: true)], ct);
        if (consent.State == ConsentState.Withdrawn)
        {
            await withdrawal.RunAsync(consent.UserId, consent.ProgramId, "their parent or guardian", ct);
        }
        else if (consent.IsGiven && ConsentGivenAgain.IsAgain(before))
        {
            await givenAgain.RunAsync(consent.UserId, consent.ProgramId, ct);
        }
        return consent.State;
    }
}

public sealed class SchoolConsentRequest
{
    /// <summary>The participants (enrolled, or applicants of the program) the school authorises, at most 1,000 at once.</summary>
    [Required, MaxLength(RecordSchoolConsent.MaxPeople)]
    public List<Guid>? UserIds { get; set; }
}

public sealed record SchoolConsentResult(int Recorded, int AlreadyGiven);

/// <summary>
/// A school acting as the parents' agent (FERPA school official; COPPA school authorisation for educational purposes)
/// records consent to the program for a roster: recorded as given by the school, with the coordinator who did it and the
/// notice versions in force. Optional processing (background questions, photos, outside channels) is not covered: it
/// needs the family's own answer. A refusal or withdrawal by the person or their guardian stands: 409 naming them, nothing
/// recorded. A guardian's link keeps working, so a guardian who had not answered may still refuse (which withdraws it).
/// The school answers only for its students (ADR 101): people under 18, or with no age known (enrolled by hand); an adult
/// is 409 by name. A child's own "yes" that the consent gate does not count (under the consent age) is recorded over.
/// </summary>
public sealed class RecordSchoolConsent(TandemDb db, ProgramAccess programs, IConsentAges ages, TimeProvider clock)
{
    public const int MaxPeople = 1000;

    public async Task<Outcome<SchoolConsentResult>> RunAsync(Actor actor, Guid programId, SchoolConsentRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators record consent for the school.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var ids = (request.UserIds ?? []).Distinct().ToList();
        if (ids.Count is 0 or > MaxPeople)
        {
            return Invalid.Field("userIds", $"Choose between 1 and {MaxPeople} participants.");
        }
        var known = await db.Enrolments.Where(e => e.ProgramId == programId && ids.Contains(e.UserId)).Select(e => e.UserId)
            .Union(db.Set<Consent>().Where(c => c.ProgramId == programId && ids.Contains(c.UserId)).Select(c => c.UserId))
            .ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0)
        {
            return Invalid.Field("userIds", $"{unknown.Count} of these people are neither enrolled in nor applying to this program.");
        }
        var program = found.Value!;
        var existing = await db.Set<Consent>().Where(c => c.ProgramId == programId && ids.Contains(c.UserId) && c.Purpose == ConsentPurpose.Program)
            .ToDictionaryAsync(c => c.UserId, ct);
        var saidNo = existing.Values.Where(c => ConsentRules.IsTheirNo(c.State, c.Giver)).Select(c => c.UserId).ToList();
        if (saidNo.Count > 0)
        {
            var names = await db.Users.Where(u => saidNo.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).Take(10).ToListAsync(ct);
            return new Conflict($"{(saidNo.Count == 1 ? "This person" : $"{saidNo.Count} of these people")} or their parent or guardian refused or withdrew "
                + $"consent, and the school cannot answer over that: {string.Join(", ", names)}{(saidNo.Count > names.Count ? ", …" : "")}. "
                + "Only they can give it again. Nothing was recorded.");
        }
        var adults = await ages.AdultsAsync(ids, ct);
        if (adults.Count > 0)
        {
            var names = await db.Users.Where(u => adults.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).Take(10).ToListAsync(ct);
            return new Conflict($"{(adults.Count == 1 ? "This person is an adult" : $"{adults.Count} of these people are adults")}, and the school authorises only "
                + $"for its students under 18: {string.Join(", ", names)}{(adults.Count > names.Count ? ", …" : "")}. They give their own consent. Nothing was recorded.");
        }
        var young = (await (await ages.UnderConsentAgeAsync(programId, ct)).Where(u => ids.Contains(u)).ToListAsync(ct)).ToHashSet();
        var (privacy, dataUse) = await Notices.CurrentAsync(db, program.OrganisationId, programId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var recorded = 0;
        foreach (var id in ids)
        {
            var consent = existing.GetValueOrDefault(id);
            // A child's own "yes" under the consent age does not count (the gate holds them back): the school answers over it.
            if (consent is { IsGiven: true } && !(consent.Giver == ConsentGiver.Participant && young.Contains(id)))
            {
                continue;
            }
            if (consent is null)
            {
                consent = new Consent(id, programId, program.OrganisationId, ConsentPurpose.Program, now);
                db.Add(consent);
            }
            // A guardian's link stays open: a parent may refuse what the school authorised, and that withdraws it.
            db.Add(consent.Record(ConsentState.Given, ConsentGiver.School, actor.UserId, null, privacy?.Version, dataUse?.Version, now));
            recorded++;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict("Some of these consents changed at the same moment; reload and try again.");
        }
        return new SchoolConsentResult(recorded, ids.Count - recorded);
    }
}

/// <summary>One of a person's consents, as they see it.</summary>
public sealed record MyConsentView(Guid ProgramId, string ProgramName, ConsentPurpose Purpose, ConsentState State, ConsentGiver? Giver,
    int? OrganisationNoticeVersion, int? ProgramNoticeVersion, DateTime UpdatedAt, bool GuardianAnswers, bool UnderConsentAge);

public sealed class MyConsentRequest
{
    [Required]
    public Guid? ProgramId { get; set; }

    [Required]
    public ConsentPurpose? Purpose { get; set; }

    /// <summary>True gives consent (on the notices in force now); false refuses, or withdraws a consent given before.</summary>
    public bool Give { get; set; }
}

/// <summary>
/// A participant's own consents: listed, given, refused or withdrawn. Where a guardian answers for them (under the
/// organisation's consent age) only the guardian can change it: 403 saying so. Under the consent age (as the gate counts it)
/// a child cannot give their own consent to the program either: a parent or guardian, or the school, must (403, ADR 101).
/// </summary>
public sealed class MyConsents(TandemDb db, ConsentWithdrawal withdrawal, ConsentGivenAgain givenAgain, IConsentAges ages, IProgramRetention retention, TimeProvider clock)
{
    public async Task<IReadOnlyList<MyConsentView>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        var rows = await db.Set<Consent>().AsNoTracking().Where(c => c.UserId == actor.UserId)
            .Select(c => new
            {
                c.ProgramId, Program = db.Programs.Where(p => p.Id == c.ProgramId).Select(p => p.Name).Single(), c.Purpose, c.State, c.Giver,
                c.OrganisationNoticeVersion, c.ProgramNoticeVersion, c.UpdatedAt,
                Guardian = db.Set<Consent>().Any(g => g.ProgramId == c.ProgramId && g.UserId == c.UserId && g.Purpose == ConsentPurpose.Program && g.GuardianEmail != null),
            })
            .ToListAsync(ct);
        var young = new HashSet<Guid>();
        foreach (var programId in rows.Where(r => r.Purpose == ConsentPurpose.Program).Select(r => r.ProgramId).Distinct())
        {
            if (await (await ages.UnderConsentAgeAsync(programId, ct)).AnyAsync(u => u == actor.UserId, ct))
            {
                young.Add(programId);
            }
        }
        return rows.OrderBy(r => r.Program).ThenBy(r => r.Purpose)
            .Select(r => new MyConsentView(r.ProgramId, r.Program, r.Purpose, r.State, r.Giver, r.OrganisationNoticeVersion, r.ProgramNoticeVersion, r.UpdatedAt, r.Guardian,
                r.Purpose == ConsentPurpose.Program && young.Contains(r.ProgramId)))
            .ToList();
    }

    public async Task<Outcome<MyConsentView>> AnswerAsync(Actor actor, MyConsentRequest request, CancellationToken ct = default)
    {
        if (request.ProgramId is not { } programId || request.Purpose is not { } purpose || !Enum.IsDefined(purpose))
        {
            return Invalid.Field("programId", "Say which program and which purpose.");
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId
                && (db.Enrolments.Any(e => e.ProgramId == p.Id && e.UserId == actor.UserId) || db.Set<Consent>().Any(c => c.ProgramId == p.Id && c.UserId == actor.UserId)))
            .Select(p => new { p.Name, p.OrganisationId }).SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("You are not taking part in this program.");
        }
        // Its data is anonymised once (ADR 49): an answer now would be kept past that, and tell its staff of a program long closed.
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict($"{program.Name} closed and its data was anonymised: there is nothing left to consent to.");
        }
        var rows = await db.Set<Consent>().Where(c => c.ProgramId == programId && c.UserId == actor.UserId).ToListAsync(ct);
        var main = rows.SingleOrDefault(c => c.Purpose == ConsentPurpose.Program);
        if (main?.GuardianEmail is not null)
        {
            return new Forbidden("Your parent or guardian answers for you in this program: ask them to use the link in their e-mail, or ask the school.");
        }
        var young = purpose == ConsentPurpose.Program && await (await ages.UnderConsentAgeAsync(programId, ct)).AnyAsync(u => u == actor.UserId, ct);
        if (request.Give && young)
        {
            return new Forbidden($"You are under the organisation's consent age: a parent or guardian, or the school, must consent for you to take part in {program.Name}.");
        }
        if (request.Give && purpose != ConsentPurpose.Program && main is not { IsGiven: true })
        {
            return new Conflict("Consent to the program first; the optional uses come with it.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var row = rows.SingleOrDefault(c => c.Purpose == purpose);
        if (row is null)
        {
            row = new Consent(actor.UserId, programId, program.OrganisationId, purpose, now);
            db.Add(row);
        }
        var (privacy, dataUse) = await Notices.CurrentAsync(db, program.OrganisationId, programId, ct);
        var withdrawing = !request.Give && (row.IsGiven || row.State == ConsentState.RenewalNeeded);
        var again = request.Give && purpose == ConsentPurpose.Program && ConsentGivenAgain.IsAgain(row.State);
        var state = request.Give ? ConsentState.Given : withdrawing ? ConsentState.Withdrawn : ConsentState.Refused;
        db.Add(row.Record(state, ConsentGiver.Participant, actor.UserId, null, privacy?.Version, dataUse?.Version, now));
        // Withdrawing from the program withdraws the optional uses with it.
        if (!request.Give && purpose == ConsentPurpose.Program)
        {
            foreach (var other in rows.Where(r => r.Purpose != ConsentPurpose.Program && r.IsGiven))
            {
                db.Add(other.Record(ConsentState.Withdrawn, ConsentGiver.Participant, actor.UserId, null, privacy?.Version, dataUse?.Version, now));
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict("Your consent changed from elsewhere at the same moment; reload and try again.");
        }
        if (withdrawing && purpose == ConsentPurpose.Program)
        {
            await withdrawal.RunAsync(actor.UserId, programId, "themselves", ct);
        }
        else if (again)
        {
            await givenAgain.RunAsync(actor.UserId, programId, ct);
        }
        return new MyConsentView(programId, program.Name, purpose, row.State, row.Giver, row.OrganisationNoticeVersion, row.ProgramNoticeVersion, row.UpdatedAt, false, young);
    }
}

/// <summary>A consent in a program, for its coordinators: whose, to what, where it stands, who answered, on which notices.</summary>
/// ConsentId and GuardianAsked serve the "send the guardian a new link" action (its address stays off the list).
/// InReach: the program may still contact them (<see cref="ConsentRenewal.InReach"/>), so a guardian may be sent a link about them.
public sealed record ProgramConsentView(Guid UserId, string Name, ConsentPurpose Purpose, ConsentState State, ConsentGiver? Giver,
    string? RecordedBy, string? GuardianName, int? OrganisationNoticeVersion, int? ProgramNoticeVersion, DateTime UpdatedAt,
    Guid ConsentId, bool GuardianAsked, bool InReach);

/// <summary>A program's consents, for its managers, optionally in one state; waiting and refused ones first.</summary>
public sealed class ListProgramConsents(TandemDb db, ProgramAccess programs, IConsentAges ages)
{
    public async Task<Outcome<Paged<ProgramConsentView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default,
        ConsentState? state = null)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators see its consents.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (state is { } asked && !Enum.IsDefined(asked))
        {
            // "?state=7" binds as a number; it is no state, not "every state" or "none" (ADR 81).
            return Invalid.Field("state", "Ask for AwaitingGuardian, Given, Refused, Withdrawn or RenewalNeeded.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var consents = db.Set<Consent>().AsNoTracking().Where(c => c.ProgramId == programId);
        if (state is { } only)
        {
            consents = consents.Where(c => c.State == only);
        }
        var total = await consents.CountAsync(ct);
        var reach = ConsentRenewal.InReach(db, ages, db.Set<Consent>()).Select(c => c.Id);
        var items = await consents
            .OrderBy(c => c.State == ConsentState.Given).ThenBy(c => c.UserId).ThenBy(c => c.Purpose)
            .Page(paging)
            .Select(c => new ProgramConsentView(c.UserId, db.Users.Where(u => u.Id == c.UserId).Select(u => u.DisplayName).Single(), c.Purpose, c.State, c.Giver,
                db.Users.Where(u => u.Id == c.RecordedByUserId).Select(u => u.DisplayName).FirstOrDefault(), c.GuardianName,
                c.OrganisationNoticeVersion, c.ProgramNoticeVersion, c.UpdatedAt, c.Id, c.GuardianEmail != null, reach.Contains(c.Id)))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

public sealed class GuardianConsentLinkRequest
{
    /// <summary>A corrected address for the parent or guardian (only while the consent waits for their first answer); empty keeps the one on file.</summary>
    [StringLength(256)]
    public string? GuardianEmail { get; set; }
}

public sealed record GuardianLinkSent(Guid ConsentId, ConsentState State, DateTime ExpiresAt);

/// <summary>
/// A coordinator sends a parent or guardian a new consent link (lost, expired, or a renewal's 30-day link lapsed): a new
/// single-use token with a fresh 30-day expiry, e-mailed through <see cref="ConsentMail"/>; the earlier link stops working.
/// While the consent waits for the guardian's first answer the address may be corrected (validated as on the application,
/// never the participant's own). 409 when the consent is given or no guardian answers for it (ADR 101), or the person is out of a renewal's reach (ADR 122).
/// </summary>
public sealed class SendGuardianLink(TandemDb db, ProgramAccess programs, ConsentMail mail, IConsentAges ages, TimeProvider clock)
{
    public const string TheirOwn = "A parent's or guardian's address must not be the participant's own.";
    public const string OutOfReach = "This person is no longer in the program (not enrolled, their application decided, their account disabled, or the program closed): "
        + "their parent or guardian is not written to about it.";

    public async Task<Outcome<GuardianLinkSent>> RunAsync(Actor actor, Guid programId, Guid consentId, GuardianConsentLinkRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators send a guardian a new link.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var consent = await db.Set<Consent>().SingleOrDefaultAsync(c => c.Id == consentId && c.ProgramId == programId && c.Purpose == ConsentPurpose.Program, ct);
        if (consent is null)
        {
            return new NotFound("No consent to this program has this id.");
        }
        if (consent.GuardianEmail is not { } email)
        {
            return new Conflict("No parent or guardian answers for this consent, so there is no link to send.");
        }
        if (consent.IsGiven)
        {
            return new Conflict("This consent is given: there is nothing to ask the parent or guardian. They can withdraw it from their children's page.");
        }
        // As a renewal's reach (ADR 122): a guardian is not e-mailed about a program their child has left.
        if (!await ConsentRenewal.InReach(db, ages, db.Set<Consent>().Where(c => c.Id == consentId)).AnyAsync(ct))
        {
            return new Conflict(OutOfReach);
        }
        if (request.GuardianEmail?.Trim() is { Length: > 0 } typed)
        {
            if (consent.State != ConsentState.AwaitingGuardian)
            {
                return Invalid.Field("guardianEmail", "The address can be corrected only while the consent waits for the parent's or guardian's first answer.");
            }
            var (address, problem) = await GuardianAddress.CheckAsync(db, consent.UserId, typed, ct, TheirOwn);
            if (problem is not null)
            {
                return Invalid.Field("guardianEmail", problem);
            }
            email = address!;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var token = LinkToken.New();
        // The new token replaces the old one: the earlier link stops working.
        db.Add(consent.AskGuardian(email, LinkToken.Hash(token), now + ConsentMail.AskFor, now, consent.State));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict("This consent changed at the same moment; reload the page to see where it stands.");
        }
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId).Select(p => new { p.Name, p.OrganisationId }).SingleAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == program.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var child = await db.Users.AsNoTracking().Where(u => u.Id == consent.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        await mail.SendAsync([new GuardianAsk(consent.Id, email, token, child, program.Name, organisation, Renewal: consent.State == ConsentState.RenewalNeeded, Answered: false)], ct);
        return new GuardianLinkSent(consent.Id, consent.State, now + ConsentMail.AskFor);
    }
}

public sealed class ConsentAgeRequest
{
    /// <summary>Under this age a guardian consents: 13 (COPPA) to 16 (GDPR Art. 8), up to 18.</summary>
    [Range(13, 18)]
    public int ConsentAge { get; set; }
}

public sealed record ConsentAgeView(Guid OrganisationId, bool IncludesMinors, int ConsentAge);

/// <summary>An organisation's consent age, read and set by its coordinators and administrators.</summary>
public sealed class OrganisationConsentAge(TandemDb db)
{
    public async Task<Outcome<ConsentAgeView>> GetAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        return await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new ConsentAgeView(o.Id, o.IncludesMinors, o.ConsentAge)).SingleAsync(ct);
    }

    public async Task<Outcome<ConsentAgeView>> SetAsync(Actor actor, Guid organisationId, ConsentAgeRequest request, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        if (request.ConsentAge is < 13 or > 18)
        {
            return Invalid.Field("consentAge", "Give an age from 13 (COPPA) to 16 (GDPR) or at most 18.");
        }
        var organisation = await db.Organisations.SingleAsync(o => o.Id == organisationId, ct);
        organisation.SetConsentAge(request.ConsentAge);
        await db.SaveChangesAsync(ct);
        return new ConsentAgeView(organisation.Id, organisation.IncludesMinors, organisation.ConsentAge);
    }
}
