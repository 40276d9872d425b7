using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Repeats;

/// <summary>
/// Inviting the source program's mentors back to its copy (ADR 65). Who is asked: people enrolled in the source as mentors
/// (peers too, when both programs are peer programs, since peers mentor each other) whose account is active (an erased or disabled account
/// is not), whom the source's consent gate does not hold back (refused, withdrawn, waiting for a guardian, asked again, or
/// under the consent age without a guardian's or the school's consent: ADR 48, ADR 105), who were not the subject of a
/// safeguarding concern or an escalated one there (by name, or as the other member of the pair it was raised about; the
/// page does not say why, as a coordinator who is not a designated lead does not see safeguarding concerns), and who
/// were not invited back before. A mentor who was removed from the source has no enrolment there and is not asked. The
/// coordinator sees the others by name, a page at a time, and may leave any of them out of a press. Each gets Recruitment's
/// invitation to apply (the e-mail with a personal link through the outbox); a row per person makes a second press send nothing.
/// The source's mentors are the source's people: only someone who manages the source too sees their names and invites
/// them (ADR 105); a coordinator of the copy alone sees the counts.
/// </summary>
public sealed class ReturningMentors(TandemDb db, ProgramAccess access, IProgramApplicants applicants, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    public const string OnlyCoordinators = "Only the program's coordinators see where it came from and invite its mentors back.";

    public const string OnlySourceCoordinators = "Only a coordinator of the source program too sees its mentors and invites them back.";

    /// <summary>Names shown on one page of mentors to invite back.</summary>
    public const int DefaultPageSize = 50;

    public async Task<Outcome<ProgramOriginView>> GetAsync(Actor actor, Guid programId, CancellationToken ct = default, int page = 1, int pageSize = DefaultPageSize)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var origin = await db.Set<ProgramOrigin>().AsNoTracking().SingleOrDefaultAsync(o => o.ProgramId == programId, ct);
        if (origin is null)
        {
            return new NotFound("This program was made from scratch: it has no template or source program.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        string? sourceName = null;
        List<ReturningMentorView> toInvite = [];
        var eligible = 0;
        var managesSource = false;
        if (origin.SourceProgramId is { } sourceId && await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == sourceId, ct) is { } source)
        {
            sourceName = source.Name;
            var candidates = await CandidatesAsync(source, found.Value!, ct);
            eligible = await candidates.CountAsync(ct);
            managesSource = (await access.FindManagedAsync(actor, sourceId, ct, OnlySourceCoordinators, tracked: false)).Failure is null;
            if (managesSource)
            {
                // One page of names, in the database's order (name, then id): never every mentor of a large source per view.
                toInvite = await db.Users.Where(u => candidates.Contains(u.Id))
                    .OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Page(paging)
                    .Select(u => new ReturningMentorView(u.Id, u.DisplayName)).ToListAsync(ct);
            }
        }
        var invited = await db.Set<ReturningMentorInvitation>().CountAsync(i => i.ProgramId == programId, ct);
        return new ProgramOriginView(programId, origin.TemplateKey, origin.SourceProgramId, sourceName, origin.CreatedAt, eligible, invited, toInvite)
        {
            ManagesSource = managesSource, Page = paging.Page, PageSize = paging.PageSize,
        };
    }

    public async Task<Outcome<InviteMentorsBackResult>> InviteAsync(Actor actor, Guid programId, CancellationToken ct = default, IReadOnlyCollection<Guid>? leaveOut = null)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var sourceId = await db.Set<ProgramOrigin>().Where(o => o.ProgramId == programId).Select(o => o.SourceProgramId).SingleOrDefaultAsync(ct);
        var source = sourceId is { } id ? await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct) : null;
        if (source is null)
        {
            return new Conflict("This program is not a copy of another program (or its source was deleted), so it has no mentors to invite back.");
        }
        if ((await access.FindManagedAsync(actor, source.Id, ct, OnlySourceCoordinators, tracked: false)).Failure is not null)
        {
            return new Forbidden(OnlySourceCoordinators);
        }
        if (RecruitmentRules.NotRecruitingProblem(program) is { } notRecruiting)
        {
            return notRecruiting;
        }
        var role = program.Pairing == PairingModel.PeerToPeer ? ProgramRole.Peer : ProgramRole.Mentor;
        var left = leaveOut?.Distinct().ToList() ?? [];
        var batch = new List<(Invitation Invitation, string Token)>();
        var inProgram = 0;
        int alreadyInvited;
        // Checked and inserted as one unit behind the copy's row lock, as every invitation to apply is (ADR 106, ADR 119): a
        // coordinator's invitation or a roster row for the same person at this moment waits, then sees these invitations.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await RecruitmentRules.LockProgramAsync(db, programId, ct))
            {
                return new NotFound("No program with this id is visible to you.");
            }
            alreadyInvited = await db.Set<ReturningMentorInvitation>().CountAsync(i => i.ProgramId == programId, ct);
            var people = await (await CandidatesAsync(source, program, ct))
                .Where(userId => !left.Contains(userId))
                .Join(db.Users, userId => userId, u => u.Id, (userId, u) => new { u.Id, u.Email, u.NormalizedEmail, u.DisplayName })
                .OrderBy(u => u.Id).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            // Applicants of the copy, and anyone its consent gate holds back, are in it already (ADR 106).
            var taken = await RecruitmentRules.TakenAsync(db, applicants, programId, people.Select(p => p.NormalizedEmail!).ToList(), now, ct);
            foreach (var person in people)
            {
                if (taken.Problem(person.NormalizedEmail!, person.Email!) is not null)
                {
                    inProgram++;
                    continue;
                }
                var (token, hash) = Invitation.NewToken();
                var (first, last) = SplitName(person.DisplayName);
                var invitation = Invitation.ToApply(program, person.Email!, role, InvitationSource.Direct, actor.UserId == Guid.Empty ? null : actor.UserId,
                    hash, now, now.AddDays(options.Value.InvitationLifetimeDays), new InviteeDetails(first, last, null, null));
                db.Add(invitation);
                db.Add(new ReturningMentorInvitation(programId, person.Id, invitation.Id, actor.UserId, now));
                batch.Add((invitation, token));
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                return new Conflict("Someone else is inviting this program's mentors back at this moment; reload to see who was invited.");
            }
            await transaction.CommitAsync(ct);
        }
        // After the commit, as every invitation is sent: a mail server that is down leaves them queued, never unsaved.
        await mailer.SendAsync(batch, ct);
        return new InviteMentorsBackResult(batch.Count, alreadyInvited, inProgram, alreadyInvited + batch.Count);
    }

    /// <summary>The ids of the source's mentors who may be invited back to <paramref name="program"/> and have not been.</summary>
    private async Task<IQueryable<Guid>> CandidatesAsync(MentorshipProgram source, MentorshipProgram program, CancellationToken ct)
    {
        var roles = source.Pairing == PairingModel.PeerToPeer && program.Pairing == PairingModel.PeerToPeer
            ? new[] { ProgramRole.Mentor, ProgramRole.Peer }
            : [ProgramRole.Mentor];
        var sourceId = source.Id;
        var programId = program.Id;
        var aboutConcerns = Concerns.ConcernSubjects.OfSeriousConcerns(db, sourceId);
        // Whom the source may not contact (ADR 48): not only a refusal or withdrawal, also a consent waiting for a
        // guardian or asked for again, and a child under the consent age without a guardian's or the school's consent.
        var unconsented = await Applications.ConsentGate.UnconsentedAsync(db, sourceId, ct);
        return db.Enrolments
            .Where(e => e.ProgramId == sourceId && roles.Contains(e.Role) && !e.User!.IsDisabled && e.User.Email != null)
            .Where(e => !unconsented.Contains(e.UserId))
            .Where(e => !db.Set<ReturningMentorInvitation>().Any(i => i.ProgramId == programId && i.UserId == e.UserId))
            // Not someone a safeguarding concern, or an escalated one, in the source was about.
            .Where(e => !aboutConcerns.Contains(e.UserId))
            .Select(e => e.UserId)
            .Distinct();
    }

    private static (string First, string Last) SplitName(string displayName)
    {
        var name = displayName.Trim();
        var space = name.IndexOf(' ');
        var (first, last) = space < 0 ? (name, "") : (name[..space], name[(space + 1)..].Trim());
        // Whole characters: a cut inside an emoji leaves half of it, which PostgreSQL refuses to store (ADR 119).
        return (WholeCharacters.Within(first, 100), WholeCharacters.Within(last, 100));
    }
}
