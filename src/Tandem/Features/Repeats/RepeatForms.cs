using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Repeats;

/// <summary>The pages' check of a posted form by the same DataAnnotations the API's validation applies.</summary>
public static class RepeatForms
{
    public static Invalid? Problem(object request)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            return null;
        }
        return new Invalid(results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: m, Message: r.ErrorMessage ?? "This value is not valid.")))
            .GroupBy(x => x.Member).ToDictionary(g => g.Key, g => g.Select(x => x.Message).Distinct().ToArray()));
    }
}
