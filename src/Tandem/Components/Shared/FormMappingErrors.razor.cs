using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Components.Shared;

public sealed partial class FormMappingErrors
{
    /// <summary>The warning's event: a form posted a value the server could not read.</summary>
    public static readonly EventId UnreadValue = new(8101, "FormValueUnread");

    private const string Unreadable = "A value in the form could not be read, so nothing was saved. Check the fields and send it again.";

    private readonly List<string> messages = [];
    private EditContext form = default!;
    private ValidationMessageStore store = default!;

    [Inject] private ILogger<FormMappingErrors> Logger { get; set; } = default!;
    [CascadingParameter] private EditContext? EditContext { get; set; }
    [CascadingParameter] private FormMappingContext? MappingContext { get; set; }
    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    /// <summary>False where the form's ValidationSummary already lists every message.</summary>
    [Parameter] public bool ShowMessages { get; set; } = true;

    protected override void OnInitialized()
    {
        form = EditContext ?? throw new InvalidOperationException($"{nameof(FormMappingErrors)} goes inside an EditForm.");
        store = new ValidationMessageStore(form);
        form.OnValidationRequested += AddMappingErrors;
    }

    private void AddMappingErrors(object? sender, ValidationRequestedEventArgs e)
    {
        messages.Clear();
        store.Clear();
        if (HttpContext is not { Request.HasFormContentType: true } http
            || http.Request.Form["_handler"].ToString() is not { Length: > 0 } formName)
        {
            return;
        }
        var errors = ErrorsOf(MappingContext, formName);
        messages.AddRange(Sentences(errors));
        if (messages.Count == 0)
        {
            return;
        }
        // The fields only: what was typed may be personal.
        var fields = errors.Select(m => MappingError().Match(m) is { Success: true } match ? match.Groups["field"].Value : "?").Distinct();
        Logger.LogWarning(UnreadValue, "The form {Form} posted values that could not be read, for {Fields}", formName, string.Join(", ", fields));
        foreach (var message in messages)
        {
            store.Add(new FieldIdentifier(form.Model, string.Empty), message);
        }
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        StateHasChanged();
    }

    /// <summary>
    /// For a plain <c>&lt;form&gt;</c> whose fields are separate <c>[SupplyParameterFromForm]</c> parameters: the values of
    /// the posted form the server could not read, as a failure the page shows like any other, or null. The handler
    /// returns it before it acts, or an unread value would reach it as "not given" and take its default (ADR 81).
    /// </summary>
    public static Invalid? Unread(FormMappingContext? mapping, string formName)
    {
        var sentences = Sentences(ErrorsOf(mapping, formName));
        return sentences.Count == 0 ? null : new Invalid(new Dictionary<string, string[]> { [formName] = [.. sentences] });
    }

    /// <summary>The framework's messages for what it could not read of the posted form.</summary>
    private static List<string> ErrorsOf(FormMappingContext? mapping, string formName) =>
        (mapping?.GetAllErrors(formName) ?? []).SelectMany(e => e.ErrorMessages).Select(m => m.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// The messages in words, once each. The framework adds a message of its own when a failed value sits in a list;
    /// the value's message says more, so that one is left out when there is another.
    /// </summary>
    private static List<string> Sentences(IEnumerable<string> errors)
    {
        var read = errors.Select(Sentence).Distinct().ToList();
        return read.Count > 1 ? read.Where(m => m != Unreadable).ToList() : read;
    }

    /// <summary>"The value 'abc' is not valid for 'StartsOn'." becomes "Starts on: “abc” is not a valid value."</summary>
    public static string Sentence(string mappingError)
    {
        var match = MappingError().Match(mappingError);
        if (!match.Success)
        {
            return Unreadable;
        }
        var value = match.Groups["value"].Value;
        var field = WordStart().Replace(match.Groups["field"].Value, " ").ToLowerInvariant();
        field = field.Length == 0 ? "A field" : char.ToUpperInvariant(field[0]) + field[1..];
        return value.Length == 0
            ? $"{field}: an empty value is not valid here."
            : $"{field}: “{Quoted.Of(value)}” is not a valid value.";
    }

    public void Dispose()
    {
        if (form is not null)
        {
            form.OnValidationRequested -= AddMappingErrors;
        }
    }

    [GeneratedRegex(@"^The value '(?<value>.*)' is not valid for '(?<field>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex MappingError();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordStart();
}
