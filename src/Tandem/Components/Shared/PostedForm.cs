namespace Tandem.Components.Shared;

/// <summary>
/// The name of the form a request posts (Blazor's <c>_handler</c> field), read before the page renders: a page draws that
/// form even when it would no longer offer it (the row moved, the step was taken meanwhile), so Blazor finds it and the
/// use case answers why, with what was typed kept (ADRs 118, 121).
/// </summary>
public static class PostedForm
{
    /// <returns>The posted form's name; empty for anything but a form post.</returns>
    public static string Name(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType ? http.Request.Form["_handler"].ToString() : "";
}
