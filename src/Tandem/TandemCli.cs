using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Features.Matching;
using Tandem.Infrastructure.Hosting;

namespace Tandem;

/// <summary>The `tandem` command line: serve (default) and the admin commands.</summary>
public static class TandemCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (SolveCommand.TryRunDirect(args, output, error) is { } solved) return solved;

        var root = new RootCommand("Tandem: peer mentorship programs, end to end. Without a command, serves the web app; " +
            "settings such as --urls, --environment, --contentRoot and --DataDirectory pass through (--Name value or --Name=value).")
        {
            // Settings are not declared options: each goes to the host as it was given. Anything that is not a setting is
            // refused below, so a mistyped command never starts the web server.
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, ct) => ServeAsync(parse.UnmatchedTokens.ToArray(), parse.InvocationConfiguration.Output));
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(SeedCommand());
        root.Subcommands.Add(SolveCommand.Create());
        root.Subcommands.Add(MatchCommand.Create());
        root.Subcommands.Add(Tandem.Features.Outcomes.EvaluateCommand.Create());
        root.Subcommands.Add(Tandem.Features.Recruitment.ImportCommand.Create());
        root.Subcommands.Add(Infrastructure.Email.OutboxCommand.Create());
        root.Subcommands.Add(Tandem.Features.Notifications.DigestCommand.Create());
        root.Subcommands.Add(Tandem.Features.Privacy.AuditCommand.Create());
        root.Subcommands.Add(Tandem.Features.Exports.PrivacyCommand.Create());
        root.Subcommands.Add(Tandem.Features.Accounts.UsersCommand.Create());
        root.Subcommands.Add(Infrastructure.Backups.BackupCommand.Backup());
        root.Subcommands.Add(Infrastructure.Backups.BackupCommand.Restore());

        var parse = root.Parse(args);
        // Exceptions are handled below, where settings the app cannot be built with are told apart from the rest.
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count == 0 && HostArguments.Ignored(parse.UnmatchedTokens) is { Count: > 0 } ignored)
        {
            return await RefuseAsync(root, parse, ignored, config, ct);
        }
        if (parse.Action is ParseErrorAction errors)
        {
            errors.ShowHelp = false;
            var exit = await parse.InvokeAsync(ToError(config), ct);
            await error.WriteLineAsync($"Nothing was run. See `tandem {CommandPath(parse.CommandResult)}--help`.");
            return exit;
        }
        try
        {
            if (parse.Action is { } action && (action == root.Action || action == root.Subcommands.Single(c => c.Name == "serve").Action))
            {
                // Serving runs as a plain host, outside System.CommandLine's invocation: the host handles SIGTERM with its own
                // graceful shutdown, and a failure to start surfaces as the host's exception (and reaches the test host),
                // except for settings the app cannot be built with, told below in a sentence.
                return await ServeAsync(parse.UnmatchedTokens.ToArray(), output);
            }
            try
            {
                return await parse.InvokeAsync(config, ct);
            }
            catch (CommandRefusedException e)
            {
                await error.WriteLineAsync(e.Message);
                return 1;
            }
            catch (Exception e) when (e is not SettingsException && DatabaseUnreachable(e) is { } problem)
            {
                // A server that is down, a wrong password or a missing database: the operator's to fix from one sentence (ADR 102).
                await error.WriteLineAsync($"Nothing was done: the database could not be opened ({problem}). Check ConnectionStrings__Tandem and that the server is running.");
                return 1;
            }
            catch (DirectoryNotFoundException e)
            {
                await error.WriteLineAsync($"Nothing was written: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is not SettingsException)
            {
                // As System.CommandLine's own handler: a command that fails is a bug to report, with its trace, and exit code 1.
                if (e is not OperationCanceledException)
                {
                    await error.WriteLineAsync($"Unhandled exception: {e}");
                }
                return 1;
            }
        }
        catch (SettingsException e)
        {
            // A mistyped provider or a missing connection string is the operator's to fix from one sentence, not a stack trace.
            await error.WriteLineAsync($"Nothing was started: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Tokens that the host would skip (a mistyped command, <c>-e</c>, <c>--urls</c> without a value) stop the run with an
    /// error instead. A word at the top level is parsed again as a command, so System.CommandLine's own typo correction
    /// names the command that was meant ("Did you mean ... migrate").
    /// </summary>
    private static async Task<int> RefuseAsync(RootCommand root, ParseResult parse, IReadOnlyList<(string Token, HostArguments.Problem Problem)> ignored,
        InvocationConfiguration config, CancellationToken ct)
    {
        var command = parse.CommandResult;
        var path = CommandPath(command);
        if (command.Command == root && ignored.Where(i => i.Problem != HostArguments.Problem.NoValue).Select(i => i.Token).ToArray() is { Length: > 0 } words)
        {
            root.TreatUnmatchedTokensAsErrors = true;
            var strict = root.Parse(words);
            if (strict.Action is ParseErrorAction errors)
            {
                errors.ShowHelp = false;
            }
            await strict.InvokeAsync(ToError(config), ct);
        }
        else
        {
            foreach (var (token, problem) in ignored)
            {
                await config.Error.WriteLineAsync(problem switch
                {
                    HostArguments.Problem.NoValue => $"'{token}' needs a value: {token} value or {token}=value.",
                    _ => $"'{token}' is not an option of `tandem {path.TrimEnd()}`: settings are written --Name value or --Name=value.",
                });
            }
        }
        await config.Error.WriteLineAsync(command.Command == root
            ? "Nothing was started: `tandem` serves the web app without a command, or with settings such as --urls; `tandem --help` lists the commands."
            : $"Nothing was run. See `tandem {path}--help`.");
        return 1;
    }

    /// <summary>
    /// Why the database could not be opened, when that is what <paramref name="e"/> (or an exception it wraps) says: the
    /// server not reachable, the password or role refused, the database missing, SQLite's file not openable. Null otherwise.
    /// </summary>
    internal static string? DatabaseUnreachable(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case Npgsql.PostgresException p when p.SqlState.StartsWith("28", StringComparison.Ordinal) || p.SqlState == "3D000":
                    return p.MessageText;
                case Npgsql.PostgresException:
                    return null;
                case Npgsql.NpgsqlException n when n.InnerException is System.Net.Sockets.SocketException or TimeoutException or System.IO.IOException:
                    return n.InnerException.Message;
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 14 } s:
                    return s.Message;
            }
        }
        return null;
    }

    /// <summary>System.CommandLine writes its typo corrections to the output; with the error they explain, they belong on the error stream.</summary>
    private static InvocationConfiguration ToError(InvocationConfiguration config) => new() { Output = config.Error, Error = config.Error };

    /// <summary>The command's words after `tandem`, each followed by a space ("seed demo "), empty for the top level.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (var result = command; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return string.Concat(names.Select(n => n + " "));
    }

    private static async Task<int> ServeAsync(string[] hostArgs, TextWriter output)
    {
        var app = TandemApp.Build(hostArgs);
        DataDirectory.LogWhereDataLives(app);
        await TandemApp.PrepareAsync(app, output);
        await app.RunAsync();
        return 0;
    }

    private static Command ServeCommand()
    {
        var command = new Command("serve", "Serve the web app and API (the default). ASP.NET Core options such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, ct) => ServeAsync(parse.UnmatchedTokens.ToArray(), parse.InvocationConfiguration.Output));
        return command;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply pending database migrations of the configured provider (Database__Provider, ConnectionStrings__Tandem).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, ct) =>
        {
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            var options = app.Services.GetRequiredService<DatabaseOptions>();
            await DatabaseSetup.MigrateAsync(app.Services, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Database ({options.Provider}) is up to date.");
            return 0;
        });
        return command;
    }

    private static Command ScaleCommand()
    {
        var mentees = new Option<int>("--mentees") { Description = "How many approved mentees.", Required = true };
        var mentors = new Option<int>("--mentors") { Description = "How many approved mentors (capacity 1 to 4 each, more when they get more pairs).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the answers' random generator (the same seed gives the same answers).", DefaultValueFactory = _ => 14 };
        var relationships = new Option<int>("--relationships")
        {
            Description = $"How many running pairs (0 to the number of mentees): mentee k with mentor k mod --mentors, started {SeedScale.MonthsRunning} months ago. The program is then running instead of in matching.",
        };
        var checkIns = new Option<int>("--check-ins-per-pair")
        {
            Description = $"Check-ins per pair (0 to {SeedScale.MaxCheckInsPerPair}), spread over the months since the start; every other one is about an accepted meeting.",
        };
        var scale = new Command("scale", "Create a program with the given numbers of approved mentees and mentors whose answers look like real ones, in matching or (with --relationships) running with pairs, meetings and check-ins, and print a coordinator login.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        scale.Options.Add(mentees);
        scale.Options.Add(mentors);
        scale.Options.Add(seed);
        scale.Options.Add(relationships);
        scale.Options.Add(checkIns);
        var intoExisting = new Option<bool>("--into-existing-installation")
        {
            Description = "Outside Development, create the program in a database that already has accounts (it adds a coordinator and thousands of made-up people).",
        };
        scale.Options.Add(intoExisting);
        scale.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var request = new ScaleRequest(parse.GetValue(mentees), parse.GetValue(mentors), parse.GetValue(seed), parse.GetValue(relationships), parse.GetValue(checkIns));
            if (request.Refusal() is { } refusal)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(refusal);
                return 2;
            }
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            if (!app.Environment.IsDevelopment() && !parse.GetValue(intoExisting) && await scope.ServiceProvider.GetRequiredService<TandemDb>().Users.AnyAsync(ct))
            {
                // As seed demo (ADR 102): thousands of made-up people among real ones are not something to do by accident, and
                // the seeding is not one transaction (a run stopped half-way leaves what it had written).
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"Nothing was added: this {app.Environment.EnvironmentName} installation already has accounts, and the scale program would add a coordinator and {request.Mentees + request.Mentors:N0} made-up people among them; to do it anyway, add --into-existing-installation.");
                return 1;
            }
            var result = await scope.ServiceProvider.GetRequiredService<SeedScale>().RunAsync(request, output, ct);
            if (request.Relationships > 0)
            {
                result.Print(output, $"A running program with {request.Mentees:N0} mentees, {request.Mentors:N0} mentors, {request.Relationships:N0} pairs and {(long)request.Relationships * request.CheckInsPerPair:N0} check-ins is ready.",
                    $"(The passwords are shown once. Engagement health: /programs/{result.ProgramId}/health; pairs: /programs/{result.ProgramId}/relationships.)");
            }
            else
            {
                result.Print(output, $"A program with {request.Mentees:N0} mentees and {request.Mentors:N0} mentors is ready for matching.",
                    $"(The password is shown once. Run matching on /programs/{result.ProgramId}/matching or with `tandem match --program {result.ProgramId}`.)");
            }
            return 0;
        });
        return scale;
    }

    private static Command SeedCommand()
    {
        var reset = new Option<bool>("--reset-passwords") { Description = "Give the demo accounts new passwords and print them (creating the demo when there is none)." };
        var intoExisting = new Option<bool>("--into-existing-installation")
        {
            Description = "Outside Development, create the demo in a database that already has accounts (it adds an administrator, admin@tandem.example, and about 40 made-up people).",
        };
        var demo = new Command("demo", "Create the demo organisation, a running program and about 40 synthetic participants, and print the logins.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        demo.Options.Add(reset);
        demo.Options.Add(intoExisting);
        demo.SetAction(async (parse, ct) =>
        {
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            var seed = scope.ServiceProvider.GetRequiredService<SeedDemo>();
            var output = parse.InvocationConfiguration.Output;
            // The guard comes first (ADR 120): resetting passwords outside Development is checked like creating the demo.
            if (!app.Environment.IsDevelopment() && !parse.GetValue(intoExisting) && await seed.WouldJoinExistingAccountsAsync(ct))
            {
                // A demo administrator with a printed password and made-up people among real ones is not something to do by accident.
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"Nothing was added: this {app.Environment.EnvironmentName} installation already has accounts, and the demo would add an administrator ({SeedDemo.AdministratorEmail}) and about 40 made-up people among them; to do it anyway, add --into-existing-installation.");
                return 1;
            }
            // New passwords for a demo that is not there yet: create it (its logins are new passwords too).
            var result = parse.GetValue(reset) ? await seed.ResetPasswordsAsync(ct) : null;
            result ??= await seed.RunAsync(onlyWhenEmpty: false, ct);
            if (result is null)
            {
                await output.WriteLineAsync("The demo organisation already exists. Use --reset-passwords to print new logins.");
                return 1;
            }
            result.Print(output);
            return 0;
        });
        var command = new Command("seed", "Fill the database with data.");
        command.Subcommands.Add(demo);
        command.Subcommands.Add(ScaleCommand());
        return command;
    }
}
