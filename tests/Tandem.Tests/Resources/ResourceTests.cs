using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Resources;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Resources;

/// <summary>
/// Issue 13 item 4 (ADR 64): the resource library. Links (https only, labelled by where they go), files checked by their
/// bytes against their name and type, Markdown guides; tags, search and paging; audiences by role; organisation-wide
/// resources; attachments to training modules, goals and events.
/// </summary>
public sealed class ResourceTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static string Library(Guid programId) => $"/api/v1/programs/{programId}/resources";

    private static async Task<ResourceView> CreateAsync(HttpClient coordinator, Guid programId, object resource)
    {
        var response = await coordinator.PostAsJsonAsync(Library(programId), resource);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!;
    }

    private static object Link(string title, string url, string audience = "Everyone", params string[] tags) =>
        new { kind = "Link", title, description = $"About {title}", url, audience, tags };

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string url, byte[] bytes, string name, string type, string title = "A file",
        string audience = "Everyone", string tags = "")
    {
        var token = await PageClient.AntiforgeryTokenAsync(client, "/account/password");
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        var form = new MultipartFormDataContent
        {
            { content, "file", name },
            { new StringContent(title), "title" },
            { new StringContent(audience), "audience" },
            { new StringContent(tags), "tags" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    private static async Task<Paged<ResourceView>> ListAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Paged<ResourceView>>(Json.Options))!;
    }

    /// <summary>The program's resources, and every library file stored (the tests of this class run one at a time).</summary>
    private Task<(int Resources, int Files)> CountAsync(Guid programId) => factory.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        return (await db.Set<Resource>().CountAsync(r => r.ProgramId == programId), await db.Set<StoredFile>().CountAsync(f => f.Key.StartsWith("resources/")));
    });

    [Fact]
    public async Task EachKindIsKeptAndALinkIsLabelledByWhereItGoes()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Kit Mentee", "mentee");
        var id = program.Program.Id;
        var (_, filesBefore) = await CountAsync(id);

        var doc = await CreateAsync(program.Coordinator, id, Link("Reading plan", "https://docs.google.com/document/d/abc/edit", tags: ["Reading Plans", "#Year 7", "reading plans"]));
        Assert.Equal((ResourceKind.Link, LinkSource.GoogleDocs), (doc.Kind, doc.Source));
        Assert.Equal(["reading-plans", "year-7"], doc.Tags);
        Assert.Equal(LinkSource.GoogleDrive, (await CreateAsync(program.Coordinator, id, Link("Folder", "https://drive.google.com/drive/folders/x"))).Source);
        Assert.Equal(LinkSource.Moodle, (await CreateAsync(program.Coordinator, id, Link("Course", "https://moodle.school.example/course/view.php?id=4"))).Source);
        Assert.Equal(LinkSource.Canvas, (await CreateAsync(program.Coordinator, id, Link("Module", "https://school.instructure.com/courses/12/modules"))).Source);
        Assert.Equal(LinkSource.YouTube, (await CreateAsync(program.Coordinator, id, Link("Video", "https://youtu.be/dQw4w9WgXcQ"))).Source);
        Assert.Equal(LinkSource.Vimeo, (await CreateAsync(program.Coordinator, id, Link("Talk", "https://vimeo.com/12345"))).Source);
        Assert.Equal(LinkSource.Web, (await CreateAsync(program.Coordinator, id, Link("Blog", "https://example.org/mentoring"))).Source);

        var guide = await CreateAsync(program.Coordinator, id, new { kind = "Guide", title = "First meeting", body = "## Say hello\n\n<script>alert(1)</script> Be **kind**.", tags = new[] { "start" } });
        var read = await mentee.Client.GetFromJsonAsync<ResourceView>($"/api/v1/resources/{guide.Id}", Json.Options);
        Assert.Contains("Be **kind**", read!.Body);
        var page = await mentee.Client.GetStringAsync($"/resources/{guide.Id}");
        Assert.Contains("<strong>kind</strong>", page);
        Assert.DoesNotContain("<script>alert(1)</script>", page);

        var pdf = "%PDF-1.4\n% a guide\n"u8.ToArray();
        var uploaded = await UploadAsync(program.Coordinator, $"{Library(id)}/files", pdf, "guide.pdf", "application/pdf", "Safeguarding leaflet", tags: "safety, leaflets");
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var file = (await uploaded.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!;
        Assert.Equal(("guide.pdf", "application/pdf", (long)pdf.Length), (file.File!.Name, file.File.ContentType, file.File.Size));
        Assert.Equal(["safety", "leaflets"], file.Tags);
        using var download = await mentee.Client.GetAsync(file.File.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        var list = await ListAsync(mentee.Client, Library(id));
        Assert.Equal(9, list.TotalCount);
        Assert.All(list.Items, r => Assert.Null(r.Body));
        var browse = await mentee.Client.GetStringAsync($"/programs/{id}/resources");
        Assert.Contains("Open on Google Docs", browse);
        Assert.Contains("Download guide.pdf", browse);

        // Changed and deleted by the coordinators only; a delete takes the file with it.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.DeleteAsync($"/api/v1/resources/{file.Id}")).StatusCode);
        var changed = await program.Coordinator.PutAsJsonAsync($"/api/v1/resources/{doc.Id}", new { title = "Reading plan 2", url = "https://docs.google.com/document/d/def", tags = new[] { "plans" }, audience = "Mentors" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync($"/api/v1/resources/{doc.Id}")).StatusCode);
        // A rename that leaves the audience out keeps it: the mentors' plan does not open to everyone.
        var renamed = await program.Coordinator.PutAsJsonAsync($"/api/v1/resources/{doc.Id}", new { title = "Reading plan 3", url = "https://docs.google.com/document/d/def" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(ResourceAudience.Mentors, (await renamed.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!.Audience);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync($"/api/v1/resources/{doc.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await program.Coordinator.DeleteAsync($"/api/v1/resources/{file.Id}")).StatusCode);
        Assert.Equal((8, filesBefore), await CountAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync(file.File.Url)).StatusCode);
    }

    [Fact]
    public async Task AnUploadWhoseExtensionLiesIsRefusedWith422AndNothingIsStored()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Lou Mentee", "mentee");
        var url = $"{Library(program.Program.Id)}/files";
        var (_, filesBefore) = await CountAsync(program.Program.Id);

        var exe = await UploadAsync(program.Coordinator, url, [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00], "guide.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, exe.StatusCode);
        Assert.Contains("application/problem+json", exe.Content.Headers.ContentType!.ToString());
        var pngAsPdf = await UploadAsync(program.Coordinator, url, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], "diagram.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pngAsPdf.StatusCode);
        Assert.Contains("named as a PDF but its contents are a PNG picture", await pngAsPdf.Content.ReadAsStringAsync());
        var textAsPng = await UploadAsync(program.Coordinator, url, "just notes\n"u8.ToArray(), "notes.png", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, textAsPng.StatusCode);
        var pdfSentAsPng = await UploadAsync(program.Coordinator, url, "%PDF-1.4\n"u8.ToArray(), "guide.pdf", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pdfSentAsPng.StatusCode);
        var tooBig = await UploadAsync(program.Coordinator, url, new byte[6 * 1024 * 1024], "big.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(mentee.Client, url, "%PDF-1.4\n"u8.ToArray(), "guide.pdf", "application/pdf")).StatusCode);
        Assert.Equal((0, filesBefore), await CountAsync(program.Program.Id));

        // A real PDF named and sent as one is kept.
        var page = await UploadAsync(program.Coordinator, url, "%PDF-1.4\n"u8.ToArray(), "real.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.Created, page.StatusCode);
        Assert.Equal((1, filesBefore + 1), await CountAsync(program.Program.Id));
    }

    [Fact]
    public async Task AFileWithAVeryLongNameIsKeptUnderItsNameCutShortWithItsExtension()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var name = new string('x', 250) + ".pdf";
        var uploaded = await UploadAsync(program.Coordinator, $"{Library(program.Program.Id)}/files", "%PDF-1.4\n"u8.ToArray(), name, "application/pdf", "Long name");
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, $"{(int)uploaded.StatusCode}: {await uploaded.Content.ReadAsStringAsync()}");
        var file = (await uploaded.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!.File!;
        Assert.Equal(new string('x', 196) + ".pdf", file.Name);
    }

    [Fact]
    public async Task AResourceDeletedBetweenReadingAndSavingIsNotFoundForADeleteOrAnEdit()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        var coordinator = new Actor(program.School.Coordinator.Id, IsAdministrator: false);
        Task GoneAsync(TandemDb db, Guid resourceId) => db.Set<Resource>().Where(r => r.Id == resourceId).ExecuteDeleteAsync();

        // A delete clicked twice: the second request read the resource before the first deleted it. It used to end in a 500.
        var twice = await CreateAsync(program.Coordinator, id, Link("Clicked twice", "https://example.org/twice"));
        var second = await DeletedMeanwhile.RunAsync<ManageResources, Failure?>(factory, db => GoneAsync(db, twice.Id), m => m.DeleteAsync(coordinator, twice.Id));
        Assert.Equal(ResourceAccess.NoResource, Assert.IsType<NotFound>(second).Detail);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.DeleteAsync($"/api/v1/resources/{twice.Id}")).StatusCode);

        // An edit sent from a page opened before another coordinator deleted the resource.
        var edited = await CreateAsync(program.Coordinator, id, Link("Edited in an old tab", "https://example.org/old"));
        var saved = await DeletedMeanwhile.RunAsync<ManageResources, Outcome<ResourceView>>(factory, db => GoneAsync(db, edited.Id),
            m => m.UpdateAsync(coordinator, edited.Id, new ChangeResourceRequest("Renamed", Url: "https://example.org/new")));
        Assert.IsType<NotFound>(saved.Failure);
        Assert.Equal(0, (await CountAsync(id)).Resources);
    }

    [Fact]
    public async Task ALinkThatIsNotHttpsIsRefusedWith422()
    {
        var program = await PairingProgram.CreateAsync(factory);
        foreach (var url in new[] { "http://docs.google.com/document/d/abc", "javascript:alert(1)", "ftp://files.example.org/a", "not a link", "" })
        {
            var response = await program.Coordinator.PostAsJsonAsync(Library(program.Program.Id), Link("Plain", url));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("https://", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await program.Coordinator.PostAsJsonAsync(Library(program.Program.Id), new { kind = "Guide", title = "Empty" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await program.Coordinator.PostAsJsonAsync(Library(program.Program.Id), new { kind = "Link", title = "", url = "https://example.org" })).StatusCode);
        Assert.Equal(0, (await CountAsync(program.Program.Id)).Resources);
    }

    [Fact]
    public async Task ALinkThatOnlyFitsBeforeItsLettersAreEncodedIsRefusedWith422AndNotStored()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        // 920 characters as typed, 5,420 as kept (each é is %C3%A9): PostgreSQL's varchar(2000) refused the save with a 500.
        var tooLong = "https://example.org/" + new string('é', 900);
        var created = await program.Coordinator.PostAsJsonAsync(Library(id), Link("Lesen", tooLong));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Contains("\"url\"", await created.Content.ReadAsStringAsync());
        Assert.Equal(0, (await CountAsync(id)).Resources);

        var fits = await CreateAsync(program.Coordinator, id, Link("Lesen", "https://example.org/" + new string('é', 300)));
        Assert.Equal("https://example.org/" + string.Concat(Enumerable.Repeat("%C3%A9", 300)), fits.Url);
        var changed = await program.Coordinator.PutAsJsonAsync($"/api/v1/resources/{fits.Id}", new { title = "Lesen", url = "https://example.org/a " + new string('ü', 340) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        Assert.Equal(fits.Url, (await program.Coordinator.GetFromJsonAsync<ResourceView>($"/api/v1/resources/{fits.Id}", Json.Options))!.Url);
    }

    [Fact]
    public async Task AMenteeNeverSeesAMentorOnlyResourceAndSomeoneFromAnotherProgramSeesNothing()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Moe Mentor", "mentor");
        var mentee = await program.ApproveAsync("Mia Mentee", "mentee");
        var other = await PairingProgram.CreateAsync(factory);
        var stranger = await other.ApproveAsync("Stu Stranger", "mentee");
        var id = program.Program.Id;
        var forMentors = (await (await UploadAsync(program.Coordinator, $"{Library(id)}/files", "Notes for mentors only\n"u8.ToArray(), "mentor-notes.txt", "text/plain",
            "Mentor handbook", audience: "Mentors", tags: "handbook")).Content.ReadFromJsonAsync<ResourceView>(Json.Options))!;
        var forEveryone = await CreateAsync(program.Coordinator, id, Link("Mentee handbook", "https://example.org/handbook", tags: ["handbook"]));

        Assert.Equal(["Mentee handbook"], (await ListAsync(mentee.Client, Library(id))).Items.Select(r => r.Title));
        Assert.Equal(["Mentee handbook"], (await ListAsync(mentee.Client, $"{Library(id)}?q=handbook")).Items.Select(r => r.Title));
        Assert.Equal(["Mentee handbook"], (await ListAsync(mentee.Client, $"{Library(id)}?tag=handbook")).Items.Select(r => r.Title));
        Assert.Equal(0, (await ListAsync(mentee.Client, $"{Library(id)}?q=mentor")).TotalCount);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync($"/api/v1/resources/{forMentors.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync(forMentors.File!.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.Client.GetAsync($"/resources/{forMentors.Id}")).StatusCode);
        Assert.DoesNotContain("Mentor handbook", await mentee.Client.GetStringAsync($"/programs/{id}/resources?q=handbook"));

        Assert.Equal(2, (await ListAsync(mentor.Client, Library(id))).TotalCount);
        Assert.Equal(HttpStatusCode.OK, (await mentor.Client.GetAsync(forMentors.File!.Url)).StatusCode);
        Assert.Equal(2, (await ListAsync(program.Coordinator, $"{Library(id)}?tag=handbook")).TotalCount);

        foreach (var url in new[] { Library(id), $"/api/v1/resources/{forEveryone.Id}", $"/api/v1/resources/{forMentors.Id}", forMentors.File.Url, $"/programs/{id}/resources", $"/resources/{forEveryone.Id}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync(url)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.DeleteAsync($"/api/v1/resources/{forEveryone.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.PutAsJsonAsync($"/api/v1/resources/{forEveryone.Id}", new { title = "Mine now" })).StatusCode);
    }

    [Fact]
    public async Task SearchAndTheTagFilterFindTheRightOnesAndPage()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Sam Mentee", "mentee");
        var id = program.Program.Id;
        await CreateAsync(program.Coordinator, id, Link("Study skills", "https://example.org/study", tags: ["exams", "study"]));
        await CreateAsync(program.Coordinator, id, Link("Exam revision timetable", "https://example.org/revision", tags: ["exams"]));
        await CreateAsync(program.Coordinator, id, Link("Careers fair", "https://example.org/careers", tags: ["careers"]));
        await CreateAsync(program.Coordinator, id, new { kind = "Guide", title = "How to revise", description = "A 100% practical guide_to revision", body = "Plan, then test yourself.", tags = new[] { "exams" } });
        for (var i = 0; i < 3; i++)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await CreateAsync(program.Coordinator, id, Link($"Reading list {i}", $"https://example.org/reading/{i}", tags: ["reading"]));
        }

        Assert.Equal(["How to revise", "Exam revision timetable"], (await ListAsync(mentee.Client, $"{Library(id)}?q=REVIS")).Items.Select(r => r.Title));
        Assert.Equal(["How to revise"], (await ListAsync(mentee.Client, $"{Library(id)}?q=revis%20practical")).Items.Select(r => r.Title));
        Assert.Equal(["How to revise"], (await ListAsync(mentee.Client, $"{Library(id)}?q=100%25")).Items.Select(r => r.Title));
        Assert.Equal(0, (await ListAsync(mentee.Client, $"{Library(id)}?q=%25%25%25x")).TotalCount);
        Assert.Equal(["How to revise"], (await ListAsync(mentee.Client, $"{Library(id)}?q=guide_to")).Items.Select(r => r.Title));
        Assert.Equal(0, (await ListAsync(mentee.Client, $"{Library(id)}?q=guide_x")).TotalCount);
        Assert.Equal(3, (await ListAsync(mentee.Client, $"{Library(id)}?tag=Exams")).TotalCount);
        Assert.Equal(["Study skills"], (await ListAsync(mentee.Client, $"{Library(id)}?tag=exams&q=skills")).Items.Select(r => r.Title));
        // "exam" is not the tag "exams".
        Assert.Equal(0, (await ListAsync(mentee.Client, $"{Library(id)}?tag=exam")).TotalCount);

        var first = await ListAsync(mentee.Client, $"{Library(id)}?tag=reading&pageSize=2");
        Assert.Equal((3, 2, 2), (first.TotalCount, first.TotalPages, first.Items.Count));
        Assert.Equal(["Reading list 2", "Reading list 1"], first.Items.Select(r => r.Title));
        var second = await ListAsync(mentee.Client, $"{Library(id)}?tag=reading&pageSize=2&page=2");
        Assert.Equal(["Reading list 0"], second.Items.Select(r => r.Title));
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.Client.GetAsync($"{Library(id)}?pageSize=500")).StatusCode);

        var page = await mentee.Client.GetStringAsync($"/programs/{id}/resources?q=nothing-like-this");
        Assert.Contains("Nothing matches your search.", page);
    }

    [Fact]
    public async Task AnOrganisationsResourcesAreInEveryOneOfItsProgramsAndManagedByItsCoordinatorsOnly()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Ola Mentee", "mentee");
        var organisation = $"/api/v1/organisations/{program.School.Organisation.Id}/resources";
        var created = await program.Coordinator.PostAsJsonAsync(organisation, Link("Safeguarding policy", "https://example.org/policy", tags: ["policy"]));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var policy = (await created.Content.ReadFromJsonAsync<ResourceView>(Json.Options))!;
        Assert.Null(policy.ProgramId);

        Assert.Equal(["Safeguarding policy"], (await ListAsync(mentee.Client, Library(program.Program.Id))).Items.Select(r => r.Title));
        Assert.Equal(HttpStatusCode.OK, (await mentee.Client.GetAsync($"/api/v1/resources/{policy.Id}")).StatusCode);
        Assert.Equal(1, (await ListAsync(program.Coordinator, organisation)).TotalCount);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.PostAsJsonAsync(organisation, Link("Mine", "https://example.org/mine"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.GetAsync(organisation)).StatusCode);

        var other = await PairingProgram.CreateAsync(factory);
        var stranger = await other.ApproveAsync("Tess Stranger", "mentee");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/v1/resources/{policy.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.PostAsJsonAsync(organisation, Link("Mine", "https://example.org/mine"))).StatusCode);
        Assert.DoesNotContain(policy.Id, (await ListAsync(stranger.Client, Library(other.Program.Id))).Items.Select(r => r.Id));
    }

    [Fact]
    public async Task TheCoordinatorsPageAddsALinkToTheProgramOrToTheWholeOrganisationAndRefusesAnHttpOne()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Pam Mentee", "mentee");
        var path = $"/programs/{program.Program.Id}/resources";
        var page = new PageClient(program.Coordinator);
        IEnumerable<KeyValuePair<string, string>> Fields(string title, string url, string scope) =>
        [
            new("kind", "Link"), new("title", title), new("description", ""), new("tags", "Week 1, forms"), new("audience", "Everyone"),
            new("url", url), new("body", ""), new("scope", scope),
        ];

        Assert.Contains("Every program of Hillside School", await program.Coordinator.GetStringAsync(path));
        var program_ = await page.SubmitAsync(path, "resource-create", Fields("Sign-up form", "https://docs.google.com/forms/d/x", "program"));
        Assert.Equal(HttpStatusCode.OK, program_.StatusCode);
        var organisation = await page.SubmitAsync(path, "resource-create", Fields("School handbook", "https://drive.google.com/file/d/y", "organisation"));
        Assert.Equal(HttpStatusCode.OK, organisation.StatusCode);
        var refused = await page.SubmitAsync(path, "resource-create", Fields("Old site", "http://example.org", "program"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("https://", await refused.Content.ReadAsStringAsync());

        var list = await ListAsync(mentee.Client, $"{Library(program.Program.Id)}?tag=week-1");
        Assert.Equal([("School handbook", (Guid?)null), ("Sign-up form", program.Program.Id)], list.Items.Select(r => (r.Title, r.ProgramId)));
        Assert.DoesNotContain("Which library", await mentee.Client.GetStringAsync(path));
    }

    [Fact]
    public async Task ARefusedFormOnTheLibraryPagesShowsWhatWasTypedAndAKindThatIsNoneIsRefused()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        var path = $"/programs/{id}/resources";
        var page = new PageClient(program.Coordinator);

        // A guide with an empty title: the guide's text, description and tags come back as typed.
        var guide = await page.SubmitAsync(path, "resource-create",
        [
            new("kind", "Guide"), new("title", ""), new("description", "What to bring to the first meeting"), new("tags", "week 1, firsts"),
            new("audience", "Mentors"), new("url", ""), new("body", "## Bring\n\nA notebook and a question."),
        ]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, guide.StatusCode);
        var html = WebUtility.HtmlDecode(await guide.Content.ReadAsStringAsync());
        Assert.Contains("What to bring to the first meeting</textarea>", html);
        Assert.Contains("A notebook and a question.</textarea>", html);
        Assert.Contains("value=\"week 1, firsts\"", html);
        Assert.Matches("<option value=\"Mentors\" selected", html);
        Assert.Matches("<option value=\"Guide\" selected", html);

        // A link refused for its address keeps its title and address.
        var link = await page.SubmitAsync(path, "resource-create",
            [new("kind", "Link"), new("title", "Old site"), new("description", ""), new("tags", ""), new("audience", "Everyone"), new("url", "http://example.org/old"), new("body", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, link.StatusCode);
        html = WebUtility.HtmlDecode(await link.Content.ReadAsStringAsync());
        Assert.Contains("value=\"Old site\"", html);
        Assert.Contains("value=\"http://example.org/old\"", html);

        // An upload refused for its contents keeps its title and description.
        var upload = await page.SubmitAsync(path, "resource-upload", [new("title", "Leaflet"), new("description", "For parents"), new("tags", "parents"), new("audience", "Everyone")], multipart: true);
        html = WebUtility.HtmlDecode(await upload.Content.ReadAsStringAsync());
        Assert.Contains("Choose a file to upload.", html);
        Assert.Contains("value=\"Leaflet\"", html);
        Assert.Contains("For parents</textarea>", html);

        // A kind that is none of the form's (Enum.TryParse reads any number) is refused, not stored as kind 5.
        var fifth = await page.SubmitAsync(path, "resource-create",
            [new("kind", "5"), new("title", "Fifth"), new("description", ""), new("tags", ""), new("audience", "Everyone"), new("url", "https://example.org/5"), new("body", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fifth.StatusCode);
        Assert.Equal(0, (await CountAsync(id)).Resources);

        // The edit form refused keeps the typed title and address instead of the stored ones.
        var stored = await CreateAsync(program.Coordinator, id, Link("Reading list", "https://example.org/list"));
        var edit = await page.SubmitAsync($"/resources/{stored.Id}", "resource-change",
            [new("title", "Reading list for spring"), new("description", "Changed"), new("tags", "spring"), new("audience", "Everyone"), new("url", "ftp://example.org/list")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, edit.StatusCode);
        html = WebUtility.HtmlDecode(await edit.Content.ReadAsStringAsync());
        Assert.Contains("value=\"Reading list for spring\"", html);
        Assert.Contains("value=\"ftp://example.org/list\"", html);
        Assert.Contains("<h1>Reading list</h1>", html);
    }

    [Fact]
    public async Task AResourceAttachedToAModuleAGoalAndAnEventIsShownThereToItsAudience()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Ned Mentor", "mentor");
        var mentee = await program.ApproveAsync("Eve Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var id = program.Program.Id;
        var everyone = await CreateAsync(program.Coordinator, id, Link("Listening checklist", "https://docs.google.com/document/d/listen"));
        var mentorsOnly = await CreateAsync(program.Coordinator, id, new { kind = "Guide", title = "Notes for mentors", body = "Only for mentors.", audience = "Mentors" });

        var module = JsonNode.Parse(await (await program.Coordinator.PostAsync($"/api/v1/programs/{id}/training/templates/active-listening", Json.Empty())).Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        var goalResponse = await mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/goals",
            new { outcome = "Read a book a month", measure = "Books finished", targetDate = factory.Today.AddMonths(2).ToString("yyyy-MM-dd") });
        var goal = JsonNode.Parse(await goalResponse.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        var starts = factory.Clock.GetUtcNow().AddDays(3);
        var eventResponse = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{id}/events", new { title = "Listening workshop", startsAt = starts, endsAt = starts.AddHours(1), place = "Hall" });
        var evt = JsonNode.Parse(await eventResponse.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();

        foreach (var (kind, target) in new[] { ("TrainingModule", module), ("Goal", goal), ("Event", evt) })
        {
            foreach (var resource in new[] { everyone, mentorsOnly })
            {
                var attached = await program.Coordinator.PostAsJsonAsync($"/api/v1/resources/{resource.Id}/attachments", new { targetKind = kind, targetId = target });
                Assert.True(attached.StatusCode == HttpStatusCode.NoContent, $"{kind}: {(int)attached.StatusCode} {await attached.Content.ReadAsStringAsync()}");
            }
            // Twice is no change; a participant cannot attach.
            Assert.Equal(HttpStatusCode.NoContent, (await program.Coordinator.PostAsJsonAsync($"/api/v1/resources/{everyone.Id}/attachments", new { targetKind = kind, targetId = target })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await mentor.Client.PostAsJsonAsync($"/api/v1/resources/{everyone.Id}/attachments", new { targetKind = kind, targetId = target })).StatusCode);

            var forMentee = await mentee.Client.GetFromJsonAsync<List<ResourceView>>($"/api/v1/resource-attachments/{kind}/{target}", Json.Options);
            Assert.Equal(["Listening checklist"], forMentee!.Select(r => r.Title));
            var forMentor = await mentor.Client.GetFromJsonAsync<List<ResourceView>>($"/api/v1/resource-attachments/{kind}/{target}", Json.Options);
            Assert.Equal(["Listening checklist", "Notes for mentors"], forMentor!.Select(r => r.Title));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.PostAsJsonAsync($"/api/v1/resources/{everyone.Id}/attachments", new { targetKind = "Goal", targetId = Guid.NewGuid() })).StatusCode);

        // On the pages the mentee reads: the module, the pair's goals, the program's events.
        foreach (var path in new[] { $"/my/training/{module}", $"/relationships/{pair.Id}/goals", $"/programs/{id}/events" })
        {
            var page = await mentee.Client.GetStringAsync(path);
            Assert.Contains("Listening checklist", page);
            Assert.DoesNotContain("Notes for mentors", page);
        }
        Assert.Contains("Notes for mentors", await mentor.Client.GetStringAsync($"/relationships/{pair.Id}/goals"));

        // Someone outside the pair or the program sees neither the goal nor what is attached to it.
        var other = await PairingProgram.CreateAsync(factory);
        var stranger = await other.ApproveAsync("Ivy Stranger", "mentee");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/v1/resource-attachments/Goal/{goal}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/v1/resource-attachments/Event/{evt}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.PostAsJsonAsync($"/api/v1/resources/{everyone.Id}/attachments", new { targetKind = "Event", targetId = evt })).StatusCode);

        // Detached, and a deleted resource leaves nothing behind.
        Assert.Equal(HttpStatusCode.NoContent, (await program.Coordinator.DeleteAsync($"/api/v1/resources/{everyone.Id}/attachments/Event/{evt}")).StatusCode);
        Assert.Empty((await mentee.Client.GetFromJsonAsync<List<ResourceView>>($"/api/v1/resource-attachments/Event/{evt}", Json.Options))!);
        Assert.Equal(HttpStatusCode.NoContent, (await program.Coordinator.DeleteAsync($"/api/v1/resources/{everyone.Id}")).StatusCode);
        Assert.Empty((await mentee.Client.GetFromJsonAsync<List<ResourceView>>($"/api/v1/resource-attachments/Goal/{goal}", Json.Options))!);
    }

    [Fact]
    public async Task ASearchWordCutInsideAnEmojiIsCutBeforeIt()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Wes Searches", "mentee");
        var word = new string('a', BrowseResources.WordMax - 1) + "\U0001F31F";

        // The 50th unit is the star's first half: PostgreSQL refused the pattern and the search answered 500 (ADR 113).
        Assert.Equal([new string('a', BrowseResources.WordMax - 1)], BrowseResources.Words(word));
        var found = await ListAsync(mentee.Client, $"{Library(program.Program.Id)}?q={Uri.EscapeDataString(word)}");
        Assert.Equal(0, found.TotalCount);
    }

    [Fact]
    public async Task AttachingAResourceDeletedMeanwhileIsNotFound()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        var coordinator = new Actor(program.School.Coordinator.Id, IsAdministrator: false);
        var resource = await CreateAsync(program.Coordinator, id, Link("Gone soon", "https://example.org/gone"));
        var module = JsonNode.Parse(await (await program.Coordinator.PostAsync($"/api/v1/programs/{id}/training/templates/active-listening", Json.Empty())).Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();

        // The attachment names a resource no longer there (a foreign key): a 500 before.
        var attached = await DeletedMeanwhile.RunAsync<ManageResources, Failure?>(factory, db => db.Set<Resource>().Where(r => r.Id == resource.Id).ExecuteDeleteAsync(),
            m => m.AttachAsync(coordinator, resource.Id, new AttachResourceRequest(ResourceTargetKind.TrainingModule, module)));

        Assert.Equal(ResourceAccess.NoResource, Assert.IsType<NotFound>(attached).Detail);
        Assert.False(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ResourceAttachment>().AnyAsync(a => a.TargetId == module)));
    }

    [Fact]
    public async Task AnAudienceThePageCannotReadIsRefusedWithTheTypedFieldsKeptAndNothingStored()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        var path = $"/programs/{id}/resources";
        var page = new PageClient(program.Coordinator);

        // A link: it used to be stored for Everyone.
        var link = await page.SubmitAsync(path, "resource-create",
            [new("kind", "Link"), new("title", "Staff room"), new("description", ""), new("tags", "staff, rota"), new("audience", "Staff"), new("url", "https://example.org/staff"), new("body", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, link.StatusCode);
        var html = WebUtility.HtmlDecode(await link.Content.ReadAsStringAsync());
        Assert.Contains(ManageResources.NoAudience, html);
        Assert.Contains("value=\"staff, rota\"", html);

        // A file: it used to be uploaded for Everyone with its tags dropped.
        var token = await PageClient.AntiforgeryTokenAsync(program.Coordinator, path);
        var content = new ByteArrayContent("%PDF-1.4\n"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var form = new MultipartFormDataContent
        {
            { content, "file", "rota.pdf" },
            { new StringContent("Rota"), "title" },
            { new StringContent("parents, rota"), "tags" },
            { new StringContent("Staff"), "audience" },
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("resource-upload"), "_handler" },
        };
        var upload = await program.Coordinator.PostAsync(path, form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, upload.StatusCode);
        html = WebUtility.HtmlDecode(await upload.Content.ReadAsStringAsync());
        Assert.Contains(ManageResources.NoAudience, html);
        Assert.Contains("value=\"parents, rota\"", html);
        Assert.Contains("value=\"Rota\"", html);
        Assert.Equal(0, (await CountAsync(id)).Resources);
    }

    [Fact]
    public async Task AFileResourcesTitleOrDescriptionWithANulCharacterIsRefusedNamingTheFieldAndNothingIsStored()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var id = program.Program.Id;
        var before = await CountAsync(id);
        var pdf = "%PDF-1.4\n"u8.ToArray();

        // PostgreSQL cannot store a NUL (a 500 there); SQLite kept it. Either way the API answers 400 naming the field (ADR 112).
        var title = await UploadAsync(program.Coordinator, $"{Library(id)}/files", pdf, "guide.pdf", "application/pdf", title: "A guide\0");
        var organisation = await UploadAsync(program.Coordinator, $"/api/v1/organisations/{program.School.Organisation.Id}/resources/files", pdf, "guide.pdf",
            "application/pdf", title: "A guide\0");
        var token = await PageClient.AntiforgeryTokenAsync(program.Coordinator, "/account/password");
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var form = new MultipartFormDataContent { { file, "file", "guide.pdf" }, { new StringContent("A guide"), "title" }, { new StringContent("About\0 it"), "description" } };
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Library(id)}/files") { Content = form };
        request.Headers.Add("RequestVerificationToken", token);
        var description = await program.Coordinator.SendAsync(request);

        foreach (var (response, field) in new[] { (title, "title"), (organisation, "title"), (description, "description") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotNull(problem["errors"]![field]);
        }
        Assert.Equal(before, await CountAsync(id));
        Assert.Empty((await ListAsync(program.Coordinator, $"/api/v1/organisations/{program.School.Organisation.Id}/resources")).Items);
    }
}
