using Tandem.Data;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>
/// Issue 10, "done when": the first hour of a new school, from nothing to a student who knows their mentor and when to
/// meet first, all on the pages. The student uses a phone (390 x 844); every page visited passes axe-core and, on the
/// phone, does not scroll sideways. The screenshots it keeps (bin/…/screenshots/first-hour-*.png) are the ones in the
/// README and docs/user-guide.md (scripts/screenshots.sh copies them to docs/screenshots/).
/// </summary>
[RunsLong(95)]
public sealed class FirstHourJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    private const string School = "Northfield Academy";
    private const string ProgramName = "Northfield Homework Mentors";
    private const string Welcome = "Welcome! Your mentor will say hello this week.";
    private const string Password = "a long enough password";

    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private string CoordinatorEmail => $"head.{run}@northfield.example";
    private string StaffEmail => $"teacher.{run}@northfield.example";
    private string StudentEmail => $"sam.{run}@northfield.example";
    private string MentorEmail => $"maya.{run}@northfield.example";

    [OneDatabaseFact(DatabaseProvider.Sqlite)]
    public async Task AnAdministratorSetsUpASchoolItsCoordinatorOpensAProgramAndAStudentOnAPhoneMeetsTheirMentor()
    {
        // 1. The administrator adds the school and names its first coordinator.
        await AsAsync("administrator", async page =>
        {
            await server.SignInAsync(page, "Administrator");
            await page.GotoAsync("/organisations");
            await page.Locator("#org-name").FillAsync(School);
            await page.GetByLabel("Kind").SelectOptionAsync("School");
            await page.GetByLabel("Participants may be under 18 (guardian consent applies)").CheckAsync();
            var first = page.GetByRole(AriaRole.Group, new() { Name = "First coordinator (optional)" });
            await first.GetByLabel("Name").FillAsync("Helen Head");
            await first.GetByLabel("E-mail").FillAsync(CoordinatorEmail);
            await CheckAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add organisation" }).ClickAsync();
            var notice = page.GetByRole(AriaRole.Status);
            await Expect(notice).ToContainTextAsync($"{School} was added");
            await Expect(notice).ToContainTextAsync($"An invitation to be its coordinator was sent to {CoordinatorEmail}");
            await CheckAsync(page);
            await ScreenshotAsync(page, "01-school-and-coordinator");
        });

        // 2. The coordinator accepts by the e-mailed link, creates the program, invites a teacher as staff,
        //    builds both application forms with the editor and opens recruitment.
        var programId = Guid.Empty;
        await AsAsync("coordinator", async page =>
        {
            await page.GotoAsync(await server.LinkInLatestEmailAsync(CoordinatorEmail, "/invitations/accept"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(School);
            await Expect(page.GetByLabel("E-mail")).ToHaveValueAsync(CoordinatorEmail);
            await CheckAsync(page);
            await Expect(page.GetByLabel("Your name")).ToHaveValueAsync("Helen Head");
            await page.GetByLabel("Password (at least 10 characters)").FillAsync(Password);
            await page.GetByLabel("Time zone").FillAsync("Europe/London");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account and accept" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome to {School}");
            await CheckAsync(page);

            await page.GotoAsync("/programs/new");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New program", Level = 1 })).ToBeVisibleAsync();
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(ProgramName);
            await page.GetByLabel("Description").FillAsync("Year 11 students help Year 8 students with homework, once a week.");
            await page.GetByLabel("Target audience").FillAsync("Year 8 (mentees) and Year 11 (mentors)");
            await page.GetByLabel("Objective 1").FillAsync("Homework handed in");
            await page.GetByLabel("Target 1").FillAsync("90% of mentees hand in every assignment by the end");
            await page.GetByLabel("Mentors and mentees").CheckAsync();
            await page.GetByLabel("One-to-one").CheckAsync();
            await page.GetByLabel("Cadence").SelectOptionAsync("Weekly");
            await page.GetByLabel("Guidelines and code of conduct").FillAsync("Be on time. Be kind. Tell a teacher if something worries you.");
            await CheckAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create program" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(ProgramName);
            programId = Guid.Parse(new Uri(page.Url).Segments.Last());
            // Not ready to recruit yet: the page says what is missing.
            await Expect(page.GetByText("an application form for mentors", new() { Exact = false })).ToBeVisibleAsync();
            await CheckAsync(page);

            await InviteStaffAsync(page, programId);

            await BuildFormAsync(page, programId, "mentor", "What could you help with?");
            await BuildFormAsync(page, programId, "mentee", "What would you like help with?");

            await page.GotoAsync($"/programs/{programId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Recruiting" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The program is now Recruiting.");
            await CheckAsync(page);
            await ScreenshotAsync(page, "03-recruiting");
        });

        // 3. A Year 8 student applies on a phone: creates an account, confirms the address, submits. A mentor applies too.
        await AsAsync("student", page => ApplyAsync(page, programId, "mentee", "Sam Student", StudentEmail, phone: true, screenshots: true));
        await AsAsync("mentor", page => ApplyAsync(page, programId, "mentor", "Maya Mentor", MentorEmail, phone: false, screenshots: false));

        // 4. The coordinator approves both with a message; the queue says who has been told.
        await AsAsync("coordinator", async page =>
        {
            await TandemServer.SignInAsync(page, CoordinatorEmail, Password);
            foreach (var name in new[] { "Sam Student", "Maya Mentor" })
            {
                await page.GotoAsync($"/programs/{programId}/applications");
                await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
                // Free times as the applicant gave them, in their zone.
                await Expect(page.GetByText("Tue 16:00–18:00, Thu 16:00–18:00 (Europe/London)")).ToBeVisibleAsync();
                await CheckAsync(page);
                await page.GetByLabel("Message to the applicant (optional)").FillAsync(Welcome);
                await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The application is approved.");
            }
            await page.GotoAsync($"/programs/{programId}/applications?status=Approved");
            await Expect(page.Locator(".told")).ToHaveCountAsync(2);
            await Expect(page.Locator(".told").First).ToContainTextAsync("Told on");
            await CheckAsync(page);
            await ScreenshotAsync(page, "06-review-queue");
        });

        // The student is told in the app and by e-mail, with the coordinator's message.
        var approvalEmail = await server.LatestEmailAsync(StudentEmail);
        Assert.NotNull(approvalEmail);
        Assert.Contains("approved", approvalEmail.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Welcome, approvalEmail.TextBody);
        await AsAsync("student", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            // The student's first sign-in is on the page, on the phone, as they would do it.
            await TandemServer.SignInOnThePageAsync(page, StudentEmail, Password);
            await page.GotoAsync("/my/applications");
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = ProgramName });
            await Expect(row).ToContainTextAsync("Approved");
            await Expect(row).ToContainTextAsync(Welcome);
            await CheckAsync(page, phone: true);
            await ScreenshotAsync(page, "07-student-approved");
        });

        // 5. The coordinator moves to matching, runs it and publishes, starting the program.
        await AsAsync("coordinator", async page =>
        {
            await TandemServer.SignInAsync(page, CoordinatorEmail, Password);
            await page.GotoAsync($"/programs/{programId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Matching" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The program is now Matching.");
            await page.GotoAsync($"/programs/{programId}/matching");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run matching" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Draft 1 is ready");
            var pair = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Sam Student" });
            await Expect(pair).ToContainTextAsync("Maya Mentor");
            await Expect(page.Locator("#average")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9.]+ of [0-9]+ possible$"));
            await CheckAsync(page);
            await ScreenshotAsync(page, "08-match-draft");
            await Expect(page.GetByLabel("Also move the program to running", new() { Exact = false })).ToBeCheckedAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish draft 1" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Published");
            await CheckAsync(page);
        });

        // 6. The student's home, on the phone: their mentor and a suggested first meeting when both are free.
        await AsAsync("student", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await TandemServer.SignInAsync(page, StudentEmail, Password);
            await page.GotoAsync("/");
            var match = page.Locator("section[aria-labelledby=match-heading]");
            await Expect(match).ToContainTextAsync("Maya Mentor");
            await Expect(match).ToContainTextAsync("your mentor");
            await Expect(match.Locator(".suggestion")).ToContainTextAsync("Suggested first meeting:");
            // Both said Tuesday and Thursday 16:00-18:00 in London, so the suggestion is one of those hours, named in London time.
            await Expect(match.Locator(".suggestion")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("(Tue|Thu) .* at 1[67]:00 \\(Europe/London\\)"));
            await CheckAsync(page, phone: true);
            await ScreenshotAsync(page, "09-student-home");
        });
    }

    /// <summary>The coordinator adds a teacher to the program's staff by e-mail invitation, from the program page.</summary>
    private async Task InviteStaffAsync(IPage page, Guid programId)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Staff and coordinators" }).ClickAsync();
        await TandemServer.AtAsync(page, $"/programs/{programId}/staff");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add or invite someone" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = CoordinatorEmail })).ToContainTextAsync("Coordinator");
        await CheckAsync(page);
        await page.GetByLabel("E-mail").FillAsync(StaffEmail);
        await page.GetByLabel("Role").SelectOptionAsync("Staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add or invite" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"An invitation was sent to {StaffEmail}");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = StaffEmail })).ToContainTextAsync("Staff");
        await CheckAsync(page);
        await ScreenshotAsync(page, "02-staff");
        Assert.Contains("/invitations/accept", await server.LinkInLatestEmailAsync(StaffEmail, "/invitations/accept"));
    }

    /// <summary>Two questions with the editor's buttons: when you are free (matched on overlap) and a short answer.</summary>
    private async Task BuildFormAsync(IPage page, Guid programId, string role, string textQuestion)
    {
        await page.GotoAsync($"/programs/{programId}/questionnaires/{role}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Application form for {role}", Level = 1 })).ToBeVisibleAsync();
        await page.Locator("#prompt-1").FillAsync(textQuestion);
        await page.Locator("#type-1").SelectOptionAsync("ShortText");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a question" }).ClickAsync();
        await page.Locator("#prompt-2").FillAsync("When are you free after school?");
        await page.Locator("#type-2").SelectOptionAsync("Availability");
        await page.Locator("#required-2").CheckAsync();
        await page.Locator("#criterion-2").SelectOptionAsync("AvailabilityOverlap");
        // The free times matter most: move them to the top.
        await page.GetByRole(AriaRole.Button, new() { Name = "Move up question 2" }).ClickAsync();
        await Expect(page.Locator("#prompt-1")).ToHaveValueAsync("When are you free after school?");
        var preview = page.Locator("section.form-preview");
        await Expect(preview.GetByRole(AriaRole.Group, new() { Name = "When are you free after school? (required)" })).ToBeVisibleAsync();
        await CheckAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save form" }).ClickAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("The form is saved");
        if (role == "mentee")
        {
            await ScreenshotAsync(page, "04-form-editor");
        }
    }

    /// <summary>From the public page: create an account, answer, confirm the e-mailed link, accept the code of conduct, submit.</summary>
    private async Task ApplyAsync(IPage page, Guid programId, string role, string name, string email, bool phone, bool screenshots)
    {
        if (phone)
        {
            await page.SetViewportSizeAsync(390, 844);
        }
        await page.GotoAsync($"/join/{programId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(ProgramName);
        await Expect(page.GetByText("Weekly", new() { Exact = false }).First).ToBeVisibleAsync();
        await CheckAsync(page, phone);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Apply as {role}" }).ClickAsync();
        await TandemServer.AtAsync(page, $"/apply/{programId}/{role}");
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password (at least 10 characters)").FillAsync(Password);
        await page.GetByLabel("Time zone").FillAsync("Europe/London");
        await CheckAsync(page, phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and continue" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "When are you free after school? (required)" })).ToBeVisibleAsync();
        foreach (var day in new[] { "Tuesday", "Thursday" })
        {
            await page.GetByLabel($"Free from ({day}, another time)").SelectOptionAsync("16");
            await page.GetByLabel($"to ({day}, another time)").SelectOptionAsync("18");
        }
        await page.GetByLabel(role == "mentor" ? "What could you help with?" : "What would you like help with?")
            .FillAsync(role == "mentor" ? "Maths and science" : "Maths, mostly fractions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Draft saved" })).ToBeVisibleAsync();
        // Not yet: a self-made account confirms its address first.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirm your e-mail address" })).ToBeVisibleAsync();
        await CheckAsync(page, phone);
        if (screenshots)
        {
            await ScreenshotAsync(page, "05-student-applies");
        }

        var form = page.Url;
        await page.GotoAsync(await server.LinkInLatestEmailAsync(email, "/account/verify-email"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is confirmed");
        await CheckAsync(page, phone);

        await page.GotoAsync(form);
        await Expect(page.GetByLabel("From (Tuesday, time 1)")).ToHaveValueAsync("16");
        // The school includes minors: an age, and a parent's contact for anyone under 18.
        await page.GetByLabel("Your age").FillAsync(role == "mentor" ? "16" : "13");
        await page.GetByLabel("Parent or guardian's name").FillAsync($"Parent of {name}");
        await page.GetByLabel("Parent or guardian's e-mail").FillAsync($"parent.{email}");
        await page.GetByLabel("I accept the program's guidelines and code of conduct").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit application" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/my/applications\\?submitted="));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = ProgramName })).ToContainTextAsync("Submitted, under review");
        await CheckAsync(page, phone);
    }

    /// <summary>axe-core on the page as it is; on a phone also the layout check (Layout.AssertFitsAPhoneAsync).</summary>
    private static async Task CheckAsync(IPage page, bool phone = false)
    {
        await Axe.AssertNoViolationsAsync(page);
        if (phone)
        {
            // No sideways scrolling, nothing past the edge, touch targets of 44 px.
            await Layout.AssertFitsAPhoneAsync(page);
        }
    }

    private Task ScreenshotAsync(IPage page, string name) => TandemServer.ScreenshotAsync(page, $"first-hour-{name}", output);

    private Task AsAsync(string who, Func<IPage, Task> steps) => server.InPageAsync($"first-hour-{who}", output, steps);
}
