using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;

namespace Tandem.Data;

/// <summary>The one database of Tandem. Each feature contributes its entities and configuration.</summary>
public sealed class TandemDb(DbContextOptions<TandemDb> options)
    : IdentityDbContext<TandemUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The cookie encryption keys every app node shares (Infrastructure/Security/DataProtectionSetup).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationMembership> OrganisationMemberships => Set<OrganisationMembership>();
    public DbSet<MentorshipProgram> Programs => Set<MentorshipProgram>();
    public DbSet<Enrolment> Enrolments => Set<Enrolment>();

    /// <summary>The ids of the installation's administrators (the Identity role), as a query to compose: the one place it is written.</summary>
    public IQueryable<Guid> AdministratorIds() =>
        UserRoles.Join(Roles.Where(r => r.Name == Infrastructure.Auth.Actor.AdministratorRole), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId);

    /// <summary>
    /// Saves, and in the same transaction moves each program's <see cref="MentorshipProgram.ParticipantCount"/> by the
    /// participants enrolled, removed or changed in role here (ADR 46). An increment rather than a recount, so that two
    /// enrolments saved at the same moment both count. A bulk write of enrolments, which bypasses the change tracker, moves
    /// the count itself (<see cref="MoveParticipantCountAsync"/>).
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var participants = ParticipantChanges();
        if (participants.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            foreach (var (programId, change) in participants)
            {
                await MoveParticipantCountAsync(programId, change, cancellationToken);
            }
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
            return saved;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Moves a program's <see cref="MentorshipProgram.ParticipantCount"/> by <paramref name="change"/> participants, in the
    /// current transaction: what <see cref="SaveChangesAsync(bool, CancellationToken)"/> does for the enrolments it saves, and
    /// what a bulk write of enrolments (<c>tandem seed scale</c>, ADR 135) calls itself.
    /// </summary>
    public Task MoveParticipantCountAsync(Guid programId, int change, CancellationToken ct = default) =>
        Programs.Where(p => p.Id == programId).ExecuteUpdateAsync(s => s.SetProperty(p => p.ParticipantCount, p => p.ParticipantCount + change), ct);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => ParticipantChanges().Count == 0
        ? base.SaveChanges(acceptAllChangesOnSuccess)
        : throw new InvalidOperationException("Enrolments are saved with SaveChangesAsync, which keeps the programs' participant counts.");

    private List<(Guid ProgramId, int Change)> ParticipantChanges()
    {
        var changes = new Dictionary<Guid, int>();
        foreach (var entry in ChangeTracker.Entries<Enrolment>())
        {
            var role = entry.Property(e => e.Role);
            var before = entry.State is EntityState.Deleted or EntityState.Modified && Enrolment.IsParticipant(role.OriginalValue) ? 1 : 0;
            var after = entry.State is EntityState.Added or EntityState.Modified && Enrolment.IsParticipant(role.CurrentValue) ? 1 : 0;
            if (after != before)
            {
                changes[entry.Entity.ProgramId] = changes.GetValueOrDefault(entry.Entity.ProgramId) + after - before;
            }
        }
        return changes.Where(c => c.Value != 0).Select(c => (c.Key, c.Value)).ToList();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TandemDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // Every instant is stored in UTC; SQLite forgets the kind, so it is restored on read.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }
}
