namespace Tandem.Infrastructure.Problems;

/// <summary>A business-rule failure returned as a value by a use case, mapped to ProblemDetails in one place.</summary>
public abstract record Failure(string Title, string Detail);

/// <summary>The object does not exist, or the caller may not know it exists.</summary>
public sealed record NotFound(string Detail) : Failure("Not found", Detail);

/// <summary>The caller can see the object but may not do this to it.</summary>
public sealed record Forbidden(string Detail) : Failure("Forbidden", Detail);

/// <summary>The request clashes with the object's current state (a transition not allowed, a duplicate).</summary>
public sealed record Conflict(string Detail) : Failure("Conflict", Detail);

/// <summary>What was sent is larger than this place accepts (an upload over its limit).</summary>
public sealed record TooLarge(string Detail) : Failure("Payload too large", Detail);

/// <summary>
/// Something sent whole (an imported file) that cannot be used as it is (422): every problem named in the problem's
/// <see cref="ListName"/> member, and nothing was written.
/// </summary>
public abstract record Unprocessable(string Title, string Detail) : Failure(Title, Detail)
{
    public abstract string ListName { get; }

    public abstract object List { get; }
}

/// <summary>Too many attempts (a rate limit); the caller may try again after <paramref name="RetryAfter"/>.</summary>
public sealed record TooManyRequests(string Detail, TimeSpan RetryAfter) : Failure("Too many requests", Detail)
{
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>The request is well-formed but its values break a rule; errors are keyed by field.</summary>
public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors)
    : Failure("One or more validation errors occurred.", string.Join(" ", Errors.SelectMany(e => e.Value)))
{
    public static Invalid Field(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Either a value or a failure.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public Failure? Failure { get; }
    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}
