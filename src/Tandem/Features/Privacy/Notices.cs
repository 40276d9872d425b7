using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>One version of a notice, as applicants, guardians and coordinators read it.</summary>
public sealed record NoticeView(NoticeKind Kind, int Version, string Text, bool Material, DateTime PublishedAt);

/// <summary>What a program shows at application and at guardian consent: the organisation's privacy notice and the program's data use (either may not exist yet).</summary>
public sealed record ProgramNotices(Guid ProgramId, string ProgramName, string OrganisationName, NoticeView? Privacy, NoticeView? DataUse);

public sealed class PublishNoticeRequest
{
    [Required, StringLength(Notices.MaxLength, MinimumLength = 1)]
    public string? Text { get; set; }

    /// <summary>True when the change matters to what people agreed to: every consent given on an earlier version is asked for again.</summary>
    public bool Material { get; set; }
}

/// <summary>The notices' shared reads.</summary>
public static class Notices
{
    public const int MaxLength = 20_000;

    /// <summary>The newest version of each of a program's two notices.</summary>
    public static async Task<(NoticeView? Privacy, NoticeView? DataUse)> CurrentAsync(TandemDb db, Guid organisationId, Guid programId, CancellationToken ct)
    {
        var latest = await db.Set<Notice>().AsNoTracking()
            .Where(n => n.ScopeId == organisationId || n.ScopeId == programId)
            .Where(n => n.Version == db.Set<Notice>().Where(m => m.ScopeId == n.ScopeId).Max(m => m.Version))
            .Select(n => new NoticeView(n.Kind, n.Version, n.Text, n.Material, n.PublishedAt))
            .ToListAsync(ct);
        return (latest.SingleOrDefault(n => n.Kind == NoticeKind.OrganisationPrivacy), latest.SingleOrDefault(n => n.Kind == NoticeKind.ProgramDataUse));
    }
}

/// <summary>
/// A program's current notices, for anyone who can see the program's public page (they are what an applicant reads before
/// applying). Not found only when the program does not exist.
/// </summary>
public sealed class GetProgramNotices(TandemDb db)
{
    public async Task<Outcome<ProgramNotices>> RunAsync(Guid programId, CancellationToken ct = default)
    {
        var program = await db.Programs.AsNoTracking().Where(p => p.Id == programId)
            .Select(p => new { p.Id, p.Name, p.OrganisationId, Organisation = db.Organisations.Where(o => o.Id == p.OrganisationId).Select(o => o.Name).Single() })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        var (privacy, dataUse) = await Notices.CurrentAsync(db, program.OrganisationId, programId, ct);
        return new ProgramNotices(program.Id, program.Name, program.Organisation, privacy, dataUse);
    }
}

/// <summary>
/// Publishes a new version of the organisation's privacy notice (its coordinators, administrators) or of a program's data
/// use (the program's managers). A material change moves every consent given in its reach back to "renewal needed": a
/// guardian gets a new link, a participant a notice, and the school's own authorisations wait for a coordinator (ADR 48);
/// the notice and the renewal are one transaction, and a consent changed meanwhile refuses both with 409 (ADR 109).
/// </summary>
public sealed class PublishNotice(TandemDb db, ProgramAccess programs, ConsentRenewal renewal, TimeProvider clock)
{
    public async Task<Outcome<NoticeView>> RunAsync(Actor actor, Guid organisationId, Guid? programId, PublishNoticeRequest request, CancellationToken ct = default)
    {
        if (programId is { } id)
        {
            var found = await programs.FindManagedAsync(actor, id, ct, "Only the program's coordinators change its notices.", tracked: false);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            organisationId = found.Value!.OrganisationId;
        }
        else if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var text = request.Text?.Trim().Replace("\r\n", "\n");
        if (string.IsNullOrEmpty(text) || text.Length > Notices.MaxLength)
        {
            return Invalid.Field("text", $"Write the notice (1 to {Notices.MaxLength} characters).");
        }
        var scope = programId ?? organisationId;
        var now = clock.GetUtcNow().UtcDateTime;
        // The notice and the consents it asks for again stand or fall together (ADR 109): a race refuses both, nobody half-asked.
        Notice? notice = null;
        Failure? refused = null;
        RenewalToSend? toSend = null;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            refused = null;
            toSend = null;
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var version = (await db.Set<Notice>().Where(n => n.ScopeId == scope).MaxAsync(n => (int?)n.Version, ct) ?? 0) + 1;
            notice = new Notice(organisationId, programId, version, text, request.Material, actor.UserId, now);
            db.Add(notice);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                refused = new Conflict("Someone published a version of this notice at the same moment; reload and try again.");
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return;
            }
            if (notice.Material)
            {
                var renewed = await renewal.RunAsync(organisationId, programId, now, ct);
                if (renewed.Failure is { } failure)
                {
                    refused = failure;
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    return;
                }
                toSend = renewed.Value;
            }
            await transaction.CommitAsync(ct);
        });
        if (refused is { } conflict)
        {
            return conflict;
        }
        if (toSend is not null)
        {
            await renewal.SendAsync(toSend, ct);
        }
        return new NoticeView(notice!.Kind, notice.Version, notice.Text, notice.Material, notice.PublishedAt);
    }
}
