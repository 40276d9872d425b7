using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>Who asked for an erasure: the person themselves (signed in), or a guardian (through their link).</summary>
public enum ErasureRequester { Person, Guardian }

public enum ErasureRequestState { Open, CarriedOut, Declined }

/// <summary>
/// A request to erase a person (GDPR Art. 17; COPPA 312.6), made by the person or their guardian, decided by the
/// organisation's coordinators or administrators: carried out (<see cref="ErasePerson"/>) or declined with a reason
/// (ADR 52). The row stays as the record of the request; the guardian's address is cleared once they have been told.
/// </summary>
public sealed class ErasureRequest
{
    private ErasureRequest() { }

    public ErasureRequest(Guid organisationId, Guid subjectUserId, ErasureRequester requestedBy, Guid? requesterUserId, string? requesterEmail, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        SubjectUserId = subjectUserId;
        RequestedBy = requestedBy;
        RequesterUserId = requesterUserId;
        RequesterEmail = requesterEmail;
        RequestedAt = at;
        State = ErasureRequestState.Open;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>Whose data (an account id, which stays a pseudonym once the account is erased).</summary>
    public Guid SubjectUserId { get; private set; }
    public ErasureRequester RequestedBy { get; private set; }
    public Guid? RequesterUserId { get; private set; }

    /// <summary>The guardian's address, to tell them the decision; cleared when they have been told.</summary>
    public string? RequesterEmail { get; private set; }
    public DateTime RequestedAt { get; private set; }
    public ErasureRequestState State { get; private set; }
    public Guid? DecidedByUserId { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? DeclineReason { get; private set; }
}

internal sealed class ErasureRequestConfiguration : IEntityTypeConfiguration<ErasureRequest>
{
    public void Configure(EntityTypeBuilder<ErasureRequest> request)
    {
        request.ToTable("ErasureRequests");
        request.HasKey(r => r.Id);
        request.Property(r => r.RequestedBy).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.RequesterEmail).HasMaxLength(256);
        request.Property(r => r.DeclineReason).HasMaxLength(DecideErasureRequest.MaxReason);
        // One open request per person: a second ask is answered 409 (two at once: the database refuses one).
        request.HasIndex(r => r.SubjectUserId).IsUnique().HasFilter("\"State\" = 'Open'").HasDatabaseName("IX_ErasureRequests_OneOpenPerPerson");
        request.HasIndex(r => new { r.OrganisationId, r.State, r.RequestedAt });
        request.HasIndex(r => r.RequesterUserId);
    }
}

/// <summary>An erasure request as the person (or their guardian) sees it.</summary>
public sealed record MyErasureRequestView(Guid Id, string OrganisationName, ErasureRequester RequestedBy, DateTime RequestedAt, ErasureRequestState State,
    DateTime? DecidedAt, string? DeclineReason);

/// <summary>An erasure request for the organisation's coordinators and administrators.</summary>
public sealed record ErasureRequestView(Guid Id, Guid SubjectUserId, string SubjectName, ErasureRequester RequestedBy, string? RequesterEmail,
    DateTime RequestedAt, ErasureRequestState State, string? DecidedBy, DateTime? DecidedAt, string? DeclineReason);

public sealed class MyErasureRequestRequest
{
    /// <summary>The organisation to ask; needed only when the person takes part in more than one.</summary>
    public Guid? OrganisationId { get; set; }
}

public sealed class DeclineErasureRequestRequest
{
    /// <summary>Why the organisation keeps the data (for example a school's legal duty to keep records); sent to whoever asked.</summary>
    [Required(ErrorMessage = "Say why the data is kept."), StringLength(DecideErasureRequest.MaxReason)]
    public string? Reason { get; set; }
}

/// <summary>
/// Asking for erasure: by the signed-in person (of an organisation they take part in) or by a guardian for a child whose
/// consent names them. One request per person may be open (409 for a second). The organisation's coordinators are told.
/// </summary>
public sealed class AskForErasure(TandemDb db, Notify notify, TimeProvider clock)
{
    public const string AlreadyOpen = "An erasure request for this person is already open: the organisation will decide it and tell whoever asked.";

    /// <summary>The organisations a person takes part in: as a member, enrolled, applying, or with a consent.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> OrganisationsOfAsync(Guid userId, CancellationToken ct = default)
    {
        var programs = db.Enrolments.Where(e => e.UserId == userId).Select(e => e.ProgramId)
            .Union(db.Set<Application>().Where(a => a.UserId == userId).Select(a => a.ProgramId));
        var ids = db.OrganisationMemberships.Where(m => m.UserId == userId).Select(m => m.OrganisationId)
            .Union(db.Programs.Where(p => programs.Contains(p.Id)).Select(p => p.OrganisationId))
            .Union(db.Set<Consent>().Where(c => c.UserId == userId).Select(c => c.OrganisationId));
        var found = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => new { o.Id, o.Name }).ToListAsync(ct);
        return found.OrderBy(o => o.Name).Select(o => (o.Id, o.Name)).ToList();
    }

