using System.Runtime.CompilerServices;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// Test hosts do not watch their configuration files. Each watcher takes one of the user's inotify instances, every class
/// fixture keeps its host alive, and both databases' suites run at once: a clean-clone run on Linux's default limit of 128
/// had 92 tests fail with "The configured user limit (128) on the number of inotify instances has been reached". No test
/// changes a configuration file while its host runs, so nothing is lost.
/// </summary>
internal static class NoConfigurationWatchers
{
    [ModuleInitializer]
    internal static void Apply() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
