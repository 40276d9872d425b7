using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

public sealed class CreateOrganisationRequest
{
    [Required, StringLength(160, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [Required]
    public OrganisationKind? Kind { get; set; }

    /// <summary>True when participants may be under 18.</summary>
    public bool IncludesMinors { get; set; }

    /// <summary>Who runs the organisation from the start: invited as its coordinator (or, with an account already, made one).</summary>
    public FirstCoordinatorRequest? FirstCoordinator { get; set; }
}

public sealed class FirstCoordinatorRequest
{
    [Required, StringLength(120)]
    public string Name { get; set; } = "";

    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";
}

public enum FirstCoordinatorStatus
{
    /// <summary>The address belongs to an account with a verified address, which an administrator attaches directly: they are a coordinator now.</summary>
    Added,
    /// <summary>An invitation to join as coordinator was e-mailed; they are one once they accept it.</summary>
    Invited,
    /// <summary>The invitation is saved but its e-mail has not gone out yet (the outbox retries; the members page can resend it).</summary>
    InvitationNotSent,
}

public sealed record FirstCoordinatorView(string Name, string Email, FirstCoordinatorStatus Status);

/// <summary>The organisation just created, for the administrator who created it.</summary>
public sealed record CreatedOrganisation(Guid Id, string Name, OrganisationKind Kind, bool IncludesMinors, int MemberCount, FirstCoordinatorView? FirstCoordinator);

/// <summary>
/// Names a new organisation's first coordinator. Organisations asks and Recruitment answers, because inviting someone is
/// recruitment's work (ADR 19) and Organisations does not depend on Recruitment.
/// </summary>
public interface IFirstCoordinator
{
    /// <summary>
    /// Stages, in the context and unsaved, the first coordinator of <paramref name="organisation"/> (added, not yet saved):
    /// the membership of an existing, enabled account with a verified address when the actor is an administrator, otherwise
    /// an invitation to join as coordinator. The caller saves both in one commit, then calls <see cref="CommittedAsync"/>.
    /// On a failure nothing is staged.
    /// </summary>
    Task<Outcome<FirstCoordinatorView>> StageAsync(Actor actor, Organisation organisation, FirstCoordinatorRequest who, CancellationToken ct);

    /// <summary>After the commit: e-mails the staged invitation, if any, and answers what became of the first coordinator.</summary>
    Task<FirstCoordinatorView> CommittedAsync(FirstCoordinatorView staged, CancellationToken ct);
}

/// <summary>
/// An administrator registers a school, university or company, and may name its first coordinator in the same request.
/// Names are unique: the check and the insert run under one lock (SQLite's write lock, taken when the transaction begins;
/// on PostgreSQL a transaction-scoped advisory lock on the name), so a double-submitted form makes one organisation and
/// the other answer is the 409 a later one gets (ADR 107).
/// </summary>
public sealed class CreateOrganisation(TandemDb db, IFirstCoordinator firstCoordinator, TimeProvider clock)
{
    /// <summary>The first key of the advisory locks on organisation names (the second is the name's hash).</summary>
    private const int NameLockSpace = 0x4f52_47; // "ORG"

    /// <summary>As the installation itself (seeding, tests): an administrator without an account.</summary>
    public async Task<Outcome<OrganisationView>> RunAsync(CreateOrganisationRequest request, CancellationToken ct = default)
    {
        var outcome = await RunAsync(new Actor(Guid.Empty, IsAdministrator: true), request, ct);
        return outcome.Failure is { } failure ? failure : outcome.Value!.ToView();
    }

    public async Task<Outcome<CreatedOrganisation>> RunAsync(Actor actor, CreateOrganisationRequest request, CancellationToken ct = default)
    {
        var name = request.Name.Trim();
        if (request.Kind is { } kind && !Enum.IsDefined(kind))
        {
            // The page's form mapping reads any number into the enum; "7" is no kind, and stored it would fail every list.
            return Invalid.Field(nameof(request.Kind), "Choose school, university, company or other.");
        }
        var who = request.FirstCoordinator is { } given && (!string.IsNullOrWhiteSpace(given.Name) || !string.IsNullOrWhiteSpace(given.Email)) ? given : null;
        if (who is not null && string.IsNullOrWhiteSpace(who.Email))
        {
            return Invalid.Field("FirstCoordinator.Email", "Give the first coordinator's e-mail address as well as their name, or leave both empty.");
        }
        if (who is not null && string.IsNullOrWhiteSpace(who.Name))
        {
            return Invalid.Field("FirstCoordinator.Name", "Give the first coordinator's name as well as their e-mail address, or leave both empty.");
        }
        FirstCoordinatorView? named = null;
        Organisation organisation;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await LockNameAsync(name, ct);
            if (await db.Organisations.AnyAsync(o => o.Name == name, ct))
            {
                return new Conflict($"An organisation named {name} already exists.");
            }
            organisation = new Organisation(name, request.Kind ?? OrganisationKind.Other, request.IncludesMinors, clock.GetUtcNow().UtcDateTime);
            db.Organisations.Add(organisation);
            if (who is not null)
            {
                var staged = await firstCoordinator.StageAsync(actor, organisation, who, ct);
                if (staged.Failure is { } failure)
                {
                    db.Entry(organisation).State = EntityState.Detached;
                    return failure;
                }
                named = staged.Value!;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (named is null)
        {
            return new CreatedOrganisation(organisation.Id, organisation.Name, organisation.Kind, organisation.IncludesMinors, 0, null);
        }
        named = await firstCoordinator.CommittedAsync(named, ct);
        var added = named.Status == FirstCoordinatorStatus.Added ? 1 : 0;
        return new CreatedOrganisation(organisation.Id, organisation.Name, organisation.Kind, organisation.IncludesMinors, added, named);
    }

    /// <summary>
    /// Holds other creations of the same name until this transaction ends. SQLite needs nothing more: its transactions begin
    /// with the database's write lock (BEGIN IMMEDIATE), so a second one waits before it reads.
    /// </summary>
    private async Task LockNameAsync(string name, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({NameLockSpace}, hashtext({name}))", ct);
        }
    }
}

internal static class CreatedOrganisationViews
{
    public static OrganisationView ToView(this CreatedOrganisation created) =>
        new(created.Id, created.Name, created.Kind, created.IncludesMinors, created.MemberCount, null);
}
