namespace Tandem.Features.Resources;

/// <summary>Words the library's pages use.</summary>
public static class ResourceText
{
    public static string KindLabel(ResourceView r) => r.Kind switch
    {
        ResourceKind.Link => LinkSources.Label(r.Source ?? LinkSource.Web),
        ResourceKind.File => r.File?.ContentType switch
        {
            "application/pdf" => "PDF",
            "image/png" or "image/jpeg" => "Picture",
            _ => "Text file",
        },
        _ => "Guide",
    };

    public static string Size(long bytes) => bytes < 1024 ? $"{bytes} bytes" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / (1024.0 * 1024):0.#} MB";
}
