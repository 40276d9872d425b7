using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>
/// "Students use phones": every page a participant reaches (signed out on the way in, then as the demo mentee) passes
/// axe-core, does not scroll sideways, and has touch targets of 44 px or more on a 390 x 844 phone; on a laptop it still
/// passes axe-core and fits.
/// </summary>
[RunsLong(30)]
public sealed class ParticipantPagesTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [OneDatabaseFact(DatabaseProvider.Postgres)]
    public async Task EveryPageAParticipantSeesPassesAxeAndFitsAPhoneScreen()
    {
        var page = await server.NewPageAsync();
        var coordinator = await server.NewPageAsync();
        try
        {
            // Given: the demo mentee has a mentor (so their matches page has a pair with its links), a survey to answer, and
            // a second program is recruiting with both forms and an information session; someone new has an invitation.
            var relationshipId = await StartDemoPairAsync();
            var invitationId = await SendPulseToMenteeAsync();
            await GiveDemoMenteeCandidatesAsync();
            await server.SignInAsync(coordinator, "Coordinator");
            var (recruitingId, sessionId) = await OpenRecruitingProgramAsync(coordinator);
            var invited = $"ravi.{Guid.NewGuid():N}@example.org";
            await PostAsync(coordinator, $"/api/v1/programs/{recruitingId}/invitations", new { email = invited, role = "Mentee", firstName = "Ravi", lastName = "Invited" });
            var invitationLink = await server.LinkInLatestEmailAsync(invited, $"/apply/{recruitingId}/");
            // A young applicant's guardian has a link to consent (ADR 48), to the program's notices.
            await PostAsync(coordinator, $"/api/v1/programs/{recruitingId}/notices", new { text = "Your answers are used to find a mentor and are kept until the program ends." });
            var guardianLink = await GuardianLinkAsync(Guid.Parse(recruitingId));
            // A ready-made training module for everyone in the demo program, so the training pages show a module with its quiz and role-play (ADR 61).
            var module = await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/training/templates/active-listening", new { });
            // A guide and a link in the library, the guide attached to the module, so the library pages show both kinds, tags and the module its resources (ADR 64).
            var guide = await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/resources", new
            {
                kind = "Guide", title = "Your first meeting", description = "What to bring and what to ask.", tags = new[] { "first meeting", "checklists" },
                body = "## Before you meet\n\n- Agree a place\n- Bring a question about **study habits**",
            });
            await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/resources", new
            {
                kind = "Link", title = "Study skills course", url = "https://docs.google.com/document/d/study-skills", tags = new[] { "study" },
            });
            var attached = await coordinator.Context.APIRequest.PostAsync($"/api/v1/resources/{guide.GetProperty("id").GetString()}/attachments",
                new() { DataObject = new { targetKind = "TrainingModule", targetId = module.GetProperty("id").GetString() } });
            Assert.True(attached.Ok, $"Attaching the guide answered {attached.Status}");
            // The program's general channel with a thread and a reply, so the channel page shows a post with its reply, report and reply forms (ADR 66).
            var channels = await coordinator.Context.APIRequest.GetAsync($"/api/v1/programs/{server.Demo.ProgramId}/discussion-channels");
            var generalId = (await channels.JsonAsync())!.Value.GetProperty("items")[0].GetProperty("id").GetString();
            var thread = await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/discussion-channels/{generalId}/posts",
                new { body = "Welcome! Tell us **one book** you enjoyed this year." });
            await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/discussion-channels/{generalId}/posts/{thread.GetProperty("id").GetString()}/replies",
                new { body = "Mine was *Holes*." });

            var signedOut = new (string Path, string Heading)[]
            {
                ("/account/sign-in", "Sign in"),
                ("/account/forgot-password", "Forgot your password?"),
                (await VerificationLinkForNewAccountAsync(), "Confirm your e-mail address"),
                ($"/join/{recruitingId}", "Homework Buddies"),
                ($"/apply/{recruitingId}/mentee", "Apply as mentee"),
                (invitationLink, "Apply as mentee"),
                ("/this-page-does-not-exist", "Not found"),
                (guardianLink, "Consent for Tia Young"),
                // A certificate's public verification page, with a code that is not genuine (ADR 63).
                ("/certificates/verify/not-a-genuine-code", "Verify a certificate"),
            };
            var signedIn = new (string Path, string Heading)[]
            {
                ("/", "Hello"),
                ("/programs", "Programs"),
                ($"/programs/{server.Demo.ProgramId}", "First-Year Peer Mentoring"),
                ("/my/relationships", "Your matches"),
                ($"/relationships/{relationshipId}/meetings", "Meetings"),
                ($"/relationships/{relationshipId}/check-ins", "Check-ins"),
                ($"/relationships/{relationshipId}/goals", "Goals"),
                ($"/relationships/{relationshipId}/messages", "Messages with"),
                ($"/programs/{server.Demo.ProgramId}/find-a-mentor", "Find a mentor"),
                ($"/programs/{server.Demo.ProgramId}/rank", "Rank your candidates"),
                ("/my/applications", "Your applications"),
                ($"/join/{recruitingId}", "Homework Buddies"),
                ($"/apply/{recruitingId}/mentee", "Apply as mentee"),
                ($"/information-sessions/{sessionId}", "Meet the mentors"),
                ("/my/surveys", "My surveys"),
                ($"/my/surveys/{invitationId}", "How was your meeting?"),
                ($"/programs/{server.Demo.ProgramId}/suggestions", "Suggestion box"),
                ($"/programs/{server.Demo.ProgramId}/announcements", "Announcements"),
                ($"/programs/{server.Demo.ProgramId}/events", "Events"),
                ($"/programs/{server.Demo.ProgramId}/discussions", "Discussions"),
                ($"/programs/{server.Demo.ProgramId}/discussions/{generalId}", "General"),
                ("/my/calendar", "Your calendar feed"),
                ("/my/access-log", "Who has seen your record"),
                ("/my/journal", "My journal"),
                ("/my/recognition", "My recognition"),
                ("/my/training", "My training"),
                ($"/my/training/{module.GetProperty("id").GetString()}", "Active listening"),
                ("/resources", "Resources"),
                ($"/programs/{server.Demo.ProgramId}/resources", "Resources"),
                ($"/programs/{server.Demo.ProgramId}/resources?q=nothing-matches-this", "Resources"),
                ($"/resources/{guide.GetProperty("id").GetString()}", "Your first meeting"),
                ("/my/erasure", "Ask for your data to be erased"),
                ("/concerns", "Report a concern"),
                ("/notifications", "Notifications"),
                ("/organisations", "Organisations"),
                ("/account/password", "Change your password"),
                ("/account/access-denied", "Not allowed"),
            };

            // Every page is checked before the test fails, so one run names everything to fix.
            var problems = new List<string>();
            async Task CheckAsync(string path, string heading, int width)
            {
                await page.SetViewportSizeAsync(width, 844);
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(heading);
                try
                {
                    await Axe.AssertNoViolationsAsync(page);
                }
                catch (Xunit.Sdk.XunitException failed)
                {
                    problems.Add($"At {width} px: {failed.Message}");
                }
                // On a laptop the pointer is a mouse: only the width is checked there, touch targets on the phone.
                problems.AddRange(width <= 390 ? await Layout.PhoneProblemsAsync(page) : await Layout.SidewaysOverflowAsync(page));
            }

            foreach (var (path, heading) in signedOut)
            {
                await CheckAsync(path, heading, 390);
            }
            // The guardian answers with the keyboard alone on the phone: their name, then Enter; the answer page passes too.
            await page.GotoAsync(guardianLink);
            await page.GetByLabel("Yes, I consent").FocusAsync();
            await page.Keyboard.PressAsync("Space");
            await page.Keyboard.PressAsync("Tab");
            await page.GetByLabel("Your name (as your signature)").FocusAsync();
            await page.Keyboard.TypeAsync("Pat Parent");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your consent is recorded");
            await Axe.AssertNoViolationsAsync(page);
            problems.AddRange(await Layout.PhoneProblemsAsync(page));
            // The same guardian asks for a link to their child's record on the phone and opens it (ADR 52).
            await CheckAsync("/guardian", "For parents and guardians", 390);
            await page.GetByLabel("Your e-mail address").FillAsync("pat.parent@example.org");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
            await page.GotoAsync(await server.LinkInLatestEmailAsync("pat.parent@example.org", "/guardian/open"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
            await CheckAsync("/guardian/children", "Your children's records", 390);
            // The page a reset link opens (the demo mentor asked for one on the page just checked).
            var mentor = server.Demo.For("Mentor").Email;
            await page.GotoAsync("/account/forgot-password");
            await page.GetByLabel("E-mail").FillAsync(mentor);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses this address");
            problems.AddRange(await Layout.PhoneProblemsAsync(page));
            await CheckAsync(await server.LinkInLatestEmailAsync(mentor, "/account/reset-password"), "Choose a new password", 390);
            await server.SignInAsync(page, "Mentee");
            // Kudos to the mentor, so the recognition page lists one beside its form (ADR 63).
            await PostAsync(page, "/api/v1/kudos", new { programId = server.Demo.ProgramId, recipientUserId = await DemoUserIdAsync("Mentor"), message = "Thank you for the science fair help" });
            // A journal entry shared with the mentor, so the journal page shows an entry with its actions (ADR 56).
            var entry = await PostAsync(page, "/api/v1/me/journal", new { body = "We planned the science fair. I said more than I expected to." });
            await PutAsync(page, $"/api/v1/me/journal/{entry.GetProperty("id").GetString()}/share", new { relationshipId });
            // A goal with a milestone and an action item in each column, so the board page shows every kind of button (ADR 59).
            var goal = await PostAsync(page, $"/api/v1/relationships/{relationshipId}/goals", new
            {
                outcome = "Present the science fair project with confidence", measure = "Presented without notes",
                targetDate = DateTime.UtcNow.AddMonths(2).ToString("yyyy-MM-dd"), milestones = new[] { new { title = "Poster drafted" } },
            });
            var items = $"/api/v1/relationships/{relationshipId}/goals/{goal.GetProperty("id").GetString()}/action-items";
            await PostAsync(page, items, new { title = "Rehearse twice", state = "ToDo" });
            await PostAsync(page, items, new { title = "Draft the poster", state = "Doing" });
            await PostAsync(page, items, new { title = "Pick a topic", state = "Done" });
            // An event with one place the mentee takes, so the events page shows an answer, the calendar link and the waitlist button (ADR 62).
            var eventStarts = DateTime.UtcNow.AddDays(3);
            var programEvent = await PostAsync(coordinator, $"/api/v1/programs/{server.Demo.ProgramId}/events", new
            {
                kind = "Workshop", title = "Study skills workshop", description = "Bring **your notes** and a question.",
                startsAt = eventStarts, endsAt = eventStarts.AddHours(2), timeZoneId = "Europe/London", place = "Library, room 2", capacity = 1,
            });
            await PostAsync(page, $"/api/v1/events/{programEvent.GetProperty("id").GetString()}/rsvp", new { going = true });
            // Every page on a phone. Then a laptop, where only the menu (no "Menu" toggle) and the tables (rows, not stacked
            // cards) are laid out differently: one page of each layout is enough there, and it halves the test's time, which
            // is most of the browser suite's (docs/benchmarks.md, "Test suite").
            foreach (var (path, heading) in signedIn)
            {
                await CheckAsync(path, heading, 390);
            }
            string[] laptop = ["/", "/programs", "/my/relationships", $"/relationships/{relationshipId}/meetings", "/my/applications", "/notifications"];
            foreach (var (path, heading) in signedIn.Where(p => laptop.Contains(p.Path)))
            {
                await CheckAsync(path, heading, 1280);
            }
            // The phone menu, opened: its links are targets too.
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/");
            await page.GetByText("Menu", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Programs" })).ToBeVisibleAsync();
            problems.AddRange((await Layout.PhoneProblemsAsync(page)).Select(problem => "With the menu open: " + problem));
            Assert.True(problems.Count == 0, string.Join("\n\n", problems));
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "participant-pages", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
            await coordinator.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AMentorWritesByKeyboardOnAPhoneAndTheMenteeSeesItArriveWithoutReloading()
    {
        var relationshipId = await StartDemoPairAsync();
        var mentee = await server.NewPageAsync();
        var mentor = await server.NewPageAsync();
        try
        {
            var path = $"/relationships/{relationshipId}/messages";
            await mentee.SetViewportSizeAsync(390, 844);
            await mentor.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(mentee, "Mentee");
            await server.SignInAsync(mentor, "Mentor");
            await mentee.GotoAsync(path);
            // The page follows the conversation once its live connection is up.
            await Expect(mentee.Locator("[data-following=true]")).ToHaveCountAsync(1);
            await Expect(mentee.GetByRole(AriaRole.Status).Filter(new() { HasText = "Live" })).ToBeVisibleAsync();

            // The mentor writes with the keyboard alone: the message box, then Tab past the file to Send.
            await mentor.GotoAsync(path);
            await mentor.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FocusAsync();
            var text = $"See you at https://example.org/library at four ({Guid.NewGuid():N})";
            await mentor.Keyboard.TypeAsync(text);
            await mentor.Keyboard.PressAsync("Tab");
            Assert.Equal("file", await mentor.EvaluateAsync<string>("document.activeElement.id"));
            await mentor.Keyboard.PressAsync("Tab");
            Assert.Equal("Send", await mentor.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
            var readByMentee = mentee.WaitForResponseAsync(r => r.Url.Contains("/conversation/read") && r.Request.Method == "POST");
            await mentor.Keyboard.PressAsync("Enter");
            await Expect(mentor.Locator("li.message.mine").Last).ToContainTextAsync(text);

            // It arrives on the mentee's open page, with the address as a safe link, and the page still passes.
            var arrived = mentee.Locator("li.message.theirs").Filter(new() { HasText = text });
            await Expect(arrived).ToHaveCountAsync(1);
            await Expect(arrived.GetByRole(AriaRole.Link, new() { Name = "https://example.org/library" })).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow ugc");
            await Axe.AssertNoViolationsAsync(mentee);
            await Layout.AssertFitsAPhoneAsync(mentee);
            // The mentee's page read it, so the mentor sees "Seen by" after a reload.
            Assert.True((await readByMentee).Ok);
            await mentor.ReloadAsync();
            await Expect(mentor.Locator("[data-seen]")).ToContainTextAsync("Seen by");
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(mentee, "conversation-live", output);
            throw;
        }
        finally
        {
            await mentee.Context.CloseAsync();
            await mentor.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task ThePairSetsAGoalAndTicksOffAnActionItemOnAPhoneWithTheKeyboard()
    {
        var relationshipId = await StartDemoPairAsync();
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Mentee");
            await page.GotoAsync($"/relationships/{relationshipId}/goals");
            var outcome = $"Give a five-minute talk {Guid.NewGuid():N}"[..32];
            var item = $"Rehearse in front of a mirror {Guid.NewGuid():N}"[..38];

            // The goal: typed field by field, Tab between them; the date as the browser's date field takes it; Enter sends.
            await page.GetByLabel("What you want to achieve (specific)").FocusAsync();
            await page.Keyboard.TypeAsync(outcome);
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync("Talk given to the class");
            await page.GetByLabel("Target date").FillAsync(DateTime.UtcNow.AddMonths(1).ToString("yyyy-MM-dd"));
            await page.GetByLabel("Target date").PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Goal set");
            var goal = page.Locator("section.goal", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = outcome }) });

            // An action item: the disclosure opens with Enter, the title is typed, Enter adds it to "To Do".
            await goal.GetByText("Add an action item").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await goal.GetByLabel("What is to be done").FocusAsync();
            await page.Keyboard.TypeAsync(item);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Action item added");

            // Ticked off from the board with the keyboard: its "Done" button, then Enter.
            goal = page.Locator("section.goal", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = outcome }) });
            await goal.GetByRole(AriaRole.Button, new() { Name = $"Done: {item}" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Moved to “Done”");
            goal = page.Locator("section.goal", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = outcome }) });
            await Expect(goal.GetByText("1 of 1 action items done (100%)")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            await Layout.AssertFitsAPhoneAsync(page);
        }
        catch
        {
            await server.ReportFailureAsync(page, "goal-board", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AMenteeChoosesHowTheyHearOfEachKindOnAPhoneWithTheKeyboardAlone()
    {
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Mentee");
            await page.GotoAsync("/notifications");
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Meetings" })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            await Layout.AssertFitsAPhoneAsync(page);

            // Keyboard only: the arrow keys move the meetings choice to the digest; Tab goes group by group (safeguarding
            // and privacy have nothing to choose) to Save.
            await page.Locator("#Meetings-Email").FocusAsync();
            await page.Keyboard.PressAsync("ArrowDown");
            Assert.Equal("Meetings-DailyDigest", await page.EvaluateAsync<string>("document.activeElement.id"));
            for (var guard = 0; guard < 20 && await page.EvaluateAsync<string>("document.activeElement.textContent.trim()") != "Save"; guard++)
            {
                await page.Keyboard.PressAsync("Tab");
            }
            Assert.Equal("Save", await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("daily digest e-mail: meetings");
            await Expect(page.Locator("#Meetings-DailyDigest")).ToBeCheckedAsync();
            await Expect(page.Locator("#Reminders-Email")).ToBeCheckedAsync();
            await Axe.AssertNoViolationsAsync(page);
            await Layout.AssertFitsAPhoneAsync(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "notification-choices", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AMenteeRanksTheirCandidatesOnAPhoneWithTheKeyboardAlone()
    {
        var names = await GiveDemoMenteeCandidatesAsync();
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Mentee");
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}/rank");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rank your candidates", Level = 1 })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            await Layout.AssertFitsAPhoneAsync(page);

            // Keyboard only: the first candidate's number, then Tab walks number, "Not for me", next number … and the button.
            var shown = await page.Locator("input[id^=choice-]").EvaluateAllAsync<string[]>("inputs => inputs.map(i => i.id)");
            Assert.Equal(names.Count, shown.Length);
            await page.Locator($"#{shown[0]}").FocusAsync();
            for (var k = 0; k < shown.Length; k++)
            {
                Assert.Equal(shown[k], await page.EvaluateAsync<string>("document.activeElement.id"));
                if (k < shown.Length - 1)
                {
                    await page.Keyboard.PressAsync("Control+A");
                    await page.Keyboard.TypeAsync((k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await page.Keyboard.PressAsync("Tab");
                }
                else
                {
                    await page.Keyboard.PressAsync("Control+A");
                    await page.Keyboard.PressAsync("Backspace");
                    await page.Keyboard.PressAsync("Tab");
                    await page.Keyboard.PressAsync("Space");
                }
                Assert.StartsWith("out-", await page.EvaluateAsync<string>("document.activeElement.id"));
                await page.Keyboard.PressAsync("Tab");
            }
            Assert.Equal("Save my ranking", await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your ranking is saved.");
            await Expect(page.Locator($"#{shown[0]}")).ToHaveValueAsync("1");
            await Expect(page.Locator($"#out-{shown[^1]["choice-".Length..]}")).ToBeCheckedAsync();
            await Axe.AssertNoViolationsAsync(page);
            await Layout.AssertFitsAPhoneAsync(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "rank-candidates", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The demo mentee is offered three of the demo's mentors to rank (once per server; nobody has ranked them yet).</summary>
    private async Task<IReadOnlyList<string>> GiveDemoMenteeCandidatesAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var mentee = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId && e.Role == ProgramRole.Mentee && e.User!.Email == server.Demo.For("Mentee").Email)
            .Select(e => e.Id).SingleAsync();
        var mentors = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId && e.Role == ProgramRole.Mentor)
            .OrderBy(e => e.User!.DisplayName).Take(3).Select(e => new { e.Id, e.User!.DisplayName }).ToListAsync();
        if (!await db.Set<Tandem.Features.Matching.RankingOffer>().AnyAsync(o => o.MenteeEnrolmentId == mentee))
        {
            db.AddRange(mentors.Select((m, k) => new Tandem.Features.Matching.RankingOffer(server.Demo.ProgramId, mentee, m.Id, 10 - k,
                ["You both enjoy music"], DateTime.UtcNow)));
            await db.SaveChangesAsync();
        }
        return mentors.Select(m => m.DisplayName).ToList();
    }

    /// <summary>The demo mentor and mentee as a pair (started by whichever test of the class asks first).</summary>
    private async Task<Guid> StartDemoPairAsync()
    {
        await PairLock.WaitAsync();
        try
        {
            return pairId ??= await StartDemoPairOnceAsync();
        }
        finally
        {
            PairLock.Release();
        }
    }

    private static readonly SemaphoreSlim PairLock = new(1, 1);
    private static Guid? pairId;

    private async Task<Guid> DemoUserIdAsync(string role)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var email = server.Demo.For(role).Email;
        return await scope.ServiceProvider.GetRequiredService<TandemDb>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task<Guid> StartDemoPairOnceAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var people = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e.Id, u.Email })
            .ToListAsync();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var started = await scope.ServiceProvider.GetRequiredService<StartRelationship>().RunAsync(new Actor(coordinator.Id, false), new StartRelationshipRequest(
            server.Demo.ProgramId,
            [people.Single(p => p.Email == server.Demo.For("Mentor").Email).Id, people.Single(p => p.Email == server.Demo.For("Mentee").Email).Id],
            RelationshipKind.Pair,
            DateOnly.FromDateTime(DateTime.UtcNow),
            RelationshipSource.Manual,
            null,
            null));
        Assert.Null(started.Failure);
        return started.Value!.Id;
    }

    /// <summary>A young applicant of the program whose guardian was asked for consent: the single-use link of the guardian's e-mail.</summary>
    private async Task<string> GuardianLinkAsync(Guid programId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(new CreateUserRequest
        {
            Email = $"tia.{Guid.NewGuid():N}@example.org", DisplayName = "Tia Young", Password = "a long enough password", TimeZoneId = "Europe/London",
        });
        Assert.Null(created.Failure);
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var consent = new Tandem.Features.Privacy.Consent(created.Value!.Id, programId, server.Demo.OrganisationId, Tandem.Features.Privacy.ConsentPurpose.Program, DateTime.UtcNow);
        var token = Tandem.Infrastructure.Security.LinkToken.New();
        db.Add(consent);
        db.Add(consent.AskGuardian("pat.parent@example.org", Tandem.Infrastructure.Security.LinkToken.Hash(token), DateTime.UtcNow.AddDays(30), DateTime.UtcNow));
        await db.SaveChangesAsync();
        return Tandem.Features.Privacy.ConsentMail.PagePath(token);
    }

    /// <summary>Someone signs up on their own: the link in the e-mail that confirms their address.</summary>
    private async Task<string> VerificationLinkForNewAccountAsync()
    {
        var email = $"sam.{Guid.NewGuid():N}@example.org";
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(
                new CreateUserRequest { Email = email, DisplayName = "Sam Signup", Password = "a long enough password", TimeZoneId = "Europe/London" }, emailVerified: false);
            Assert.Null(created.Failure);
            var sent = await scope.ServiceProvider.GetRequiredService<SendEmailVerification>().RunAsync(new Actor(created.Value!.Id, false));
            Assert.Null(sent.Failure);
        }
        return await server.LinkInLatestEmailAsync(email, "/account/verify-email");
    }

    /// <summary>The demo coordinator sends the pulse survey now; returns the demo mentee's invitation to answer it.</summary>
    private async Task<Guid> SendPulseToMenteeAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var actor = new Actor(coordinator.Id, false);
        var created = await scope.ServiceProvider.GetRequiredService<CreateSurvey>().RunAsync(actor, server.Demo.ProgramId, new SaveSurveyRequest
        {
            Template = SurveyKind.Pulse,
            Trigger = SurveyTrigger.Now,
            Audience = [ProgramRole.Mentor, ProgramRole.Mentee],
        });
        Assert.Null(created.Failure);
        var sent = await scope.ServiceProvider.GetRequiredService<SendSurvey>().RunAsync(actor, created.Value!.Id);
        Assert.Null(sent.Failure);
        var mentee = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Mentee").Email);
        return await db.Set<SurveyInvitation>().Where(i => i.SurveyId == created.Value.Id && i.UserId == mentee.Id).Select(i => i.Id).SingleAsync();
    }

    /// <summary>Through the coordinator's API (same cookies): a program with both forms, recruiting, with an information session.</summary>
    private async Task<(string ProgramId, string SessionId)> OpenRecruitingProgramAsync(IPage coordinator)
    {
        var created = await PostAsync(coordinator, "/api/v1/programs", new
        {
            organisationId = server.Demo.OrganisationId,
            name = "Homework Buddies",
            description = "Older students help younger ones with homework after school, once a week in the library.",
            pairing = "MentorMentee",
            guidelines = "Be on time. Be kind. Keep what you hear to yourself.",
            meetingFormats = new[] { "OneToOne", "InPerson" },
            cadence = "Weekly",
            objectives = new[] { new { description = "Homework handed in", target = "90% of mentees hand in every assignment" } },
        });
        var programId = created.GetProperty("id").GetString()!;
        await PutAsync(coordinator, $"/api/v1/programs/{programId}/questionnaires/mentee", new
        {
            questions = new object[]
            {
                new { id = "subject", type = "SingleChoice", prompt = "Which subject do you need help with?", options = new[] { "Maths", "History", "Chemistry" }, required = true, criterion = "SameValue" },
                new { id = "topics", type = "MultipleChoice", prompt = "What else would you like to talk about?", options = new[] { "Study skills", "Music", "Sport" }, required = false },
                new { id = "confidence", type = "Scale", prompt = "How confident do you feel about exams?", required = false },
                new { id = "about", type = "LongText", prompt = "Tell us a little about yourself", required = false },
                new { id = "free", type = "Availability", prompt = "When are you free after school?", required = false, criterion = "AvailabilityOverlap" },
                new { id = "parents", type = "Consent", prompt = "My parents know I am applying", required = true },
            },
        });
        await PutAsync(coordinator, $"/api/v1/programs/{programId}/questionnaires/mentor", new
        {
            questions = new object[] { new { id = "why", type = "ShortText", prompt = "Why do you want to mentor?", required = false } },
        });
        await PostAsync(coordinator, $"/api/v1/programs/{programId}/status", new { status = "Recruiting" });
        var session = await PostAsync(coordinator, $"/api/v1/programs/{programId}/information-sessions", new
        {
            title = "Meet the mentors",
            startsAt = DateTimeOffset.UtcNow.AddDays(7),
            timeZoneId = "Europe/London",
            durationMinutes = 45,
            place = "Library, room 2",
            capacity = 20,
        });
        return (programId, session.GetProperty("id").GetString()!);
    }

    private static async Task<JsonElement> PostAsync(IPage page, string path, object body)
    {
        var response = await page.Context.APIRequest.PostAsync(path, new() { DataObject = body });
        Assert.True(response.Ok, $"POST {path} answered {response.Status}: {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static async Task PutAsync(IPage page, string path, object body)
    {
        var response = await page.Context.APIRequest.PutAsync(path, new() { DataObject = body });
        Assert.True(response.Ok, $"PUT {path} answered {response.Status}: {await response.TextAsync()}");
    }
}
