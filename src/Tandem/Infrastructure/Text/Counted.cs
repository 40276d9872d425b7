namespace Tandem.Infrastructure.Text;

/// <summary>A count with its noun in agreement: "1 mentor", "2 mentors", "0 people".</summary>
public static class Counted
{
    /// <summary>The count and the noun, singular for exactly one; the plural is the noun plus "s" unless given.</summary>
    public static string Of(long count, string one, string? many = null) =>
        $"{count} {(count == 1 ? one : many ?? one + "s")}";

    /// <inheritdoc cref="Of(long, string, string?)"/>
    public static string Of(double count, string one, string? many = null) =>
        $"{count:0.##} {(count == 1 ? one : many ?? one + "s")}";
}
