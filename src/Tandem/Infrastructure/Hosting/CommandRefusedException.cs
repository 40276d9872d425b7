namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Something the operator can put right from one sentence (a database migrated by an earlier build, a demo login that
/// is already taken): the command line prints the message alone on standard error, without a stack trace, and exits 1
/// (ADR 102). Anything else a command throws is a bug to report, with its trace.
/// </summary>
public sealed class CommandRefusedException(string message, Exception? inner = null) : Exception(message, inner);
