using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Privacy;
using Tandem.Tests.Applications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>ADR 101: the guardian's address, the child's own answer under the consent age, the school's reach, and links sent again.</summary>
public sealed partial class ConsentTests
{
    private static async Task<HttpResponseMessage> ApplyNamingAsync(HttpClient client, RecruitingProgram recruiting, int age, string guardianEmail) =>
        await client.PostAsJsonAsync(recruiting.Applications, new
        {
            role = "mentor", answers = RecruitingProgram.CompleteAnswers(), acceptsCodeOfConduct = true, mentorCapacity = 1, age,
            guardianName = "Pat Parent", guardianEmail, submit = true,
        });

    [Fact]
    public async Task AChildCannotNameTheirOwnSignInAddressAsTheirGuardians()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var childUser = await Factory.CreateUserAsync("Ivy Self");
        var child = await Factory.SignedInClientAsync(childUser);

        var response = await ApplyNamingAsync(child, school.Recruiting, 14, $"  {childUser.Email.ToUpperInvariant()} ");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(Json.Options);
        Assert.Equal(["A parent's or guardian's address must not be your own."], problem!.Errors["GuardianEmail"]);
        // Nothing was recorded and no link went to the child.
        Assert.Empty(await ConsentsOfAsync(childUser.Id));
        Assert.Empty(await Factory.OutboxForAsync(childUser.Email));
    }

    [Fact]
    public async Task AGuardianAddressTypedWithANameIsStoredBareSoTheGuardiansPageFindsTheChild()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var guardian = Address();
        var childUser = await Factory.CreateUserAsync("Noa Named");
        var child = await Factory.SignedInClientAsync(childUser);

        var response = await ApplyNamingAsync(child, school.Recruiting, 14, $"Mum <{guardian}>");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(guardian, (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.GuardianEmail);
        Assert.Equal(guardian, Assert.Single(await ConsentsOfAsync(childUser.Id)).GuardianEmail);

        // The guardian, signing in on /guardian with the bare address, sees the child.
        var page = await GuardianSessionAsync(guardian);
        Assert.Contains("Noa Named", WebUtility.HtmlDecode(await page.Http.GetStringAsync("/guardian/children")));
    }

    private async Task RaiseConsentAgeAsync(GuardedSchool school, int age) =>
        (await school.Recruiting.Coordinator.PutAsJsonAsync($"/api/v1/organisations/{school.OrganisationId}/consent-age", new { consentAge = age })).EnsureSuccessStatusCode();

    [Fact]
    public async Task AChildsOwnYesUnderARaisedConsentAgeIsListedForTheSchoolWhichMayAuthoriseThem()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (child, _, _) = await school.ApplyAsync("Jo Seventeen", "RAISE-1", 17, Address());
        Assert.Equal((ConsentState.Given, ConsentGiver.Participant), (Assert.Single(await ConsentsOfAsync(child.Id)).State, Assert.Single(await ConsentsOfAsync(child.Id)).Giver!.Value));

        // The organisation raises its consent age to 18: the 17-year-old's own "yes" no longer counts, and the page says so.
        await RaiseConsentAgeAsync(school, 18);
        var page = WebUtility.HtmlDecode(await school.Recruiting.Coordinator.GetStringAsync($"/programs/{programId}/consents"));
        Assert.Contains($"value=\"{child.Id}\"", page);

        // The school authorises them over their own answer.
        var recorded = await school.Recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/school", new { userIds = new[] { child.Id } });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(new SchoolConsentResult(1, 0), await recorded.Content.ReadFromJsonAsync<SchoolConsentResult>(Json.Options));
        var consent = Assert.Single(await ConsentsOfAsync(child.Id));
        Assert.Equal((ConsentState.Given, ConsentGiver.School), (consent.State, consent.Giver!.Value));
    }

    [Fact]
    public async Task AChildUnderTheConsentAgeCannotGiveTheirOwnConsentToTheProgram()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (child, client, _) = await school.ApplyAsync("Lu Seventeen", "RAISE-2", 17, Address());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = false })).StatusCode);
        await RaiseConsentAgeAsync(school, 18);

        var given = await client.PostAsJsonAsync("/api/v1/me/consents", new { programId, purpose = "Program", give = true });
        Assert.Equal(HttpStatusCode.Forbidden, given.StatusCode);
        Assert.Contains("a parent or guardian, or the school, must consent for you", await given.Content.ReadAsStringAsync());
        Assert.Equal(ConsentState.Withdrawn, Assert.Single(await ConsentsOfAsync(child.Id)).State);
        // Their privacy page offers no button to give it.
        var mine = WebUtility.HtmlDecode(await client.GetStringAsync("/my/access-log"));
        Assert.Contains("Withdrawn", mine);
        Assert.DoesNotContain($"{programId}:Program:true", mine);
    }

    [Fact]
    public async Task TheSchoolCannotAuthoriseAnAdultWhoseOwnConsentIsAskedAgain()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var coordinator = school.Recruiting.Coordinator;
        var (adult, _, _) = await school.ApplyAsync("Val Unteer", "ADULT-1", 30, null);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/notices", new { text = "We changed it.", material = true })).StatusCode);
        Assert.Equal(ConsentState.RenewalNeeded, Assert.Single(await ConsentsOfAsync(adult.Id)).State);

        // Listed as asked again, without a box; the API refuses by name and records nothing.
        var page = WebUtility.HtmlDecode(await coordinator.GetStringAsync($"/programs/{programId}/consents"));
        Assert.Contains("Val Unteer", page);
        Assert.DoesNotContain($"value=\"{adult.Id}\"", page);
        var recorded = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/school", new { userIds = new[] { adult.Id } });
        Assert.Equal(HttpStatusCode.Conflict, recorded.StatusCode);
        Assert.Contains("Val Unteer", await recorded.Content.ReadAsStringAsync());
        var consent = Assert.Single(await ConsentsOfAsync(adult.Id));
        Assert.Equal((ConsentState.RenewalNeeded, ConsentGiver.Participant), (consent.State, consent.Giver!.Value));
    }

    [Fact]
    public async Task ACoordinatorSendsAGuardianANewLinkToACorrectedAddressAndTheOldOneStopsWorking()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var coordinator = school.Recruiting.Coordinator;
        var typo = Address();
        var (child, childClient, _) = await school.ApplyAsync("Max Typo", "LINK-1", 14, typo);
        var (oldLink, _) = await GuardianLinkAsync(typo);
        var consentId = Assert.Single(await ConsentsOfAsync(child.Id)).Id;
        var path = $"/api/v1/programs/{programId}/consents/{consentId}/guardian-link";

        // Only the program's coordinators; never to the child's own address.
        Assert.Equal(HttpStatusCode.NotFound, (await childClient.PostAsJsonAsync(path, new { guardianEmail = Address() })).StatusCode);
        var own = await coordinator.PostAsJsonAsync(path, new { guardianEmail = child.Email });
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("must not be the participant's own", await own.Content.ReadAsStringAsync());

        var guardian = Address();
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync(path, new { guardianEmail = $"Dad <{guardian}>" })).StatusCode);
        var (link, count) = await GuardianLinkAsync(guardian);
        Assert.Equal(1, count);
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.AnonymousClient().GetAsync(oldLink)).StatusCode);
        var consent = Assert.Single(await ConsentsOfAsync(child.Id));
        Assert.Equal((ConsentState.AwaitingGuardian, guardian), (consent.State, consent.GuardianEmail));
        Assert.True(consent.TokenExpiresAt > DateTime.UtcNow.AddDays(29));

        // Sent again to the same address from the page: a new link, the previous one stops working.
        var page = new PageClient(coordinator);
        var resent = await page.SubmitAsync($"/programs/{programId}/consents", $"guardian-link-{consentId}", [new("ConsentId", consentId.ToString())]);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Contains("A new link", WebUtility.HtmlDecode(await resent.Content.ReadAsStringAsync()));
        var (newest, again) = await GuardianLinkAsync(guardian);
        Assert.Equal(2, again);
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.AnonymousClient().GetAsync(link)).StatusCode);

        // Once the guardian consents there is nothing to send; nor for an adult with no guardian.
        Assert.Equal(HttpStatusCode.OK, (await new PageClient(Factory.AnonymousClient()).SubmitAsync(newest, "guardian-consent",
            [new("Input.Consents", "true"), new("Input.GuardianName", "Pat Parent")])).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsJsonAsync(path, new { })).StatusCode);
        var (adult, _, _) = await school.ApplyAsync("Ada Nolink", "LINK-2", 30, null);
        var adultConsent = Assert.Single(await ConsentsOfAsync(adult.Id)).Id;
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/consents/{adultConsent}/guardian-link", new { })).StatusCode);
    }

    private const string NoticeChanged = "changed its privacy notice";

    [Fact]
    public async Task AMaterialNoticeAsksAgainOnlyThoseTheProgramMayStillContactAndWhoseOwnAnswerCounts()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var coordinator = school.Recruiting.Coordinator;
        // An adult applicant (undecided); a 14-year-old whose own "yes" was kept from before the consent age was raised; an
        // adult the school declined; an adult whose account is disabled.
        var (adult, _, _) = await school.ApplyAsync("Ada Renew", "REN-1", 30, null);
        var (young, _, _) = await school.ApplyAsync("Yan Renew", "REN-2", 14, Address());
        var (declined, _, declinedApplication) = await school.ApplyAsync("Dec Renew", "REN-3", 30, null);
        var (disabled, _, _) = await school.ApplyAsync("Dis Renew", "REN-4", 30, null);
        Assert.True((await coordinator.PostAsJsonAsync($"{school.Recruiting.Applications}/{declinedApplication}/decision", new { decision = "Decline", message = "Full" })).IsSuccessStatusCode);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return await db.Set<Consent>().Where(c => c.UserId == young.Id && c.Purpose == ConsentPurpose.Program).ExecuteUpdateAsync(c => c
                    .SetProperty(x => x.State, ConsentState.Given).SetProperty(x => x.Giver, ConsentGiver.Participant).SetProperty(x => x.GuardianEmail, (string?)null))
                + await db.Users.Where(u => u.Id == disabled.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true));
        });
        foreach (var person in new[] { adult, young, declined, disabled })
        {
            Assert.Equal(ConsentState.Given, (await ConsentsOfAsync(person.Id)).Single(c => c.Purpose == ConsentPurpose.Program).State);
        }

        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/notices", new { text = "We changed it.", material = true })).StatusCode);

        ConsentState StateOf(List<Consent> consents) => consents.Single(c => c.Purpose == ConsentPurpose.Program).State;
        Assert.Equal(ConsentState.RenewalNeeded, StateOf(await ConsentsOfAsync(adult.Id)));
        Assert.Equal(ConsentState.RenewalNeeded, StateOf(await ConsentsOfAsync(young.Id)));
        Assert.Equal(ConsentState.Given, StateOf(await ConsentsOfAsync(declined.Id)));
        Assert.Equal(ConsentState.Given, StateOf(await ConsentsOfAsync(disabled.Id)));
        // Told: the adult only. The child cannot answer (their guardian or the school must), the others are not the program's to contact.
        var told = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
            .Where(n => n.Title.Contains(NoticeChanged) && (n.UserId == adult.Id || n.UserId == young.Id || n.UserId == declined.Id || n.UserId == disabled.Id))
            .Select(n => new { n.UserId, n.ProgramId }).ToListAsync());
        Assert.Equal([(adult.Id, (Guid?)programId)], told.Select(n => (n.UserId, n.ProgramId)));
        // Each change is in the consent's history.
        Assert.Equal(1, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ConsentEvent>()
            .CountAsync(e => e.UserId == adult.Id && e.State == ConsentState.RenewalNeeded)));
    }

    [Fact]
    public async Task ANoticeWhoseRenewalFailsIsNotPublishedAndNobodyIsAskedAgain()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (adult, _, _) = await school.ApplyAsync("Ada Atomic", "ATOM-1", 30, null);
        var coordinatorId = school.Recruiting.School.Coordinator.Id;
        var before = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notice>().CountAsync(n => n.ScopeId == programId));

        // The save of the consents' history fails, as a full disk would make it.
        await Assert.ThrowsAnyAsync<Exception>(() => UseCaseOver.RunAsync<PublishNotice, Tandem.Infrastructure.Problems.Outcome<NoticeView>>(fixture.App.Services,
            new ConsentEventsFailToSave(), publish => publish.RunAsync(new Tandem.Infrastructure.Auth.Actor(coordinatorId, false), Guid.Empty, programId,
                new PublishNoticeRequest { Text = "We changed it again.", Material = true })));

        Assert.Equal(before, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notice>().CountAsync(n => n.ScopeId == programId)));
        Assert.Equal(ConsentState.Given, (await ConsentsOfAsync(adult.Id)).Single(c => c.Purpose == ConsentPurpose.Program).State);
    }

    [Fact]
    public async Task AConsentChangedWhileANoticeIsPublishedIsAConflictAndNothingIsPublished()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (adult, _, _) = await school.ApplyAsync("Ada Racing", "RACE-1", 30, null);
        var (other, _, _) = await school.ApplyAsync("Oli Racing", "RACE-2", 30, null);
        var coordinatorId = school.Recruiting.School.Coordinator.Id;
        var before = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notice>().CountAsync(n => n.ScopeId == programId));

        // The adult withdraws just before the renewal's first UPDATE. On SQLite the publication's transaction holds the only
        // writer's place from its first statement, so the withdrawal cannot come in between: it is tried after the publication.
        var withdraw = () => fixture.WithScopeAsync(s => s.GetRequiredService<MyConsents>().AnswerAsync(new Tandem.Infrastructure.Auth.Actor(adult.Id, false),
            new MyConsentRequest { ProgramId = programId, Purpose = ConsentPurpose.Program, Give = false }));
        var postgres = TestDatabase.Provider == Tandem.Data.DatabaseProvider.Postgres;
        var published = await UseCaseOver.RunAsync<PublishNotice, Tandem.Infrastructure.Problems.Outcome<NoticeView>>(fixture.App.Services,
            new BeforeFirstUpdate(async () =>
            {
                if (postgres)
                {
                    Assert.Null((await withdraw()).Failure);
                }
            }),
            publish => publish.RunAsync(new Tandem.Infrastructure.Auth.Actor(coordinatorId, false), Guid.Empty, programId,
                new PublishNoticeRequest { Text = "We changed it again.", Material = true }));

        if (!postgres)
        {
            Assert.Null(published.Failure);
            return;
        }
        Assert.Contains("publish again", Assert.IsType<Tandem.Infrastructure.Problems.Conflict>(published.Failure).Detail);
        Assert.Equal(before, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notice>().CountAsync(n => n.ScopeId == programId)));
        Assert.Equal(ConsentState.Withdrawn, (await ConsentsOfAsync(adult.Id)).Single(c => c.Purpose == ConsentPurpose.Program).State);
        Assert.Equal(ConsentState.Given, (await ConsentsOfAsync(other.Id)).Single(c => c.Purpose == ConsentPurpose.Program).State);
    }

    [Fact]
    public async Task ARefusedCorrectedGuardianAddressIsShownBackOnThePage()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (child, _, _) = await school.ApplyAsync("Rue Typo", "LINK-3", 14, Address());
        var consentId = Assert.Single(await ConsentsOfAsync(child.Id)).Id;

        // The child's own address is refused; the coordinator sees what they typed, in the row's box, to correct it.
        var refused = await new PageClient(school.Recruiting.Coordinator).SubmitAsync($"/programs/{programId}/consents", $"guardian-link-{consentId}",
            [new("ConsentId", consentId.ToString()), new("GuardianEmail", child.Email)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("must not be the participant's own", html);
        Assert.Matches($"id=\"guardian-{consentId}\" name=\"GuardianEmail\"[^>]*value=\"{System.Text.RegularExpressions.Regex.Escape(child.Email)}\"", html);
    }

    [Fact]
    public async Task ConsentGivenAgainTellsTheCoordinatorsWhichPausedRelationshipsCanBeResumedAndResumesNone()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = true })).StatusCode);

        var told = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
            .Where(n => n.UserId == pair.School.Coordinator.Id && n.Title.StartsWith("Consent given again")).Select(n => new { n.Body, n.Link }).ToListAsync());
        var notice = Assert.Single(told);
        Assert.Contains("Menna Tee's consent to Reading Buddies is given again; 1 relationship paused for consent can be resumed", notice.Body);
        Assert.Equal($"/programs/{pair.ProgramId}/relationships", notice.Link);
        var relationship = await pair.Coordinator.GetFromJsonAsync<Tandem.Features.Relationships.RelationshipView>($"/api/v1/relationships/{pair.RelationshipId}", Json.Options);
        Assert.Equal(Tandem.Features.Relationships.RelationshipStatus.Paused, relationship!.Status);
    }

    [Fact]
    public async Task TheSchoolConsentBoxesStayTickedWhenTheFormIsRefused()
    {
        var school = await GuardedSchool.CreateAsync(Factory);
        var programId = school.Recruiting.Program.Id;
        var (waiting, _, _) = await school.ApplyAsync("Tic Young", "TICK-1", 14, Address());
        var (other, _, _) = await school.ApplyAsync("Tac Young", "TICK-2", 14, Address());

        // Posted without the confirmation: refused, and the box ticked stays ticked (the other does not).
        var refused = await new PageClient(school.Recruiting.Coordinator).SubmitAsync($"/programs/{programId}/consents", "school-consent", [new("userIds", waiting.Id.ToString())]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Matches($"value=\"{waiting.Id}\"[^>]*checked", html);
        Assert.DoesNotMatch($"value=\"{other.Id}\"[^>]*checked", html);
    }
}

/// <summary>A save that adds consent history rows fails, as a full disk or a lost connection would make it.</summary>
public sealed class ConsentEventsFailToSave : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        eventData.Context!.ChangeTracker.Entries<ConsentEvent>().Any(e => e.State == EntityState.Added)
            ? throw new InvalidOperationException("The disk is full.")
            : ValueTask.FromResult(result);
}