    public async Task<Outcome<MyErasureRequestView>> ByPersonAsync(Actor actor, MyErasureRequestRequest request, CancellationToken ct = default)
    {
        var organisations = await OrganisationsOfAsync(actor.UserId, ct);
        if (organisations.Count == 0)
        {
            return new NotFound("You take part in no organisation on Tandem: ask the installation's operator to erase your account.");
        }
        Guid organisationId;
        if (request.OrganisationId is { } chosen)
        {
            if (!organisations.Any(o => o.Id == chosen))
            {
                return new NotFound("You do not take part in this organisation.");
            }
            organisationId = chosen;
        }
        else if (organisations.Count == 1)
        {
            organisationId = organisations[0].Id;
        }
        else
        {
            return Invalid.Field("organisationId", "You take part in more than one organisation: say which one to ask.");
        }
        return await CreateAsync(new ErasureRequest(organisationId, actor.UserId, ErasureRequester.Person, actor.UserId, null, clock.GetUtcNow().UtcDateTime), ct);
    }

    /// <summary>A guardian's request for a child whose consent names them; the organisation is that of the newest such consent.</summary>
    public async Task<Outcome<MyErasureRequestView>> ByGuardianAsync(string guardianEmail, Guid childId, CancellationToken ct = default)
    {
        var organisationId = await Guardians.ConsentsNaming(db, guardianEmail).Where(c => c.UserId == childId)
            .OrderByDescending(c => c.UpdatedAt).Select(c => (Guid?)c.OrganisationId).FirstOrDefaultAsync(ct);
        if (organisationId is not { } organisation)
        {
            return new NotFound("No consent names you as this child's parent or guardian.");
        }
        return await CreateAsync(new ErasureRequest(organisation, childId, ErasureRequester.Guardian, null, Guardians.Normalize(guardianEmail), clock.GetUtcNow().UtcDateTime), ct);
    }

    private async Task<Outcome<MyErasureRequestView>> CreateAsync(ErasureRequest request, CancellationToken ct)
    {
        if (await db.Set<ErasureRequest>().AnyAsync(r => r.SubjectUserId == request.SubjectUserId && r.State == ErasureRequestState.Open, ct))
        {
            return new Conflict(AlreadyOpen);
        }
        db.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict(AlreadyOpen);
        }
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == request.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var name = await db.Users.AsNoTracking().Where(u => u.Id == request.SubjectUserId).Select(u => u.DisplayName).SingleAsync(ct);
        var coordinators = await db.OrganisationMemberships.Where(m => m.OrganisationId == request.OrganisationId && m.Role == OrganisationRole.Coordinator)
            .Select(m => m.UserId).ToListAsync(ct);
        if (coordinators.Count == 0)
        {
            // An organisation without a coordinator still owes an answer within a month (GDPR Art. 12(3)): the installation's
            // administrators, who can carry a request out or decline it anywhere, are told instead (ADR 124).
            var administrators = db.AdministratorIds();
            coordinators = await db.Users.Where(u => !u.IsDisabled && administrators.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        }
        var who = request.RequestedBy == ErasureRequester.Guardian ? "their parent or guardian" : "themselves";
        await notify.RunAsync(coordinators.Select(c => new NotificationMessage(c, NotificationKind.Privacy, $"Erasure requested: {name}",
            $"{name}'s data was asked to be erased, by {who}. Carry it out or decline it with a reason; whoever asked is told.",
            $"/organisations/{request.OrganisationId}/erasure-requests")).ToList(), ct);
        return new MyErasureRequestView(request.Id, organisation, request.RequestedBy, request.RequestedAt, request.State, null, null);
    }
}

/// <summary>A person's erasure requests (theirs, or a guardian's for them), newest first.</summary>
public sealed class MyErasureRequests(TandemDb db)
{
    public async Task<IReadOnlyList<MyErasureRequestView>> ForAsync(Guid userId, CancellationToken ct = default) =>
        await db.Set<ErasureRequest>().AsNoTracking().Where(r => r.SubjectUserId == userId).OrderByDescending(r => r.RequestedAt)
            .Select(r => new MyErasureRequestView(r.Id, db.Organisations.Where(o => o.Id == r.OrganisationId).Select(o => o.Name).Single(),
                r.RequestedBy, r.RequestedAt, r.State, r.DecidedAt, r.DeclineReason))
            .ToListAsync(ct);

