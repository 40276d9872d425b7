using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class CreateChannelRequest
{
    /// <summary>Where the link is shared, e.g. "Newsletter" or "Poster QR code".</summary>
    [Required, StringLength(100, MinimumLength = 2)]
    public string Name { get; set; } = "";
}

/// <summary>A coordinator creates a recruitment link for one outreach channel.</summary>
public sealed class CreateRecruitmentChannel(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    // No 0/O, 1/l/I: codes are typed from posters.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public async Task<Outcome<RecruitmentChannelView>> RunAsync(Actor actor, Guid programId, CreateChannelRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
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
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The same name created at the same moment (a double click): the first stands.
            return new Conflict($"This program already has a channel called '{name}'.");
        }
        return ListRecruitmentChannels.View(channel);
    }
}
