using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Counts one step of a recruitment link: a view (the /r/{code} redirect), a start (the apply form
/// opened) or a submission. One atomic UPDATE, so concurrent visitors are all counted.
/// For the apply flow: call it with the channel code it received as ?channel=.
/// </summary>
public sealed class RecordRecruitmentStep(TandemDb db)
{
    /// <param name="programId">On the apply page: the program applied to. A link's code counts there only when it is that
    /// program's (a <c>?channel=</c> copied onto another program's page must not count toward the first one's figures).</param>
    /// <returns>The program the link is for, or null when the code is unknown.</returns>
    public async Task<Guid?> RunAsync(string? channelCode, RecruitmentStep step, CancellationToken ct = default, Guid? programId = null)
    {
        if (string.IsNullOrWhiteSpace(channelCode) || channelCode.Length > 16)
        {
            return null;
        }
        var code = channelCode.Trim().ToLowerInvariant();
        var channels = db.Set<RecruitmentChannel>().Where(c => c.Code == code);
        if (programId is { } program)
        {
            channels = channels.Where(c => c.ProgramId == program);
        }
        var updated = step switch
        {
            RecruitmentStep.View => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Views, c => c.Views + 1), ct),
            RecruitmentStep.Start => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Starts, c => c.Starts + 1), ct),
            _ => await channels.ExecuteUpdateAsync(s => s.SetProperty(c => c.Submissions, c => c.Submissions + 1), ct),
        };
        return updated == 0 ? null : await channels.Select(c => (Guid?)c.ProgramId).SingleOrDefaultAsync(ct);
    }
}
