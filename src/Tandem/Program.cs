using Tandem.Infrastructure.Cli;

// `tandem` serves the web app by default; `tandem <command>` runs an admin command (see --help).
return await TandemCli.RunAsync(args, Console.Out, Console.Error);

public partial class Program;
