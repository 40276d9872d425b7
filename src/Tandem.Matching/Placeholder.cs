namespace Tandem.Matching; internal static class Placeholder {}
