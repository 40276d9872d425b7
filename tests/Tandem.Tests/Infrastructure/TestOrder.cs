// Long test classes start first (LongestFirst; docs/benchmarks.md, "Test suite").
[assembly: TestCollectionOrderer("Tandem.Tests.Infrastructure.LongestFirst", "Tandem.Tests")]
