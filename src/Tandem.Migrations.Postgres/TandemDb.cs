namespace Tandem.Data;

/// <summary>
/// Stand-in with the full name of the real context: the generated migrations say
/// <c>[DbContext(typeof(TandemDb))]</c>, and this project cannot reference the app that holds the
/// real one (the app references it). The app matches migrations by this name; see
/// docs/decisions/0002-migration-projects.md.
/// </summary>
internal sealed class TandemDb;
