using Microsoft.AspNetCore.Http.Features;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Input;

/// <summary>A form read by <see cref="UploadForms.ReadAsync"/>.</summary>
public sealed record UploadForm(IFormCollection Fields);

/// <summary>A form with its one file in the field "file", read by <see cref="UploadForms.ReadWithFileAsync"/>.</summary>
public sealed record UploadWithFile(IFormCollection Fields, Files.IncomingFile File);

/// <summary>Reading a form that carries an uploaded file, the same way for every upload endpoint.</summary>
public static class UploadForms
{
    /// <summary>What a multipart form carries besides the file: its boundaries and part headers.</summary>
    public const long Slack = 64 * 1024;

    /// <summary>
    /// The request's form, read with room for a file of <paramref name="fileLimit"/> bytes: <paramref name="tooLarge"/>
    /// beyond it (a chunked body has no Content-Length to check first), 400 on the field "file" for a broken form, 400 on a
    /// text field holding a NUL character.
    /// </summary>
    public static async Task<Outcome<UploadForm>> ReadAsync(HttpRequest http, long fileLimit, Failure tooLarge, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = fileLimit + Slack }, ct);
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? tooLarge
                : Invalid.Field("file", "The upload is not a readable multipart form.");
        }
        // PostgreSQL cannot store a NUL: a text field with one (a message's body, a resource's title) is a 400 naming it, on
        // either database, as in a JSON body (ADR 112). The file itself is not text and is left alone.
        return NulCharacters.FirstFieldWithNul(form) is { } field ? NulCharacters.FieldRefused(field) : new UploadForm(form);
    }

    /// <summary>
    /// A multipart form with a file in its field "file" of at most <paramref name="limit"/> bytes (the endpoints that keep a
    /// file with other fields: a message, a training module's file, a resource): 413 with <paramref name="tooLargeMessage"/>
    /// beyond it, read or announced; 400 on the field "file" for a request that is not such a form or has no file.
    /// </summary>
    public static async Task<Outcome<UploadWithFile>> ReadWithFileAsync(HttpRequest http, long limit, string tooLargeMessage, CancellationToken ct)
    {
        var tooLarge = new TooLarge(tooLargeMessage);
        if (http.ContentLength > limit + Slack)
        {
            return tooLarge;
        }
        if (!http.HasFormContentType)
        {
            return Invalid.Field("file", "Send the file as multipart/form-data with a field named file.");
        }
        var read = await ReadAsync(http, limit, tooLarge, ct);
        if (read.Failure is { } unreadable)
        {
            return unreadable;
        }
        var form = read.Value!.Fields;
        if (form.Files.GetFile("file") is not { } file)
        {
            return Invalid.Field("file", "Attach a file in the field named file.");
        }
        return new UploadWithFile(form, new Files.IncomingFile(file.FileName, file.ContentType, file.Length, file.OpenReadStream));
    }

    /// <summary>
    /// An uploaded file's bytes, from a raw body or the first file of a multipart form: 413 (<see cref="TooLarge"/> with
    /// <paramref name="tooLargeMessage"/>) beyond <paramref name="limit"/> bytes, read or announced; 400 on the field "file"
    /// with <paramref name="noFileMessage"/> for a form without a file. Call it only once the caller is known to be allowed:
    /// nothing is read for a stranger.
    /// </summary>
    public static async Task<Outcome<byte[]>> ReadFileAsync(HttpRequest http, long limit, string tooLargeMessage, string noFileMessage, CancellationToken ct)
    {
        var tooLarge = new TooLarge(tooLargeMessage);
        if (http.ContentLength > limit + Slack)
        {
            return tooLarge;
        }
        Stream body;
        if (http.HasFormContentType)
        {
            var read = await ReadAsync(http, limit, tooLarge, ct);
            if (read.Failure is { } unreadable)
            {
                return unreadable;
            }
            var file = read.Value!.Fields.Files.FirstOrDefault();
            if (file is null)
            {
                return Invalid.Field("file", noFileMessage);
            }
            if (file.Length > limit)
            {
                return tooLarge;
            }
            body = file.OpenReadStream();
        }
        else
        {
            body = http.Body;
        }
        await using (body)
        {
            return await ReadAllAsync(body, limit, tooLarge, ct);
        }
    }

    /// <summary>A stream's bytes, <paramref name="tooLarge"/> as soon as they pass <paramref name="limit"/>.</summary>
    public static async Task<Outcome<byte[]>> ReadAllAsync(Stream body, long limit, Failure tooLarge, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return tooLarge;
            }
        }
        return buffer.ToArray();
    }
}
