using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

/// <summary>The organisation's surveys page (needs assessments without a program), driven through HTTP as a browser without JavaScript would.</summary>
public sealed class OrganisationSurveyPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ACoordinatorCreatesANeedsAssessmentThroughTheFormAndFindsItListedWithALinkToItsPage()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = new PageClient(await factory.SignedInClientAsync(school.Coordinator));
        var path = $"/organisations/{school.Organisation.Id}/surveys";

        var empty = await coordinator.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("No surveys yet.", await empty.Content.ReadAsStringAsync());

        var unknown = await coordinator.SubmitAsync(path, "new-survey", [new("title", "Before the program"), new("roster", "nobody@test.example")]);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var refusedForm = WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync());
        Assert.Contains("are not members of the organisation: nobody@test.example", refusedForm);
        // What was typed comes back in the form.
        Assert.Contains("value=\"Before the program\"", refusedForm);
        Assert.Contains("nobody@test.example</textarea>", refusedForm);

        var created = await coordinator.SubmitAsync(path, "new-survey",
            [new("title", "What would help you?"), new("anonymous", "true"), new("roster", school.Mentee.Email.ToUpperInvariant())]);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var location = created.Headers.Location!;
        var surveyPath = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
        Assert.StartsWith("/surveys/", surveyPath);
        var listed = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync(path));
        Assert.DoesNotContain("No surveys yet.", listed);
        Assert.Contains($"<a href=\"{surveyPath}\">What would help you?</a> (anonymous)", listed);
        Assert.Contains("0 of 1", listed);
        var survey = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync(surveyPath));
        Assert.Contains("<h1>What would help you?</h1>", survey);
        Assert.Contains($"<a href=\"{path}\">All surveys of the organisation</a>", survey);
        Assert.Contains("its roster of the organisation's members", survey);
        Assert.Contains(">Send</button>", survey);
    }

    [Fact]
    public async Task AMemberIsRefusedThePageAndAnOutsiderDoesNotFindIt()
    {
        var school = await School.CreateAsync(factory);
        var path = $"/organisations/{school.Organisation.Id}/surveys";
        var member = await factory.SignedInClientAsync(school.Mentee);
        var outsider = await factory.SignedInClientAsync(school.Outsider);

        var refused = await member.GetAsync(path);
        var hidden = await outsider.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("New needs assessment", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("New needs assessment", await hidden.Content.ReadAsStringAsync());
    }
}
