using System.Text.RegularExpressions;

namespace Tandem.Tests.Architecture;

/// <summary>
/// Every server-rendered EditForm stops on a posted value the server could not read (ADR 81): it holds
/// <c>&lt;FormMappingErrors /&gt;</c>, and one submitted with <c>OnSubmit</c> (which skips validation) validates first,
/// or the unread value would reach its handler as "not given".
/// </summary>
public sealed partial class FormMappingErrorsTests
{
    [Fact]
    public void EveryNamedEditFormStopsOnAValueItCouldNotRead()
    {
        var problems = new List<string>();
        var forms = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Tandem.Tests.Operations.PublishedApp.RepositoryRoot(), "src", "Tandem"), "*.razor", SearchOption.AllDirectories))
        {
            var source = File.ReadAllText(file);
            var name = Path.GetFileName(file);
            foreach (Match form in EditForm().Matches(source))
            {
                var tag = form.Groups["tag"].Value;
                if (!tag.Contains("FormName=", StringComparison.Ordinal))
                {
                    continue;
                }
                forms++;
                if (!form.Groups["body"].Value.Contains("<FormMappingErrors", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: an EditForm without <FormMappingErrors />");
                }
                if (OnSubmit().Match(tag) is { Success: true } onSubmit)
                {
                    var handler = onSubmit.Groups[1].Value;
                    var body = Regex.Match(source, $@"Task {handler}\(EditContext (\w+)\)\s*\{{(?<body>.{{0,400}})", RegexOptions.Singleline);
                    if (!body.Success || !body.Groups["body"].Value.Contains($"{body.Groups[1].Value}.Validate()", StringComparison.Ordinal))
                    {
                        problems.Add($"{name}: OnSubmit=\"{handler}\" does not validate its EditContext first");
                    }
                }
            }
        }

        Assert.True(forms >= 20, $"Only {forms} named EditForms found: is the source where the test looks?");
        Assert.Empty(problems);
    }

    [GeneratedRegex(@"(?<tag><EditForm\b[^>]*>)(?<body>.*?)</EditForm>", RegexOptions.Singleline)]
    private static partial Regex EditForm();

    [GeneratedRegex(@"\bOnSubmit=""(\w+)""")]
    private static partial Regex OnSubmit();
}
