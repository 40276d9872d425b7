using System.Runtime.CompilerServices;

// The group-formation tests drive the heuristic on pools small enough to brute-force, which the public
// entry point would solve exactly instead.
[assembly: InternalsVisibleTo("Tandem.Matching.Tests")]

// The benchmark's --trace option prints the pool solver's per-round diagnostics.
[assembly: InternalsVisibleTo("Tandem.Bench")]
