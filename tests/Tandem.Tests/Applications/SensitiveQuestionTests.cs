using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

/// <summary>
/// Issue 16 item 2 (ADR 49): a question about background, gender, ethnicity or disability marked sensitive is optional and
/// explained; its answer is used (matching, screening, the diversity report) only with the applicant's consent, and the
/// report shows no group of fewer than 5.
/// </summary>
public sealed class SensitiveQuestionTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string Why = "We ask so that we can see whether the program reaches everyone. Answering is your choice.";

    private static object Gender(bool required = false, string? explanation = Why) => new
    {
        id = "gender", type = "SingleChoice", prompt = "What is your gender?", options = new[] { "Woman", "Man", "In another way" },
        required, sensitive = true, explanation, criterion = "SameValue",
    };

    [Fact]
    public async Task ASensitiveAnswerIsUsedOnlyWithConsentAndReportedOnlyInGroupsOfFive()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var form = $"/api/v1/programs/{program.Id}/questionnaires/mentee";

        // A sensitive question cannot be required, and must say why it is asked.
        var required = await coordinator.PutAsJsonAsync(form, new { questions = new[] { Gender(required: true) } });
        Assert.Equal(HttpStatusCode.BadRequest, required.StatusCode);
        Assert.Contains("cannot be required", await required.Content.ReadAsStringAsync());
        var unexplained = await coordinator.PutAsJsonAsync(form, new { questions = new[] { Gender(explanation: " ") } });
        Assert.Equal(HttpStatusCode.BadRequest, unexplained.StatusCode);
        Assert.Contains("needs an explanation", await unexplained.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { Gender() } })).StatusCode);
        await coordinator.OpenRecruitmentAsync(program.Id);

        // Six women and two men consent; one person answers without consenting; one does not answer.
        var applied = new List<(HttpClient Client, MyApplicationView View)>();
        foreach (var (answer, consent) in Enumerable.Repeat<(string? Answer, bool Consent)>(("Woman", true), 6).Concat([("Man", true), ("Man", true), ("In another way", false), (null, false)]))
        {
            var person = await factory.CreateUserAsync($"Applicant {applied.Count + 1}");
            var client = await factory.SignedInClientAsync(person);
            var response = await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/applications", new
            {
                role = "mentee",
                answers = answer is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["gender"] = answer },
                sensitiveConsents = consent ? new[] { "gender" } : Array.Empty<string>(),
                acceptsCodeOfConduct = true,
                submit = true,
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            applied.Add((client, (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!));
        }

        // The one who did not consent still sees their answer; nothing that reads answers for the program has it.
        var (withheldClient, withheld) = applied[8];
        var mine = (await withheldClient.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{withheld.Id}", Json.Options))!;
        Assert.Equal("In another way", mine.Answers["gender"].GetString());
        Assert.Empty(mine.SensitiveConsents);
        Assert.Equal(["gender"], applied[0].View.SensitiveConsents);
        var stored = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Application>().Where(a => a.Id == withheld.Id)
            .Select(a => new { a.AnswersJson, a.WithheldAnswersJson }).SingleAsync());
        Assert.DoesNotContain("gender", stored.AnswersJson);
        Assert.Contains("In another way", stored.WithheldAnswersJson);
        var review = await coordinator.GetStringAsync($"/api/v1/programs/{program.Id}/applications/{withheld.Id}");
        using (var reviewed = JsonDocument.Parse(review))
        {
            Assert.False(reviewed.RootElement.GetProperty("answers").TryGetProperty("gender", out _));
        }

        // The report: six women shown; two men, nobody "in another way" (with consent) and two not shared are each fewer than 5.
        var report = (await coordinator.GetFromJsonAsync<DiversityReportView>($"/api/v1/programs/{program.Id}/diversity", Json.Options))!;
        var groups = Assert.Single(report.Questions).Groups.ToDictionary(g => g.Answer);
        Assert.Equal(6, groups["Woman"].Count);
        foreach (var small in new[] { "Man", "In another way", GetDiversityReport.NotShared })
        {
            Assert.Null(groups[small].Count);
            Assert.Equal("fewer than 5", groups[small].Shown);
        }
        Assert.DoesNotContain("\"count\":2", await coordinator.GetStringAsync($"/api/v1/programs/{program.Id}/diversity"));
        // The coordinators' page shows the same.
        var reportPage = await coordinator.GetStringAsync($"/programs/{program.Id}/diversity");
        Assert.Contains("<td data-label=\"People\">6</td>", reportPage);
        Assert.Contains("<td data-label=\"People\">fewer than 5</td>", reportPage);
        Assert.DoesNotContain("<td data-label=\"People\">2</td>", reportPage);
        // Applicants cannot read it.
        Assert.Contains((await applied[0].Client.GetAsync($"/api/v1/programs/{program.Id}/diversity")).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });

        // The form shows the applicant why it is asked, says it is optional, and asks for consent.
        var page = await applied[9].Client.GetStringAsync($"/apply/{program.Id}/mentee");
        Assert.Contains("(optional)", page);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Why), page);
        Assert.Contains("name=\"consent.gender\"", page);
    }

    [Fact]
    public async Task AWithheldAnswerIsNotPrefilledNorSavedForReviewersWhenANewerFormAsksTheQuestionOpenly()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var form = $"/api/v1/programs/{program.Id}/questionnaires/mentee";
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { Gender() } })).StatusCode);
        await coordinator.OpenRecruitmentAsync(program.Id);
        var person = await factory.CreateUserAsync("Wren Withheld");
        var client = await factory.SignedInClientAsync(person);
        var response = await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/applications", new
        {
            role = "mentee", answers = new Dictionary<string, object> { ["gender"] = "In another way" }, sensitiveConsents = Array.Empty<string>(),
            acceptsCodeOfConduct = true, submit = true,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var applicationId = (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;

        // The coordinator's next version keeps the question's id but no longer marks it sensitive.
        var open = new
        {
            id = "gender", type = "SingleChoice", prompt = "What is your gender?", options = new[] { "Woman", "Man", "In another way" },
            required = false, sensitive = false, criterion = "SameValue",
        };
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { open } })).StatusCode);

        // The applicant's form on the new version does not tick the answer they were told only they would see; saving it as it is
        // gives reviewers nothing for the question, and the answer stays withheld.
        var pages = await PageClient.SignInAsync(factory, person.Email);
        var apply = $"/apply/{program.Id}/mentee";
        var fields = await pages.FormFieldsAsync(apply, "application");
        Assert.DoesNotContain(fields, f => f.Value == "In another way");
        var saved = await pages.SubmitAsync(apply, "application", fields);
        Assert.True(saved.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync()}");
        var stored = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Application>().Where(a => a.Id == applicationId)
            .Select(a => new { a.AnswersJson, a.WithheldAnswersJson, Version = a.Questionnaire!.Version }).SingleAsync());
        Assert.Equal(2, stored.Version);
        Assert.DoesNotContain("gender", stored.AnswersJson);
        Assert.Contains("In another way", stored.WithheldAnswersJson);
        using (var reviewed = JsonDocument.Parse(await coordinator.GetStringAsync($"/api/v1/programs/{program.Id}/applications/{applicationId}")))
        {
            Assert.False(reviewed.RootElement.GetProperty("answers").TryGetProperty("gender", out _));
        }
        var mine = (await client.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{applicationId}", Json.Options))!;
        Assert.False(mine.Answers.ContainsKey("gender"));
    }

    [Fact]
    public void ALoneSmallGroupTakesTheNextSmallestWithItSoNoCountCanBeWorkedOut()
    {
        var groups = GetDiversityReport.Suppress(new Dictionary<string, int> { ["A"] = 20, ["B"] = 3, ["C"] = 7, ["D"] = 9 }).ToDictionary(g => g.Answer);
        Assert.Equal(20, groups["A"].Count);
        Assert.Null(groups["B"].Count);
        Assert.Null(groups["C"].Count);
        Assert.Equal(9, groups["D"].Count);
    }
}
