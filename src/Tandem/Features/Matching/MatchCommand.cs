using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using System.Globalization;
using Tandem.Data;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Matching;

/// <summary>
/// `tandem match --program ID`: runs pool matching as the installation operator (the same use case as the
/// page's "Run matching" button), stores a draft and prints its figures. Exit codes: 0 a draft was made,
/// 1 the program cannot be matched (unknown, or its setup is unusable).
/// </summary>
public static class MatchCommand
{
    public static Command Create()
    {
        var program = new Option<Guid>("--program") { Description = "The id of the program whose approved, unmatched pool to match.", Required = true };
        var command = new Command("match", "Run pool matching for a program, store a draft and print its figures.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var export = new Option<FileInfo?>("--export") { Description = "Write the pool as a problem file (docs/formats.md, explicit pairs, opaque ids) instead of matching it." };
        var candidates = new Option<int?>("--candidates") { Description = "With --export: keep each mentee's best this many mentors instead of every allowed pair." };
        command.Options.Add(program);
        command.Options.Add(export);
        command.Options.Add(candidates);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(export) is { Directory: { Exists: false } folder })
            {
                await error.WriteLineAsync($"Nothing was exported: the folder {folder.FullName} does not exist.");
                return 2;
            }
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var operatorActor = new Actor(Guid.Empty, IsAdministrator: true);
            var programId = parse.GetValue(program);
            var found = await services.GetRequiredService<MatchingAccess>().FindAsync(operatorActor, programId, ct);
            if (found.Failure is { } missing)
            {
                await error.WriteLineAsync(missing.Detail);
                return 1;
            }
            if (parse.GetValue(export) is { } file)
            {
                await using var stream = file.Create();
                var exported = await services.GetRequiredService<ExportMatchingProblem>().RunAsync(operatorActor, programId, stream, parse.GetValue(candidates), ct);
                if (exported.Failure is { } refused)
                {
                    stream.Close();
                    file.Delete();
                    await error.WriteLineAsync(refused.Detail);
                    return 1;
                }
                var e = exported.Value!;
                await output.WriteLineAsync($"Exported {e.Mentees} mentees, {e.Mentors} mentors and {e.Pairs} allowed pairs{(e.Candidates is { } k ? $" (each mentee's best {k})" : "")} to {file.FullName} (export {e.ExportId}).");
                await output.WriteLineAsync("Solve it (e.g. `tandem solve FILE > RESULT`), then import the result on the program's matching page or with POST …/matching/imports.");
                return 0;
            }
            // A closed or anonymised program takes no more matching (ADR 127): the operator is refused as the page is.
            var retention = services.GetRequiredService<Tandem.Features.Programs.IProgramRetention>();
            if (await MatchingAccess.RefusalAsync(retention, programId, found.Value!.Status, ct) is { } closed)
            {
                await error.WriteLineAsync(closed.Detail);
                return 1;
            }
            // The same queue as the page's button: this process claims the run and works it, unless a server already is.
            var queue = services.GetRequiredService<MatchingRunQueue>();
            var run = await queue.RequestAsync(programId, operatorActor.UserId, MatchingRunReason.Run, ct);
            var processor = services.GetRequiredService<MatchingRunProcessor>();
            var total = System.Diagnostics.Stopwatch.StartNew();
            if (await queue.ClaimAsync(run.Id, ct) is { } claim)
            {
                await processor.ProcessAsync(claim, ct);
            }
            else
            {
                await output.WriteLineAsync($"A run for this program is already under way ({run.Phase}); waiting for it.");
            }
            while ((run = await queue.FindAsync(run.Id, ct) ?? run).IsActive)
            {
                await Task.Delay(500, ct);
            }
            if (run.Status != MatchingRunStatus.Done || run.DraftId is null)
            {
                await error.WriteLineAsync(run.Failure ?? "Matching did not finish.");
                return 1;
            }
            var db = services.GetRequiredService<TandemDb>();
            var d = await db.Set<MatchDraft>().AsNoTracking().SingleAsync(x => x.Id == run.DraftId, ct);
            var proposals = await db.Set<MatchProposal>().CountAsync(p => p.DraftId == d.Id, ct);
            await output.WriteLineAsync($"Draft {d.Number} for program {programId} ({d.Id})");
            await output.WriteLineAsync($"  matched:                  {d.Matched}");
            await output.WriteLineAsync($"  unmatched:                {d.Unmatched}");
            await output.WriteLineAsync($"  proposals:                {proposals}");
            await output.WriteLineAsync($"  average score:            {d.AverageScore.ToString("0.##", CultureInfo.InvariantCulture)}");
            await output.WriteLineAsync($"  pairs sharing free time:  {d.PairsSharingFreeTime} of {proposals}");
            await output.WriteLineAsync($"  proven optimal:           {(d.ProvenOptimal ? "yes" : "no")}");
            var timings = run.PhaseTimings();
            await output.WriteLineAsync($"  phases (ms):              {string.Join(", ", timings.Select(t => $"{t.Key.ToLowerInvariant()} {t.Value}"))}");
            await output.WriteLineAsync($"  whole run (ms):           {total.ElapsedMilliseconds}");
            var left = await db.Set<UnmatchedEntry>().AsNoTracking().Where(u => u.DraftId == d.Id).OrderBy(u => u.Position).Take(20).ToListAsync(ct);
            foreach (var person in left)
            {
                await output.WriteLineAsync($"  not matched: {person.Name} ({person.Role.ToString().ToLowerInvariant()}): {person.Reason}");
            }
            if (d.Unmatched > left.Count)
            {
                await output.WriteLineAsync($"  … and {d.Unmatched - left.Count} more not matched (see the matching page).");
            }
            await output.WriteLineAsync("Review, adjust and publish it on the program's matching page.");
            return 0;
        });
        return command;
    }
}
