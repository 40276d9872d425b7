using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Tests.Infrastructure;

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The body of a POST that needs none: the API refuses a signed-in POST without a JSON (or other
    /// non-form) body unless it carries an antiforgery token (docs/security.md, "Browser defences").
    /// </summary>
    public static HttpContent Empty() => new StringContent("{}", Encoding.UTF8, "application/json");
}
