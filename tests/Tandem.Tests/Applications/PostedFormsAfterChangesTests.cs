using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

/// <summary>
/// ADR 118: a page form posted after what the page showed changed (recruitment ended, the application or the queue was
/// decided meanwhile) reaches its handler, which answers with the use case's message and shows again what was typed or
/// ticked, instead of Blazor's bare 400 for a form that is no longer on the page.
/// </summary>
public sealed class PostedFormsAfterChangesTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AnApplicationPostedAfterRecruitmentEndedIsRefusedWithEverythingTypedKept()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var applicant = await factory.CreateUserAsync("Lena Late");
        var page = await PageClient.SignInAsync(factory, applicant.Email);
        var apply = $"/apply/{recruiting.Program.Id}/mentor";
        var fields = await page.FormFieldsAsync(apply, "application");
        fields.AddRange([new("q.subject", "Science"), new("q.why", "Typed while recruitment was still open"), new("intent", "save")]);
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/status", new { status = "Matching" })).EnsureSuccessStatusCode();

        var late = await page.SubmitAsync(apply, "application", fields);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var html = await late.Content.ReadAsStringAsync();
        Assert.Contains("This program is not taking applications right now.", html);
        Assert.Contains("value=\"Typed while recruitment was still open\"", html);
        Assert.Contains("value=\"Science\" checked", html);
    }

    [Fact]
    public async Task AChangePostedAfterTheApplicationWasDecidedIsRefusedWithTheChangeKept()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, application) = await recruiting.ApplyAsync(factory, "Dora Decided");
        var page = await PageClient.SignInAsync(factory, (await ApplicantEmailAsync(recruiting, application.Id)));
        var apply = $"/apply/{recruiting.Program.Id}/mentor";
        var fields = (await page.FormFieldsAsync(apply, "application")).Where(f => f.Key != "q.why").ToList();
        fields.AddRange([new("q.why", "A change typed before the decision"), new("intent", "submit")]);
        (await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{application.Id}/decision", new { decision = "Approve" })).EnsureSuccessStatusCode();

        var late = await page.SubmitAsync(apply, "application", fields);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var html = await late.Content.ReadAsStringAsync();
        Assert.Contains("Your application was approved on", html);
        Assert.Contains("value=\"A change typed before the decision\"", html);
    }

    [Fact]
    public async Task AWithdrawalPostedAfterTheDecisionIsRefusedWithItsMessage()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, application) = await recruiting.ApplyAsync(factory, "Walter Withdraw");
        var page = await PageClient.SignInAsync(factory, await ApplicantEmailAsync(recruiting, application.Id));
        Assert.Contains($"withdraw-{application.Id}", await page.Http.GetStringAsync("/my/applications"));
        (await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{application.Id}/decision", new { decision = "Decline" })).EnsureSuccessStatusCode();

        var late = await page.SubmitAsync("/my/applications", $"withdraw-{application.Id}", []);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Your application was declined on", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ABulkDecisionPostedToAQueueThatEmptiedMeanwhileIsRefusedWithTheMessageKept()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, application) = await recruiting.ApplyAsync(factory, "Quinn Queued");
        var page = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var queue = $"/programs/{recruiting.Program.Id}/applications?status=Submitted";
        Assert.Contains($"value=\"{application.Id}\"", await page.Http.GetStringAsync(queue));
        (await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{application.Id}/decision", new { decision = "Approve" })).EnsureSuccessStatusCode();

        var late = await page.SubmitAsync(queue, "bulk",
            [new("ids", application.Id.ToString()), new("decision", "Decline"), new("message", "Thank you for applying"), new("capacity", "3")]);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var html = await late.Content.ReadAsStringAsync();
        Assert.Contains("Already decided", html);
        Assert.Contains("value=\"Thank you for applying\"", html);
        Assert.Contains("value=\"3\"", html);
    }

    [Fact]
    public async Task ARefusedCriterionKeepsItsTypedName()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        await recruiting.AddCriterionAsync("Communication");
        var page = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);

        var again = await page.SubmitAsync($"/programs/{recruiting.Program.Id}/applications", "criterion", [new("criterionName", "communication")]);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains("already exists", html);
        Assert.Contains("name=\"criterionName\" maxlength=\"80\" value=\"communication\"", html);
    }

    [Fact]
    public async Task TheQueuePageRefusesAStatusOrRoleGivenAsANumber()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        await recruiting.ApplyAsync(factory, "Nina Number");
        var page = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var queue = $"/programs/{recruiting.Program.Id}/applications";

        var status = await page.Http.GetAsync($"{queue}?status=9");
        var role = await page.Http.GetAsync($"{queue}?role=7");
        var named = await page.Http.GetAsync($"{queue}?status=Submitted&role=Mentor");

        Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
        Assert.Contains("Choose a status from the list", await status.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        Assert.Contains("Choose a role from the list", await role.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Contains("Nina Number", await named.Content.ReadAsStringAsync());
    }

    private async Task<string> ApplicantEmailAsync(RecruitingProgram recruiting, Guid applicationId)
    {
        var view = (await recruiting.Coordinator.GetFromJsonAsync<Tandem.Features.Applications.ReviewApplicationView>($"{recruiting.Applications}/{applicationId}", Json.Options))!;
        return view.ApplicantEmail;
    }
}