    /// <summary>
    /// The child's requests as their guardian is shown them: only those to the organisations of the programs whose consent
    /// names the guardian (ADR 103; ADR 109), not what the child asked of another organisation.
    /// </summary>
    public async Task<IReadOnlyList<MyErasureRequestView>> ForGuardianAsync(Guid childId, string guardianEmail, CancellationToken ct = default)
    {
        var organisations = Guardians.ConsentsNaming(db, guardianEmail).Where(c => c.UserId == childId).Select(c => c.OrganisationId);
        return await db.Set<ErasureRequest>().AsNoTracking().Where(r => r.SubjectUserId == childId && organisations.Contains(r.OrganisationId))
            .OrderByDescending(r => r.RequestedAt)
            .Select(r => new MyErasureRequestView(r.Id, db.Organisations.Where(o => o.Id == r.OrganisationId).Select(o => o.Name).Single(),
                r.RequestedBy, r.RequestedAt, r.State, r.DecidedAt, r.DeclineReason))
            .ToListAsync(ct);
    }
}

/// <summary>An organisation's erasure requests, open ones first (or only one state), for its coordinators and administrators.</summary>
public sealed class ListErasureRequests(TandemDb db)
{
    public async Task<Outcome<Paged<ErasureRequestView>>> RunAsync(Actor actor, Guid organisationId, ErasureRequestState? state, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        if (state is { } s && !Enum.IsDefined(s))
        {
            return Invalid.Field("state", "Ask for Open, CarriedOut or Declined.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var requests = db.Set<ErasureRequest>().AsNoTracking().Where(r => r.OrganisationId == organisationId);
        if (state is { } only)
        {
            requests = requests.Where(r => r.State == only);
        }
        var total = await requests.CountAsync(ct);
        var items = await requests.OrderBy(r => r.State != ErasureRequestState.Open).ThenByDescending(r => r.RequestedAt).Page(paging)
            .Select(View(db))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }

    internal static System.Linq.Expressions.Expression<Func<ErasureRequest, ErasureRequestView>> View(TandemDb db) => r => new ErasureRequestView(
        r.Id, r.SubjectUserId, db.Users.Where(u => u.Id == r.SubjectUserId).Select(u => u.DisplayName).FirstOrDefault() ?? ErasePerson.ErasedName,
        r.RequestedBy, r.RequesterEmail, r.RequestedAt, r.State,
        db.Users.Where(u => u.Id == r.DecidedByUserId).Select(u => u.DisplayName).FirstOrDefault(), r.DecidedAt, r.DeclineReason);
}

/// <summary>
/// The organisation decides an open request: carries it out (the person is erased everywhere, <see cref="ErasePerson"/>) or
/// declines it with a reason. Whoever asked is told by e-mail either way; a guardian's address is then cleared. The
/// decision is claimed with a conditional update, so of two coordinators deciding at once one wins and the other gets 409.
/// </summary>
public sealed class DecideErasureRequest(TandemDb db, ErasePerson erase, MailOutbox outbox, IOptions<EmailOptions> options, TimeProvider clock)
{
    public const int MaxReason = 2000;
    public const string MailReference = "erasure-request";

    private async Task<Outcome<ErasureRequest>> FindOpenAsync(Actor actor, Guid organisationId, Guid requestId, CancellationToken ct)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var request = await db.Set<ErasureRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId && r.OrganisationId == organisationId, ct);
        if (request is null)
        {
            return new NotFound("No such erasure request in this organisation.");
        }
        return request.State == ErasureRequestState.Open ? request : new Conflict("This erasure request was decided already.");
    }

