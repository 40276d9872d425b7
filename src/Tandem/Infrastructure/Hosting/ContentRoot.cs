namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// The app's content root (where appsettings.json, wwwroot and the default data folder are looked up) is the folder the
/// app is installed in, not the working directory a service manager happens to start it from (docs/decisions/0039).
/// </summary>
public static class ContentRoot
{
    /// <summary>
    /// <see cref="AppContext.BaseDirectory"/>, or null when the content root is configured (<c>--contentRoot</c>,
    /// <c>ASPNETCORE_CONTENTROOT</c> or <c>DOTNET_CONTENTROOT</c>) so that the host takes the configured one.
    /// </summary>
    /// <remarks>
    /// A content root given in <see cref="WebApplicationOptions"/> would win over the configured one, so the default is
    /// only given when none is configured. The test host (WebApplicationFactory) configures the project folder this way.
    /// </remarks>
    public static string? Default(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[WebHostDefaults.ContentRootKey];
        return string.IsNullOrWhiteSpace(configured) ? AppContext.BaseDirectory : null;
    }
}
