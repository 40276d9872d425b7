using Microsoft.AspNetCore.Http.Features;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Input;

/// <summary>A form read by <see cref="UploadForms.ReadAsync"/>.</summary>
public sealed record UploadForm(IFormCollection Fields);

/// <summary>Reading a form that carries an uploaded file, the same way for every upload endpoint.</summary>
public static class UploadForms
{
    /// <summary>What a multipart form carries besides the file: its boundaries and part headers.</summary>
    public const long Slack = 64 * 1024;

    /// <summary>
    /// The request's form, read with room for a file of <paramref name="fileLimit"/> bytes: <paramref name="tooLarge"/>
    /// beyond it (a chunked body has no Content-Length to check first), 400 on the field "file" for a broken form.
    /// </summary>
    public static async Task<Outcome<UploadForm>> ReadAsync(HttpRequest http, long fileLimit, Failure tooLarge, CancellationToken ct)
    {
        try
        {
            return new UploadForm(await http.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = fileLimit + Slack }, ct));
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? tooLarge
                : Invalid.Field("file", "The upload is not a readable multipart form.");
        }
    }
}
