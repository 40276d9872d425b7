using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Tandem.Infrastructure;

public static class OptionsSetup
{
    /// <summary>
    /// Binds a configuration section to <typeparamref name="T"/> and checks it when the app starts (its data
    /// annotations, then its <see cref="IValidatableObject"/> rules), so a bad setting stops the start with a message
    /// naming it instead of failing a request later.
    /// </summary>
    public static OptionsBuilder<T> AddCheckedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>The data-annotation errors of a nested settings object, named by its section (for <see cref="IValidatableObject"/>).</summary>
    public static IEnumerable<ValidationResult> Nested(object settings, string section)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"{section}: {r.ErrorMessage}", r.MemberNames.Select(m => $"{section}:{m}").ToList()));
    }
}
