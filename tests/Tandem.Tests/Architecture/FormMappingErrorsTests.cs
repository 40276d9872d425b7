using System.Text.RegularExpressions;
using Tandem.Components.Shared;

namespace Tandem.Tests.Architecture;

/// <summary>
/// Every server-rendered EditForm stops on a posted value the server could not read (ADR 81): its model is bound under
/// the form's name (where Blazor files the errors), it holds <c>&lt;FormMappingErrors /&gt;</c>, and one submitted with
/// <c>OnSubmit</c> (which skips validation) validates first, or the unread value would reach its handler as "not given".
/// </summary>
public sealed partial class FormMappingErrorsTests
{
    [Fact]
    public void EveryNamedEditFormStopsOnAValueItCouldNotRead()
    {
        var problems = new List<string>();
        var forms = 0;
        foreach (var (name, source) in Pages())
        {
            foreach (Match form in EditForm().Matches(source))
            {
                var tag = form.Groups["tag"].Value;
                if (FormName().Match(tag) is not { Success: true } formName)
                {
                    problems.Add($"{name}: an EditForm without a FormName (every form here is server-rendered)");
                    continue;
                }
                forms++;
                var handler = formName.Groups[1].Value;
                if (!form.Groups["body"].Value.Contains("<FormMappingErrors", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: the EditForm \"{handler}\" has no <FormMappingErrors />");
                }
                if (Model().Match(tag) is { Success: true } model
                    && !Regex.IsMatch(source, $@"\[SupplyParameterFromForm\(FormName = ""{Regex.Escape(handler)}""\)\][^\n]*\b{model.Groups[1].Value} \{{"))
                {
                    problems.Add($"{name}: the model of the EditForm \"{handler}\" is not bound with [SupplyParameterFromForm(FormName = \"{handler}\")]");
                }
                if (tag.Contains("OnSubmit=", StringComparison.Ordinal))
                {
                    var onSubmit = OnSubmit().Match(tag);
                    var body = onSubmit.Success
                        ? Regex.Match(source, $@"Task {onSubmit.Groups[1].Value}\(EditContext (\w+)\)\s*\{{\s*(//[^\n]*\s*)*if \(!\1\.Validate\(\)\)")
                        : Match.Empty;
                    if (!body.Success)
                    {
                        problems.Add($"{name}: the EditForm \"{handler}\" is submitted with OnSubmit and its handler does not begin with if (!context.Validate())");
                    }
                }
            }
        }

        Assert.True(forms >= 20, $"Only {forms} named EditForms found: is the source where the test looks?");
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryPlainFormWithANumberDateOrChoiceRefusesAValueItCouldNotRead()
    {
        var problems = new List<string>();
        var forms = new HashSet<string>();
        foreach (var (name, source) in Pages())
        {
            foreach (Match parameter in ValueParameter().Matches(source))
            {
                var formName = parameter.Groups[1].Value;
                if (forms.Add($"{name}:{formName}")
                    && !source.Contains($"FormMappingErrors.Unread(MappingContext, \"{formName}\")", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: the form \"{formName}\" binds {parameter.Groups[2].Value} {parameter.Groups[3].Value} and its handler does not refuse a value it could not read");
                }
            }
        }

        Assert.True(forms.Count >= 4, $"Only {forms.Count} plain forms with a number, date or choice found: is the source where the test looks?");
        Assert.Empty(problems);
    }

    /// <summary>
    /// Each component's file name and source: the page without its Razor comments, with its code-behind
    /// (Page.razor.cs), where a page may bind its model.
    /// </summary>
    private static IEnumerable<(string Name, string Source)> Pages() =>
        Directory.EnumerateFiles(Path.Combine(Tandem.Tests.Operations.PublishedApp.RepositoryRoot(), "src", "Tandem"), "*.razor", SearchOption.AllDirectories)
            .Select(file => (Path.GetFileName(file), RazorComment().Replace(File.ReadAllText(file), "") + (File.Exists(file + ".cs") ? File.ReadAllText(file + ".cs") : "")));

    [Theory]
    [InlineData("The value 'next spring' is not valid for 'StartsOn'.", "Starts on: “next spring” is not a valid value.")]
    [InlineData("The value '' is not valid for 'SurveyId'.", "Survey id: an empty value is not valid here.")]
    [InlineData("The value 'x' is not valid for 'ClosedProgramMonths'.", "Closed program months: “x” is not a valid value.")]
    [InlineData("'Form' does must start with 'Form.Objectives[0]'", "A value in the form could not be read, so nothing was saved. Check the fields and send it again.")]
    public void AMappingErrorIsSaidInWords(string error, string sentence) => Assert.Equal(sentence, FormMappingErrors.Sentence(error));

    [Fact]
    public void ALongValueIsCutShort() =>
        Assert.Equal($"Capacity: “{new string('9', 60)}…” is not a valid value.", FormMappingErrors.Sentence($"The value '{new string('9', 200)}' is not valid for 'Capacity'."));

    // A tag runs to the first '>' outside quotes (an attribute may hold a lambda with '>' in it).
    [GeneratedRegex(@"(?<tag><EditForm\b(?:[^>""]|""[^""]*"")*>)(?<body>.*?)</EditForm>", RegexOptions.Singleline)]
    private static partial Regex EditForm();

    // A form's own parameter that Blazor reads from text and can fail to read: a number, a date, a yes or no.
    [GeneratedRegex(@"\[SupplyParameterFromForm\(FormName = ""([^""]+)""(?:, Name = ""[^""]+"")?\)\]\s*private (int\?|long\?|double\?|decimal\?|DateOnly\?|DateTime\?|DateTimeOffset\?|TimeOnly\?|bool\?) (\w+)")]
    private static partial Regex ValueParameter();

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex RazorComment();

    [GeneratedRegex(@"\bFormName=""([^""]+)""")]
    private static partial Regex FormName();

    [GeneratedRegex(@"\bModel=""@?(\w+)""")]
    private static partial Regex Model();

    [GeneratedRegex(@"\bOnSubmit=""@?(\w+)""")]
    private static partial Regex OnSubmit();
}
