using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Tandem.Features.Surveys;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

/// <summary>The program's surveys page, driven through HTTP as a browser without JavaScript would.</summary>
public sealed class ProgramSurveyPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ATitleLongerThanTheLimitIsRefusedWithAMessageAndTheTypedTitleStaysInTheForm()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = new PageClient(await factory.SignedInClientAsync(school.Coordinator));
        var program = await school.CreateProgramAsync(coordinator.Http);
        var path = $"/programs/{program.Id}/surveys";
        // The input's maxlength counts a browser's characters; a form posted otherwise (or a line pasted with more) is longer.
        var title = "How was the first term " + new string('x', Survey.TitleMax);

        var refused = await coordinator.SubmitAsync(path, "new-survey", [new("template", "MidPoint"), new("title", title), new("anonymous", "true")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains($"A survey's title has at most {Survey.TitleMax} characters.", html);
        Assert.Contains($"value=\"{title}\"", html);
        Assert.Contains("No surveys yet.", WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync(path)));
    }

    [Fact]
    public async Task ARefusedNewSurveyComesBackWithTheChosenTemplateAndTheNamedChoice()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = new PageClient(await factory.SignedInClientAsync(school.Coordinator));
        var program = await school.CreateProgramAsync(coordinator.Http);
        var path = $"/programs/{program.Id}/surveys";
        var title = "How was the first term " + new string('x', Survey.TitleMax);
        var fresh = new HtmlParser().ParseDocument(await coordinator.Http.GetStringAsync(path));
        Assert.True(((IHtmlInputElement)fresh.GetElementById("anonymous")!).IsChecked); // anonymous by default

        // Named (the box left unticked), from the half-way template.
        var refused = await coordinator.SubmitAsync(path, "new-survey", [new("template", "MidPoint"), new("title", title)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var form = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Equal("MidPoint", ((IHtmlSelectElement)form.GetElementById("template")!).Value);
        Assert.False(((IHtmlInputElement)form.GetElementById("anonymous")!).IsChecked);
        Assert.Equal(title, ((IHtmlInputElement)form.GetElementById("title")!).Value);
    }
}
