// Long test classes start first (LongestFirst, linked from Tandem.Tests; docs/benchmarks.md, "Test suite").
[assembly: TestCollectionOrderer("Tandem.Tests.Infrastructure.LongestFirst", "Tandem.Browser.Tests")]
