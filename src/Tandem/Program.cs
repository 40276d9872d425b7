using Tandem;

// The table of contents (docs/architecture.md):
// - TandemApp.cs registers every feature's services and maps its endpoints and pages, in one list each;
// - TandemCli.cs lists the `tandem` commands: serve (the default), migrate, seed, solve, match, evaluate,
//   import, mail, notifications, audit, privacy, users, backup, restore.
// `tandem` serves the web app by default; `tandem <command>` runs an admin command (see --help).
return await TandemCli.RunAsync(args, Console.Out, Console.Error);

public partial class Program;
