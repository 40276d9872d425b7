using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Community;

/// <summary>
/// A program's announcements, newest first, for the people in it: participants read those of their audience, the
/// program's staff and coordinators read all; anyone else finds no program (404).
/// </summary>
public sealed class ListAnnouncements(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<Paged<AnnouncementView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var reader = await ReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var audiences = reader.Audiences;
        var announcements = db.Set<Announcement>().Where(a => a.ProgramId == programId && audiences.Contains(a.Audience));
        var total = await announcements.CountAsync(ct);
        var items = await announcements.OrderByDescending(a => a.PostedAt).ThenByDescending(a => a.Id).Page(paging)
            .Select(a => new AnnouncementView(a.Id, a.ProgramId, a.Title, a.Body, a.Audience,
                db.Users.Where(u => u.Id == a.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault(), a.PostedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }

    /// <summary>Who reads the program's announcements: its name, the audiences they read, and whether they may post.</summary>
    public sealed record Reader(string ProgramName, AnnouncementAudience[] Audiences, bool CanPost);

    /// <summary>Null when the program is not visible to the actor.</summary>
    public async Task<Reader?> ReaderAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.Visible(actor).Where(p => p.Id == programId)
            .Select(p => new { p.Name, Roles = p.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToList() })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return null;
        }
        var canPost = await programs.Visible(actor).Where(p => p.Id == programId).Where(programs.Manageable(actor)).AnyAsync(ct);
        var all = canPost || program.Roles.Any(Enrolment.IsStaffRole);
        return new Reader(program.Name, all ? Enum.GetValues<AnnouncementAudience>() : Announcement.AudiencesFor(program.Roles), canPost);
    }
}
