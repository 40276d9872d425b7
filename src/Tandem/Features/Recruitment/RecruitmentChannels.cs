using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class CreateChannelRequest
{
    /// <summary>Where the link is shared, e.g. "Newsletter" or "Poster QR code".</summary>
    [Required, StringLength(100, MinimumLength = 2)]
    public string Name { get; set; } = "";
}

public sealed record RecruitmentChannelView(Guid Id, Guid ProgramId, string Name, string Code, string Path, long Views, long Starts, long Submissions, DateTime CreatedAt);

/// <summary>A coordinator creates a recruitment link for one outreach channel.</summary>
public sealed class CreateRecruitmentChannel(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    // No 0/O, 1/l/I: codes are typed from posters.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public async Task<Outcome<RecruitmentChannelView>> RunAsync(Actor actor, Guid programId, CreateChannelRequest request, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (RecruitmentRules.ClosedProblem(found.Value!) is { } closed)
        {
            return closed;
        }
        var name = request.Name.Trim();
        if (await db.Set<RecruitmentChannel>().AnyAsync(c => c.ProgramId == programId && c.Name == name, ct))
        {
            return new Conflict($"This program already has a channel called '{name}'.");
        }
        var channel = new RecruitmentChannel(programId, name, RandomNumberGenerator.GetString(Alphabet, 8), actor.UserId, clock.GetUtcNow().UtcDateTime);
        db.Add(channel);
        await db.SaveChangesAsync(ct);
        return ListRecruitmentChannels.View(channel);
    }
}

/// <summary>The program's channels with their views, starts and submissions, for its coordinators.</summary>
public sealed class ListRecruitmentChannels(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<RecruitmentChannelView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var channels = db.Set<RecruitmentChannel>().Where(c => c.ProgramId == programId);
        var total = await channels.CountAsync(ct);
        var rows = await channels.OrderBy(c => c.Name).ThenBy(c => c.Id).Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(View).ToList(), total);
    }

    internal static RecruitmentChannelView View(RecruitmentChannel c) =>
        new(c.Id, c.ProgramId, c.Name, c.Code, $"/r/{c.Code}", c.Views, c.Starts, c.Submissions, c.CreatedAt);
}

/// <summary>
/// Counts one step of a recruitment link: a view (the /r/{code} redirect), a start (the apply form
/// opened) or a submission. One atomic UPDATE, so concurrent visitors are all counted.
/// For the apply flow: call it with the channel code it received as ?channel=.
/// </summary>
public sealed class RecordRecruitmentStep(TandemDb db)
{
    /// <returns>The program the link is for, or null when the code is unknown.</returns>
    public async Task<Guid?> RunAsync(string? channelCode, RecruitmentStep step, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(channelCode) || channelCode.Length > 16)
        {
            return null;
        }
        var code = channelCode.Trim().ToLowerInvariant();
        var channels = db.Set<RecruitmentChannel>().Where(c => c.Code == code);
        var updated = step switch
        {
            RecruitmentStep.View => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Views, c => c.Views + 1), ct),
            RecruitmentStep.Start => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Starts, c => c.Starts + 1), ct),
            _ => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Submissions, c => c.Submissions + 1), ct),
        };
        return updated == 0 ? null : await channels.Select(c => (Guid?)c.ProgramId).SingleOrDefaultAsync(ct);
    }
}
