namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The password hasher's cost in the test hosts. The app hashes with ASP.NET Core Identity's default (PBKDF2-HMAC-SHA512,
/// 100,000 iterations: about 50 ms of CPU per hash on the CI machine), which is right for people and wrong for a suite that
/// creates and signs in thousands of accounts: it was minutes of the run's CPU. Tests use the same hasher and format with
/// 1,000 iterations (the iteration count is stored in each hash, so verifying works the same way). Production settings are
/// untouched; the sign-in path's stand-in hash for unknown addresses keeps the default cost.
/// docs/benchmarks.md, "Test suite", has the figures.
/// </summary>
public static class FastPasswordHashes
{
    public const int IterationCount = 1_000;
}
