using Microsoft.Extensions.Options;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Settings the app cannot be built with: a value that does not convert (<c>--Database:Provider=Mysql</c>), one that is
/// missing (PostgreSQL's connection string) or out of range (a checked section). Raised while the app is built, before
/// it opens anything; the command line prints the message alone on standard error, without a stack trace, and exits 1.
/// </summary>
public sealed class SettingsException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Runs <paramref name="build"/>, the building of the app, and turns the errors that settings cause into a <see cref="SettingsException"/>.</summary>
    public static T From<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(IsSettings))
        {
            // The startup validator reports several sections at once this way.
            throw new SettingsException(string.Join(" ", e.InnerExceptions.Select(i => i.Message)), e);
        }
        catch (Exception e) when (IsSettings(e))
        {
            throw new SettingsException(e.Message, e);
        }
    }

    /// <summary>
    /// The configuration binder's "Failed to convert configuration value … at 'Key'", the app's own "… must be set", an
    /// argument it cannot use, and a checked section out of range; a host aborted by the test server is none of them.
    /// </summary>
    private static bool IsSettings(Exception e) => e is InvalidOperationException or ArgumentException or OptionsValidationException;
}
