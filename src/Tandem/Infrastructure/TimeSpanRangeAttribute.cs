using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Tandem.Infrastructure;

/// <summary>
/// A setting's time span between two bounds, written as <see cref="TimeSpan"/> text ("00:00:30", "1.00:00:00"), with
/// the message <see cref="RangeAttribute"/> gives ("The field X must be between A and B.").
/// </summary>
/// <remarks>
/// In place of <c>[Range(typeof(TimeSpan), …)]</c>: that attribute converts its bounds on first use without a lock, and
/// two threads validating at the same moment can make one of them throw <see cref="InvalidCastException"/> ("Unable to
/// cast object of type 'System.TimeSpan' to type 'System.String'", dotnet/runtime#1143). Two app hosts starting at
/// once in the test suite met it at start-up, when every node checks its settings. These bounds are parsed once, in
/// the constructor.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    public TimeSpanRangeAttribute(string minimum, string maximum) : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    /// <summary>Null passes, as with <see cref="RangeAttribute"/>: <see cref="RequiredAttribute"/> says whether it must be set.</summary>
    public override bool IsValid(object? value) => value is null || value is TimeSpan span && span >= Minimum && span <= Maximum;

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum.ToString("c", CultureInfo.InvariantCulture), Maximum.ToString("c", CultureInfo.InvariantCulture));
}
