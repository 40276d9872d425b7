namespace Tandem.Features.Outcomes;

/// <summary>Which side of the comparison a person is on.</summary>
public enum OutcomeGroup
{
    /// <summary>Took part in the mentoring program.</summary>
    Program,

    /// <summary>Did not take part: the comparison group.</summary>
    Comparison,
}

/// <summary>
/// One person's value of one measure (grades, attendance, incidents, any number) before and after
/// the program. A missing <see cref="Pre"/> or <see cref="Post"/> leaves the person out of that
/// measure's figures; the analysis counts how many were left out.
/// </summary>
public sealed record OutcomeObservation(string Person, OutcomeGroup Group, string Measure, double? Pre, double? Post);

/// <summary>People and measures match ignoring case: "S-104" and "s-104" are one student, "Maths" and "maths" one measure.</summary>
internal sealed class PersonMeasureComparer : IEqualityComparer<(string Person, string Measure)>
{
    public static readonly PersonMeasureComparer Instance = new();

    public bool Equals((string Person, string Measure) x, (string Person, string Measure) y) =>
        StringComparer.OrdinalIgnoreCase.Equals(x.Person, y.Person) && StringComparer.OrdinalIgnoreCase.Equals(x.Measure, y.Measure);

    public int GetHashCode((string Person, string Measure) obj) => HashCode.Combine(
        StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Person), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Measure));
}
