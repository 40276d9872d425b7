using System.Text.Json;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

[RunsLong(40)]
public sealed class ApplicationJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task ANewApplicantGoesFromThePublicPageThroughASavedDraftToASubmissionThatTheCoordinatorApproves()
    {
        var coordinator = await server.NewPageAsync();
        var applicant = await server.NewPageAsync();
        try
        {
            await SignInAsync(coordinator, "Coordinator");
            var programId = await CreateRecruitingProgramAsync(coordinator);

            // The applicant finds the public page and creates an account on the way.
            await applicant.SetViewportSizeAsync(390, 844);
            await applicant.GotoAsync($"/join/{programId}");
            await Expect(applicant.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Homework Buddies");
            await Axe.AssertNoViolationsAsync(applicant);
            await applicant.GetByRole(AriaRole.Link, new() { Name = "Apply as mentee" }).ClickAsync();
            await TandemServer.AtAsync(applicant, $"/apply/{programId}/mentee");
            await Expect(applicant.GetByLabel("Your name")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(applicant);
            await applicant.GetByLabel("Your name").FillAsync("Nia Newcomer");
            var email = $"nia.{Guid.NewGuid():N}@example.org";
            await applicant.GetByLabel("E-mail").FillAsync(email);
            await applicant.GetByLabel("Password (at least 10 characters)").FillAsync("a long enough password");
            await applicant.GetByLabel("Time zone").FillAsync("Europe/Berlin");
            await applicant.GetByRole(AriaRole.Button, new() { Name = "Create account and continue" }).ClickAsync();

            // A first answer, saved as a draft.
            await Expect(applicant.GetByRole(AriaRole.Group, new() { Name = "Which subject do you need help with? (required)" })).ToBeVisibleAsync();
            await applicant.GetByLabel("History").CheckAsync();
            // Availability is a range per day (Tuesday 17:00-18:00), no longer a grid of hour boxes.
            await applicant.GetByLabel("Free from (Tuesday, another time)").SelectOptionAsync("17");
            await applicant.GetByLabel("to (Tuesday, another time)").SelectOptionAsync("18");
            await applicant.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Expect(applicant.GetByRole(AriaRole.Status).Filter(new() { HasText = "Draft saved" })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(applicant);
            await ScreenshotAsync(applicant, "application-draft");

            // Coming back later from the list of applications.
            await applicant.GotoAsync("/my/applications");
            await Expect(applicant.GetByRole(AriaRole.Row).Filter(new() { HasText = "Homework Buddies" })).ToContainTextAsync("Draft (not submitted)");
            await applicant.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
            await Expect(applicant.GetByLabel("History")).ToBeCheckedAsync();
            await Expect(applicant.GetByLabel("From (Tuesday, time 1)")).ToHaveValueAsync("17");
            await Expect(applicant.GetByLabel("to (Tuesday, time 1)")).ToHaveValueAsync("18");

            // A self-made account confirms its address by the e-mailed link before it can submit.
            await Expect(applicant.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirm your e-mail address" })).ToBeVisibleAsync();
            var continueUrl = applicant.Url;
            await applicant.GotoAsync(await server.LinkInLatestEmailAsync(email, "/account/verify-email"));
            await applicant.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
            await Expect(applicant.GetByRole(AriaRole.Status)).ToContainTextAsync("is confirmed");
            await Axe.AssertNoViolationsAsync(applicant);
            await applicant.GotoAsync(continueUrl);

            // Submitting without the consent shows the problem at the question.
            await applicant.GetByRole(AriaRole.Button, new() { Name = "Submit application" }).ClickAsync();
            await Expect(applicant.GetByRole(AriaRole.Group, new() { Name = "My parents know I am applying (required)" })).ToContainTextAsync("Your consent is needed to apply.");
            await Axe.AssertNoViolationsAsync(applicant);
            await applicant.GetByLabel("Yes").CheckAsync();
            await applicant.GetByLabel("I accept the program's guidelines and code of conduct").CheckAsync();
            await applicant.GetByRole(AriaRole.Button, new() { Name = "Submit application" }).ClickAsync();
            await Expect(applicant).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/my/applications\\?submitted="));
            await Expect(applicant.GetByRole(AriaRole.Row).Filter(new() { HasText = "Homework Buddies" })).ToContainTextAsync("Submitted, under review");

            // The coordinator approves it from the review queue.
            await coordinator.GotoAsync($"/programs/{programId}/applications");
            await ScreenshotAsync(coordinator, "application-queue");
            await coordinator.GetByRole(AriaRole.Link, new() { Name = "Nia Newcomer" }).ClickAsync();
            await Expect(coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nia Newcomer");
            await Expect(coordinator.GetByText("Tue 17:00–18:00 (Europe/Berlin)")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(coordinator);
            await coordinator.GetByLabel("Message to the applicant (optional)").FillAsync("Welcome to Homework Buddies!");
            await coordinator.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(coordinator.GetByRole(AriaRole.Status)).ToContainTextAsync("The application is approved.");
            await ScreenshotAsync(coordinator, "application-approved");

            await applicant.GotoAsync("/my/applications");
            var row = applicant.GetByRole(AriaRole.Row).Filter(new() { HasText = "Homework Buddies" });
            await Expect(row).ToContainTextAsync("Approved");
            await Expect(row).ToContainTextAsync("Welcome to Homework Buddies!");
            await Axe.AssertNoViolationsAsync(applicant);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await ScreenshotAsync(applicant, "application-applicant-failed");
            await ScreenshotAsync(coordinator, "application-coordinator-failed");
            foreach (var entry in server.ServerErrors)
            {
                output.WriteLine(entry);
            }
            throw;
        }
        finally
        {
            await applicant.Context.CloseAsync();
            await coordinator.Context.CloseAsync();
        }
    }

    /// <summary>The coordinator's browser session sets the program up through the API (same cookies).</summary>
    private async Task<string> CreateRecruitingProgramAsync(IPage page)
    {
        var api = page.Context.APIRequest;
        var created = await api.PostAsync("/api/v1/programs", new()
        {
            DataObject = new
            {
                organisationId = server.Demo.OrganisationId,
                name = "Homework Buddies",
                description = "Older students help younger ones with homework after school.",
                pairing = "MentorMentee",
                guidelines = "Be on time. Be kind. Keep what you hear to yourself.",
                meetingFormats = new[] { "OneToOne" },
                cadence = "Weekly",
                objectives = new[] { new { description = "Homework handed in", target = "90% of mentees hand in every assignment" } },
            },
        });
        Assert.True(created.Ok, $"Creating the program answered {created.Status}: {await created.TextAsync()}");
        var programId = (await created.JsonAsync())!.Value.GetProperty("id").GetString()!;
        var form = await api.PutAsync($"/api/v1/programs/{programId}/questionnaires/mentee", new()
        {
            DataObject = new
            {
                questions = new object[]
                {
                    new { id = "subject", type = "SingleChoice", prompt = "Which subject do you need help with?", options = new[] { "Maths", "History" }, required = true, criterion = "SameValue" },
                    new { id = "free", type = "Availability", prompt = "When are you free after school?", required = false, criterion = "AvailabilityOverlap" },
                    new { id = "parents", type = "Consent", prompt = "My parents know I am applying", required = true },
                },
            },
        });
        Assert.True(form.Ok, $"Saving the form answered {form.Status}: {await form.TextAsync()}");
        // Recruitment opens only once every role the program recruits has a form.
        var mentorForm = await api.PutAsync($"/api/v1/programs/{programId}/questionnaires/mentor", new()
        {
            DataObject = new { questions = new object[] { new { id = "why", type = "ShortText", prompt = "Why do you want to mentor?", required = false } } },
        });
        Assert.True(mentorForm.Ok, $"Saving the mentor form answered {mentorForm.Status}: {await mentorForm.TextAsync()}");
        var status = await api.PostAsync($"/api/v1/programs/{programId}/status", new() { DataObject = new { status = "Recruiting" } });
        Assert.True(status.Ok, $"Opening recruitment answered {status.Status}: {await status.TextAsync()}");
        return programId;
    }

    private Task SignInAsync(IPage page, string role) => server.SignInAsync(page, role);

    private Task ScreenshotAsync(IPage page, string name) => TandemServer.ScreenshotAsync(page, name, output);
}
