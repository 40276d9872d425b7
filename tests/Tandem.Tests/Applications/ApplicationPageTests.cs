using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

public sealed class ApplicationPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ThePublicProgramPageShowsARecruitingProgramToAnyoneAndOtherwiseSaysItIsNotRecruiting()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var draft = await recruiting.School.CreateProgramAsync(recruiting.Coordinator, "Not Yet");
        var anonymous = factory.AnonymousClient();

        var open = await anonymous.GetAsync($"/join/{recruiting.Program.Id}");
        var closed = await anonymous.GetStringAsync($"/join/{draft.Id}");
        var missing = await anonymous.GetAsync($"/join/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        var html = await open.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Reading Buddies</h1>", html);
        Assert.Contains($"href=\"/apply/{recruiting.Program.Id}/mentor\"", html);
        Assert.Contains($"href=\"/apply/{recruiting.Program.Id}/mentee\"", html);
        Assert.Contains("80% of pairs meet weekly", html);
        Assert.Contains("Be kind. Be on time.", html);
        Assert.Contains("Not recruiting right now", closed);
        Assert.DoesNotContain("Not Yet", closed);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ARecruitmentLinksCodeOnAnotherProgramsApplyPageCountsForNeither()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var other = await RecruitingProgram.CreateAsync(factory);
        var coordinatorApi = await factory.SignedInClientAsync(recruiting.School.Coordinator);
        var links = $"/api/v1/programs/{recruiting.Program.Id}/recruitment-links";
        var poster = (await (await coordinatorApi.PostAsJsonAsync(links, new { name = "Poster QR code" }))
            .Content.ReadFromJsonAsync<Tandem.Features.Recruitment.RecruitmentChannelView>(Json.Options))!;
        var applicant = await factory.CreateUserAsync("Cross Poster");
        var page = await PageClient.SignInAsync(factory, applicant.Email);

        var draft = await page.SubmitAsync($"/apply/{other.Program.Id}/mentor?channel={poster.Code}", "application",
            [new("q.subject", "Science"), new("q.why", "I like explaining"), new("intent", "save")]);

        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Contains("Draft saved", await draft.Content.ReadAsStringAsync());
        var channel = (await coordinatorApi.GetFromJsonAsync<Paged<Tandem.Features.Recruitment.RecruitmentChannelView>>(links, Json.Options))!.Items.Single();
        Assert.Equal((0L, 0L), (channel.Starts, channel.Submissions));
    }

    [Fact]
    public async Task ANewApplicantSignsUpSavesADraftComesBackAndSubmitsThroughThePages()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var coordinatorApi = await factory.SignedInClientAsync(recruiting.School.Coordinator);
        var links = $"/api/v1/programs/{recruiting.Program.Id}/recruitment-links";
        var poster = (await (await coordinatorApi.PostAsJsonAsync(links, new { name = "Poster QR code" }))
            .Content.ReadFromJsonAsync<Tandem.Features.Recruitment.RecruitmentChannelView>(Json.Options))!;
        var join = await factory.AnonymousClient().GetStringAsync($"/join/{recruiting.Program.Id}?channel={poster.Code}");
        Assert.Contains($"/apply/{recruiting.Program.Id}/mentor?channel={poster.Code}", join);
        var apply = $"/apply/{recruiting.Program.Id}/mentor?channel={poster.Code}";
        var page = new PageClient(factory.AnonymousClient());
        Assert.Contains("Create your account", await page.Http.GetStringAsync(apply));
        var email = $"tomo.{Guid.NewGuid():N}@test.example";

        var signedUp = await page.SubmitAsync(apply, "sign-up",
        [
            new("SignUp.DisplayName", "Tomo Tokyo"),
            new("SignUp.Email", email),
            new("SignUp.Password", "a long enough password"),
            new("SignUp.TimeZoneId", "Asia/Tokyo"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);

        // Monday 10:00 and 11:00 in Tokyo are Monday 01:00 and 02:00 UTC.
        var draft = await page.SubmitAsync(apply, "application",
        [
            new("q.subject", "Science"), new("q.why", "I like explaining"), new("q.free", "10"), new("q.free", "11"),
            new("q.formats.0", "2"), new("q.formats.1", "1"), new("intent", "save"),
        ]);
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Contains("Draft saved", await draft.Content.ReadAsStringAsync());

        var mine = (await page.Http.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!;
        var summary = Assert.Single(mine.Items);
        Assert.Equal(ApplicationStatus.Draft, summary.Status);
        var stored = (await page.Http.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{summary.Id}", Json.Options))!;
        Assert.Equal("[1,2]", stored.Answers["free"].GetRawText());
        Assert.Equal("[\"Online\",\"In person\"]", stored.Answers["formats"].GetRawText());

        var resumed = await page.Http.GetStringAsync(apply);
        Assert.Contains("value=\"I like explaining\"", resumed);
        Assert.Contains("value=\"Science\" checked", resumed);
        // Monday 10:00–12:00 in Tokyo, shown as a time range on Monday.
        Assert.Contains("<option value=\"10\" selected>10:00</option>", Section(resumed, "q.free.d0.from.0"));
        Assert.Contains("<option value=\"12\" selected>12:00</option>", Section(resumed, "q.free.d0.to.0"));
        var listPage = await page.Http.GetStringAsync("/my/applications");
        Assert.Contains("Draft (not submitted)", listPage);

        // A self-made account confirms its address (the e-mailed link) before submitting.
        var verification = MimeKit.MimeMessage.Load(new MemoryStream(Assert.Single(await factory.OutboxForAsync(email)).Mime));
        var token = System.Text.RegularExpressions.Regex.Match(verification.TextBody ?? "", @"/account/verify-email\?token=([A-Za-z0-9_%\-]+)").Groups[1].Value;
        var verified = await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/email-verifications", new { token = Uri.UnescapeDataString(token) });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var incomplete = await page.SubmitAsync(apply, "application", [new("q.subject", "Science"), new("intent", "submit")]);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var errors = await incomplete.Content.ReadAsStringAsync();
        Assert.Contains("This question is required.", errors);
        Assert.Contains("Your consent is needed to apply.", errors);
        Assert.Contains("Accept the program&#x27;s code of conduct to apply.", errors);

        var submitted = await page.SubmitAsync(apply, "application",
        [
            new("q.subject", "Science"), new("q.why", "I like explaining"), new("q.free", "10"), new("q.confidence", "5"),
            new("q.rules", "true"), new("acceptsCodeOfConduct", "true"), new("intent", "submit"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Contains("/my/applications?submitted=", submitted.Headers.Location!.OriginalString);
        Assert.Contains("Submitted, under review", await page.Http.GetStringAsync("/my/applications"));
        var channel = (await coordinatorApi.GetFromJsonAsync<Paged<Tandem.Features.Recruitment.RecruitmentChannelView>>(links, Json.Options))!.Items.Single();
        Assert.Equal((1L, 1L), (channel.Starts, channel.Submissions));

        // The coordinator approves it from the review page.
        var coordinator = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var queue = await coordinator.Http.GetStringAsync($"/programs/{recruiting.Program.Id}/applications");
        Assert.Contains("Tomo Tokyo", queue);
        var review = $"/programs/{recruiting.Program.Id}/applications/{summary.Id}";
        Assert.Contains("Mon 10:00–11:00 (Asia/Tokyo)", System.Net.WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync(review)));
        // A decision that is none of the three (a number parses as one) is refused and changes nothing.
        var undefined = await coordinator.SubmitAsync(review, "decide", [new("decision", "7"), new("capacity", "2"), new("message", "Welcome!")]);
        Assert.Equal(HttpStatusCode.BadRequest, undefined.StatusCode);
        Assert.Equal(ApplicationStatus.Submitted, (await page.Http.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{summary.Id}", Json.Options))!.Status);
        var approved = await coordinator.SubmitAsync(review, "decide", [new("decision", "Approve"), new("capacity", "2"), new("message", "Welcome!")]);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("The application is approved.", await approved.Content.ReadAsStringAsync());
        var final = (await page.Http.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{summary.Id}", Json.Options))!;
        Assert.Equal((ApplicationStatus.Approved, "Welcome!"), (final.Status, final.DecisionMessage));
    }

    [Fact]
    public async Task TheCoordinatorBuildsTheFormAndRatesAndBulkDecidesFromThePages()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var coordinator = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var editor = $"/programs/{recruiting.Program.Id}/questionnaires/mentee";

        var bad = await coordinator.SubmitAsync(editor, "questionnaire",
            [new("Form.Rows[0].Prompt", "Favourite genre"), new("Form.Rows[0].Type", "SingleChoice"), new("Form.Rows[0].Options", "Only one")]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("A choice question needs at least two options.", await bad.Content.ReadAsStringAsync());
        var saved = await coordinator.SubmitAsync(editor, "questionnaire",
        [
            new("Form.Rows[0].Prompt", "Favourite genre"), new("Form.Rows[0].Type", "SingleChoice"), new("Form.Rows[0].Options", "Adventure\nPoetry"),
            new("Form.Rows[0].Required", "true"), new("Form.Rows[0].Criterion", "SharedValues"),
            new("Form.Rows[1].Prompt", "Anything we should know?"), new("Form.Rows[1].Type", "LongText"), new("Form.Rows[1].Private", "true"),
        ]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var form = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>($"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee", Json.Options))!;
        Assert.Equal(["Favourite genre:SingleChoice:True:False:SharedValues", "Anything we should know?:LongText:False:True:"],
            form.Questions.Select(q => $"{q.Prompt}:{q.Type}:{q.Required}:{q.Private}:{q.Criterion}"));

        var (_, a) = await recruiting.ApplyAsync(factory, "Page One", new Dictionary<string, object> { ["q1"] = "Poetry" }, role: "mentee");
        var (_, b) = await recruiting.ApplyAsync(factory, "Page Two", new Dictionary<string, object> { ["q1"] = "Adventure" }, role: "mentee");
        var queue = $"/programs/{recruiting.Program.Id}/applications";
        var added = await coordinator.SubmitAsync(queue, "criterion", [new("criterionName", "Communication")]);
        Assert.Contains("Reviewers can now rate Communication.", await added.Content.ReadAsStringAsync());
        var criterion = (await recruiting.Coordinator.GetFromJsonAsync<List<CriterionView>>($"{recruiting.Applications}/criteria", Json.Options))!.Single();
        var rated = await coordinator.SubmitAsync($"{queue}/{a.Id}", "rate", [new($"score.{criterion.Id}", "4")]);
        Assert.Contains("Your rating is saved.", await rated.Content.ReadAsStringAsync());

        var filtered = await coordinator.Http.GetStringAsync($"{queue}?question=q1&value=poetry&sort=-answer:q1");
        Assert.Contains("Page One", filtered);
        Assert.DoesNotContain("Page Two", filtered);
        Assert.Contains("<option value=\"-answer:q1\" selected", filtered);

        var bulk = await coordinator.SubmitAsync(queue, "bulk", [new("ids", a.Id.ToString()), new("ids", b.Id.ToString()), new("decision", "Waitlist")]);
        Assert.Contains("2 applications waitlisted.", await bulk.Content.ReadAsStringAsync());
        var items = (await recruiting.Coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"{recruiting.Applications}?sort=rating", Json.Options))!.Items;
        Assert.Equal(["Page One:Waitlisted:4", "Page Two:Waitlisted:"], items.Select(i => $"{i.ApplicantName}:{i.Status}:{i.AverageRating}"));
    }

    [Fact]
    public async Task AMenteeCannotOpenTheReviewPagesOfAProgram()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/enrolments", new { recruiting.School.Mentee.Email, role = "Mentee" })).EnsureSuccessStatusCode();
        var (_, other) = await recruiting.ApplyAsync(factory, "Hidden Answers");
        var mentee = await PageClient.SignInAsync(factory, recruiting.School.Mentee.Email);

        var queue = await mentee.Http.GetAsync($"/programs/{recruiting.Program.Id}/applications");
        var detail = await mentee.Http.GetAsync($"/programs/{recruiting.Program.Id}/applications/{other.Id}");
        var editor = await mentee.Http.GetAsync($"/programs/{recruiting.Program.Id}/questionnaires/mentor");

        Assert.Equal(HttpStatusCode.Forbidden, queue.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, detail.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, editor.StatusCode);
        Assert.DoesNotContain("Asthma", await detail.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Hidden Answers", await queue.Content.ReadAsStringAsync());
    }
    [Fact]
    public async Task AnApplicantSeesTheirSubmittedAnswersAndStatusEvenAfterRecruitmentEnds()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var applicantUser = await factory.CreateUserAsync("Vera View");
        var api = await factory.SignedInClientAsync(applicantUser);
        (await api.PostAsJsonAsync(recruiting.Applications, new { role = "mentor", answers = RecruitingProgram.CompleteAnswers(), acceptsCodeOfConduct = true, submit = true })).EnsureSuccessStatusCode();
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/status", new { status = "Matching" })).EnsureSuccessStatusCode();
        var page = await PageClient.SignInAsync(factory, applicantUser.Email);

        var mine = await page.Http.GetStringAsync($"/apply/{recruiting.Program.Id}/mentor");
        var anonymous = await factory.AnonymousClient().GetStringAsync($"/apply/{recruiting.Program.Id}/mentor");

        Assert.Contains("Your application is submitted, under review.", mine);
        Assert.Contains("I struggled with maths and want to help.", mine);
        Assert.Contains("Asthma", mine);
        Assert.Contains("not taking applications right now", anonymous);
        Assert.DoesNotContain("Reading Buddies", anonymous);
    }

    /// <summary>The page's HTML from the element named <paramref name="name"/> to the end of that select.</summary>
    private static string Section(string html, string name)
    {
        var start = html.IndexOf($"name=\"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No element named {name}");
        return html[start..html.IndexOf("</select>", start, StringComparison.Ordinal)];
    }
}
