using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>
/// A coordinator (or administrator) answers a person's access request for them (issue 16 item 4: "or a coordinator on
/// request"): the person's document as <see cref="ExportMyData"/> makes it, limited to what the coordinator's
/// organisation holds and its staff may read (ADR 83: not the answers withheld from staff, another organisation's
/// records, nor a concern, or its reads, that the reader does not handle (ADR 98, applied here by ADR 109)),
/// for a person of the coordinator's organisation only. The reason is required and written to the audit log, with who
/// exported, before the document is made (ADR 53); the entry is written whatever the person's age, and the person sees
/// it in their access log.
/// </summary>
public sealed class ExportPersonOnRequest(TandemDb db, AuditLog audit, ExportMyData export)
{
    public const int MaxReason = 160;

    public async Task<Outcome<byte[]>> RunAsync(Actor actor, Guid organisationId, Guid userId, string? reason, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var why = reason?.Trim();
        if (string.IsNullOrEmpty(why) || why.Length > MaxReason)
        {
            return Invalid.Field("reason", $"Say why you are exporting this person's data (the request you are answering), in 1 to {MaxReason} characters: it is written to the audit log.");
        }
        if (!await OrganisationPeople.In(db, organisationId).AnyAsync(u => u.Id == userId, ct))
        {
            return new NotFound("Nobody with this id belongs to the organisation.");
        }
        await audit.RecordForAnyoneAsync(actor, userId, organisationId, AuditRecord.DataExport, $"Data export on request: {why}", ct);
        var document = await export.RunForOrganisationAsync(userId, organisationId, actor, ct);
        return document is null ? new NotFound("Nobody with this id belongs to the organisation.") : document;
    }
}
