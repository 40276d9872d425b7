using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Journal;

/// <summary>
/// The prompts a program offers for journal entries: its coordinators write them, its people read them. A prompt is
/// a question, never a way to read answers: coordinators see no entries, not even how many answer a prompt (ADR 56).
/// </summary>
public sealed class JournalPrompts(TandemDb db, ProgramAccess programs, IProgramRetention retention, TimeProvider clock)
{
    public const string Retained = "This prompt's program has been anonymised after it closed, so entries are no longer written to its prompts.";

    /// <summary>The prompts of every program the reader is enrolled in (any role), anonymised programs' too.</summary>
    private IQueryable<JournalPrompt> OfTheirPrograms(Actor actor) =>
        db.Set<JournalPrompt>().Where(p => db.Enrolments.Any(e => e.ProgramId == p.ProgramId && e.UserId == actor.UserId));

    /// <summary>
    /// The prompts of the reader's programs, except those retention anonymised: an entry written to one would be kept past
    /// the deletion retention made of the program's entries (ADR 56, ADR 108).
    /// </summary>
    public async Task<IQueryable<JournalPrompt>> OfferedAsync(Actor actor, CancellationToken ct = default)
    {
        var theirs = await db.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.ProgramId).Distinct().ToListAsync(ct);
        var anonymised = await retention.AnonymisedAmongAsync(theirs, ct);
        return anonymised.Count == 0 ? OfTheirPrograms(actor) : OfTheirPrograms(actor).Where(p => !anonymised.Contains(p.ProgramId));
    }

    /// <summary>The prompt an entry answers: 400 when it is not one of the reader's programs', 409 when retention anonymised its program.</summary>
    public async Task<Outcome<JournalPrompt>> FindOfferedAsync(Actor actor, Guid promptId, CancellationToken ct = default)
    {
        var prompt = await OfTheirPrograms(actor).SingleOrDefaultAsync(p => p.Id == promptId, ct);
        if (prompt is null)
        {
            return Invalid.Field("promptId", "That prompt is not one of your programs' journal prompts.");
        }
        return await retention.AnonymisedAtAsync(prompt.ProgramId, ct) is not null ? new Conflict(Retained) : prompt;
    }

    public async Task<IReadOnlyList<JournalPromptView>> MineAsync(Actor actor, CancellationToken ct = default) =>
        await Views(await OfferedAsync(actor, ct)).ToListAsync(ct);

    public async Task<Outcome<IReadOnlyList<JournalPromptView>>> ForProgramAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        return await Views(db.Set<JournalPrompt>().Where(p => p.ProgramId == programId)).ToListAsync(ct);
    }

    public async Task<Outcome<JournalPromptView>> CreateAsync(Actor actor, Guid programId, CreateJournalPromptRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators write its journal prompts.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Invalid.Field("text", "Write the prompt, for example: What surprised you this week?");
        }
        if (text.Length > JournalPrompt.TextMax)
        {
            return Invalid.Field("text", $"A prompt can be at most {JournalPrompt.TextMax} characters.");
        }
        var prompt = new JournalPrompt(programId, text, actor.UserId, clock.GetUtcNow().UtcDateTime);
        db.Add(prompt);
        await db.SaveChangesAsync(ct);
        return new JournalPromptView(prompt.Id, programId, found.Value!.Name, prompt.Text, prompt.CreatedAt);
    }

    private IQueryable<JournalPromptView> Views(IQueryable<JournalPrompt> prompts) =>
        prompts.Join(db.Programs, p => p.ProgramId, g => g.Id, (p, g) => new { p.Id, p.ProgramId, g.Name, p.Text, p.CreatedAt })
            .OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id).Take(100)
            .Select(p => new JournalPromptView(p.Id, p.ProgramId, p.Name, p.Text, p.CreatedAt));
}