    private Task<int> ClaimAsync(Guid requestId, ErasureRequestState state, Guid by, DateTime at, string? reason, CancellationToken ct) =>
        db.Set<ErasureRequest>().Where(r => r.Id == requestId && r.State == ErasureRequestState.Open).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, state).SetProperty(r => r.DecidedByUserId, by).SetProperty(r => r.DecidedAt, at).SetProperty(r => r.DeclineReason, reason), ct);

    public async Task<Outcome<ErasureRequestView>> CarryOutAsync(Actor actor, Guid organisationId, Guid requestId, CancellationToken ct = default)
    {
        var found = await FindOpenAsync(actor, organisationId, requestId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var request = found.Value!;
        var recipient = await RecipientAsync(request, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await ClaimAsync(request.Id, ErasureRequestState.CarriedOut, actor.UserId, now, null, ct) == 0)
        {
            return new Conflict("This erasure request was decided already.");
        }
        try
        {
            await erase.RunAsync(request.SubjectUserId, ct);
        }
        catch
        {
            // Not erased: the request is open again, for another try.
            await db.Set<ErasureRequest>().Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, ErasureRequestState.Open).SetProperty(r => r.DecidedByUserId, (Guid?)null).SetProperty(r => r.DecidedAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
        var organisation = await OrganisationNameAsync(organisationId, ct);
        var subject = request.RequestedBy == ErasureRequester.Guardian ? "your child's data" : "your data";
        var opening = $"{organisation} has carried out your request of {request.RequestedAt:d MMMM yyyy} to erase {subject} from Tandem.";
        var detail = "Every personal field is deleted or anonymised; only counts the programs need (that someone took part) remain, tied to no one.";
        await TellAsync(request, recipient, $"Your erasure request was carried out", opening, detail, forgetCopy: true, ct);
        return await ViewAsync(request.Id, ct);
    }

    public async Task<Outcome<ErasureRequestView>> DeclineAsync(Actor actor, Guid organisationId, Guid requestId, DeclineErasureRequestRequest body, CancellationToken ct = default)
    {
        var found = await FindOpenAsync(actor, organisationId, requestId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // A line break typed in a browser arrives as CRLF: counted once, as the person reading it sees it.
        var reason = body.Reason?.Replace("\r\n", "\n").Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReason)
        {
            return Invalid.Field("reason", $"Say why the data is kept (up to {MaxReason} characters): whoever asked is told.");
        }
        var request = found.Value!;
        var recipient = await RecipientAsync(request, ct);
        if (await ClaimAsync(request.Id, ErasureRequestState.Declined, actor.UserId, clock.GetUtcNow().UtcDateTime, reason, ct) == 0)
        {
            return new Conflict("This erasure request was decided already.");
        }
        var organisation = await OrganisationNameAsync(organisationId, ct);
        var name = await db.Users.AsNoTracking().Where(u => u.Id == request.SubjectUserId).Select(u => u.DisplayName).SingleAsync(ct);
        var subject = request.RequestedBy == ErasureRequester.Guardian ? $"{name}'s data" : "your data";
        var opening = $"{organisation} has declined your request of {request.RequestedAt:d MMMM yyyy} to erase {subject} from Tandem, for this reason:";
        var detail = reason + "\n\nIf you disagree, you can write to the organisation, or complain to your data-protection authority.";
        await TellAsync(request, recipient, "Your erasure request was declined", opening, detail, forgetCopy: false, ct);
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>Who to tell: the guardian's address, or the person's (read before an erasure overwrites it).</summary>
    private async Task<string?> RecipientAsync(ErasureRequest request, CancellationToken ct) => request.RequestedBy == ErasureRequester.Guardian
        ? request.RequesterEmail
        : await db.Users.AsNoTracking().Where(u => u.Id == request.RequesterUserId).Select(u => u.Email).SingleOrDefaultAsync(ct);

    private Task<string> OrganisationNameAsync(Guid organisationId, CancellationToken ct) =>
        db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Name).SingleAsync(ct);

    private async Task<ErasureRequestView> ViewAsync(Guid requestId, CancellationToken ct) =>
        await db.Set<ErasureRequest>().AsNoTracking().Where(r => r.Id == requestId).Select(ListErasureRequests.View(db)).SingleAsync(ct);

    /// <summary>
    /// E-mails the decision, then clears the guardian's address. After an erasure the message's copy in the outbox is
    /// deleted once it went out, so the erased person's address is not kept there (one that fails stays queued until sent).
    /// </summary>
    private async Task TellAsync(ErasureRequest request, string? recipient, string subject, string opening, string detail, bool forgetCopy, CancellationToken ct)
    {
        if (recipient is not null && MailboxAddress.TryParse(recipient, out var address))
        {
            var settings = options.Value;
            var message = new MimeMessage();
            message.From.Add(settings.Sender());
            message.To.Add(address);
            message.Subject = subject;
            message.Body = new BodyBuilder
            {
                TextBody = $"Hello,\n\n{opening}\n\n{detail}\n",
                HtmlBody = $"<p>Hello,</p><p>{WebUtility.HtmlEncode(opening)}</p>"
                    + string.Concat(detail.Split("\n\n").Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>")),
            }.ToMessageBody();
            var sent = await outbox.SendAsync([new OutgoingMessage(message, MailReference, request.Id)], ct: ct);
            if (forgetCopy && sent.Count > 0)
            {
                await db.Set<OutgoingEmail>().Where(e => e.ReferenceKind == MailReference && e.ReferenceId == request.Id && e.SentAt != null).ExecuteDeleteAsync(ct);
            }
        }
        if (request.RequesterEmail is not null)
        {
            await db.Set<ErasureRequest>().Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.RequesterEmail, (string?)null), ct);
        }
    }
}
