using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Exports;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Applications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>A school under the GDPR's consent age (16) with a recruiting program, and a way to apply as a 14-year-old naming a guardian.</summary>
public sealed record GuardedSchool(TandemFactory Factory, RecruitingProgram Recruiting, Guid OrganisationId)
{
    public static async Task<GuardedSchool> CreateAsync(TandemFactory factory)
    {
        var school = await MinorsSchool.SchoolAsync(factory);
        var recruiting = await RecruitingProgram.CreateAsync(factory, school);
        (await recruiting.Coordinator.PutAsJsonAsync($"/api/v1/organisations/{school.Organisation.Id}/consent-age", new { consentAge = 16 })).EnsureSuccessStatusCode();
        return new GuardedSchool(factory, recruiting, school.Organisation.Id);
    }

    /// <summary>A new account that applies as a mentor, with the marker in its answer to "why", at the age given, naming the guardian (if any).</summary>
    public async Task<(UserSummary User, HttpClient Client, Guid Application)> ApplyAsync(string name, string marker, int age, string? guardian)
    {
        var user = await Factory.CreateUserAsync(name);
        var client = await Factory.SignedInClientAsync(user);
        var answers = RecruitingProgram.CompleteAnswers();
        answers["why"] = $"why {marker}";
        var response = await client.PostAsJsonAsync(Recruiting.Applications, new
        {
            role = "mentor", answers, acceptsCodeOfConduct = true, mentorCapacity = 1, age,
            guardianName = guardian is null ? null : "Pat Parent", guardianEmail = guardian, submit = true,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (user, client, (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id);
    }
}

/// <summary>
/// Issue 16 items 3 and 4 for guardians and erasure requests (ADR 52): a guardian without an account gets a single-use
/// link, sees who opened their child's record, downloads the child's data and asks for erasure; every such read is audited;
/// the organisation carries a request out or declines it with a reason, and whoever asked is told.
/// </summary>
public sealed partial class GuardianAccessTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [GeneratedRegex(@"/guardian/open\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex GuardianLink();

    private static string Address() => $"guardian.{Guid.NewGuid():N}@families.example";

    private static Task<HttpResponseMessage> AskForLinkAsync(HttpClient client, string email) =>
        client.PostAsJsonAsync("/api/v1/guardian/access-links", new { email });

    /// <summary>The links to the guardian's view e-mailed to the address (not the consent e-mails), oldest first.</summary>
    private static async Task<List<string>> LinksToAsync(TandemFactory factory, string email) =>
        (await factory.OutboxForAsync(email)).Select(m => GuardianLink().Match(MimeMessage.Load(new MemoryStream(m.Mime)).TextBody ?? ""))
            .Where(m => m.Success).Select(m => m.Value).ToList();

    /// <summary>The newest link to the guardian's view e-mailed to the address, and how many the address got.</summary>
    private static async Task<(string Link, int Count)> LinkAsync(TandemFactory factory, string email)
    {
        var links = await LinksToAsync(factory, email);
        Assert.NotEmpty(links);
        return (links[^1], links.Count);
    }

    /// <summary>Opens the link as a browser does (the page, then its button); the client then holds the guardian's session.</summary>
    private static async Task<PageClient> OpenAsync(HttpClient client, string link)
    {
        var page = new PageClient(client);
        var opened = await page.SubmitAsync(link, "guardian-open", []);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.EndsWith("/guardian/children", opened.Headers.Location!.OriginalString);
        return page;
    }

    [Fact]
    public async Task AGuardianSeesWhoOpenedTheirChildsRecordAndDownloadsOnlyTheirChildsDataThroughASingleUseLink()
    {
        var school = await GuardedSchool.CreateAsync(factory);
        var guardianA = Address();
        var guardianB = Address();
        var (childA, childAClient, applicationA) = await school.ApplyAsync("Ada Young", "CHILD-A-4f1e", 14, guardianA);
        var (childB, _, _) = await school.ApplyAsync("Ben Young", "CHILD-B-9c2d", 14, guardianB);
        // The coordinator reviews child A's application (one audit entry).
        Assert.Equal(HttpStatusCode.OK, (await school.Recruiting.Coordinator.GetAsync($"{school.Recruiting.Applications}/{applicationA}")).StatusCode);

        // The same answer for an address no consent names and for guardian A's; only guardian A gets an e-mail.
        var anonymous = factory.AnonymousClient();
        var unknown = Address();
        var forUnknown = await AskForLinkAsync(anonymous, unknown);
        var forKnown = await AskForLinkAsync(anonymous, guardianA.ToUpperInvariant());
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (forUnknown.StatusCode, forKnown.StatusCode));
        Assert.Equal(await forUnknown.Content.ReadAsStringAsync(), await forKnown.Content.ReadAsStringAsync());
        Assert.Empty(await factory.OutboxForAsync(unknown));
        var (link, count) = await LinkAsync(factory, guardianA);
        Assert.Equal(1, count);
        var bad = await AskForLinkAsync(anonymous, "not an address");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        // The link opens the guardian's view: child A, their program and consent, and the coordinator's read; not child B.
        var guardian = await OpenAsync(factory.AnonymousClient(), link);
        var view = WebUtility.HtmlDecode(await guardian.Http.GetStringAsync("/guardian/children"));
        Assert.Contains("Ada Young", view);
        Assert.Contains(school.Recruiting.Program.Name, view);
        Assert.Contains("Waiting for a parent or guardian", view);
        Assert.Contains("Cody Ordinator", view);
        Assert.Contains("Reviewing an application", view);
        Assert.DoesNotContain("Ben Young", view);
        // Used once: the link no longer works, shown or submitted.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.AnonymousClient().GetAsync(link)).StatusCode);

        // The download is child A's export: their answer, not child B's; child B's is refused.
        var download = await guardian.Http.GetAsync($"/guardian/children/{childA.Id}/data-export");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var export = await download.Content.ReadAsStringAsync();
        Assert.Contains("why CHILD-A-4f1e", export);
        Assert.DoesNotContain("CHILD-B-9c2d", export);
        Assert.Equal(HttpStatusCode.NotFound, (await guardian.Http.GetAsync($"/guardian/children/{childB.Id}/data-export")).StatusCode);
        // Without the session there is nothing to download.
        Assert.Equal(HttpStatusCode.Redirect, (await factory.AnonymousClient().GetAsync($"/guardian/children/{childA.Id}/data-export")).StatusCode);

        // The guardian's reads are audited, with the guardian's pseudonym as reader, and child A sees them in their own log.
        var entries = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.SubjectUserId == childA.Id).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal([AuditRecord.Application, AuditRecord.Overview, AuditRecord.DataExport], entries.Select(e => e.Record));
        Assert.All(entries.Skip(1), e => Assert.Equal((Guardians.Pseudonym(guardianA), school.OrganisationId), (e.ActorUserId, e.OrganisationId!.Value)));
        Assert.Empty(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().Where(e => e.SubjectUserId == childB.Id).ToListAsync()));
        var own = await childAClient.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options);
        Assert.Equal(Guardians.ReaderName, own!.Items[0].ReadBy);
        Assert.Equal(Guardians.DownloadingPurpose, own.Items[0].Purpose);

        // On a clock of its own: a link not used within the hour is refused, and the session ends after an hour.
        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        await using var node = factory.WithClock(clock);
        var later = await OpenAsync(node.AnonymousClient(), (await AskAndReadAsync(node, guardianA)).Link);
        var (unused, sent) = await AskAndReadAsync(node, guardianA);
        Assert.Equal(3, sent);
        // At most three links an hour to one address: a fourth ask is answered the same and sends nothing.
        Assert.Equal(HttpStatusCode.Accepted, (await AskForLinkAsync(node.AnonymousClient(), guardianA)).StatusCode);
        Assert.Equal(3, (await LinksToAsync(factory, guardianA)).Count);
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.NotFound, (await node.AnonymousClient().GetAsync(unused)).StatusCode);
        var ended = await later.Http.GetAsync("/guardian/children");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Contains("Your session has ended", await ended.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AGuardianOfTwoChildrenSeesEachWithTheirOwnConsentsAndReadsAndBothViewsAreRecorded()
    {
        var school = await GuardedSchool.CreateAsync(factory);
        var parent = Address();
        var (ben, _, _) = await school.ApplyAsync("Ben Sibling", "SIB-B-11aa", 13, parent);
        var (ada, _, applicationA) = await school.ApplyAsync("Ada Sibling", "SIB-A-22bb", 15, parent);
        var (cal, _, _) = await school.ApplyAsync("Cal Other", "OTHER-C-33cc", 14, Address());
        // The coordinator reviews Ada's application only.
        Assert.Equal(HttpStatusCode.OK, (await school.Recruiting.Coordinator.GetAsync($"{school.Recruiting.Applications}/{applicationA}")).StatusCode);

        var children = await factory.WithScopeAsync(s => s.GetRequiredService<GuardianChildren>().ListAsync(parent.ToUpperInvariant()));

        // Both siblings, by name; not the child another guardian is named for.
        Assert.Equal([("Ada Sibling", ada.Id), ("Ben Sibling", ben.Id)], children.Select(c => (c.Name, c.ChildId)));
        Assert.All(children, c =>
        {
            var consent = Assert.Single(c.Consents);
            Assert.Equal((school.Recruiting.Program.Id, school.Recruiting.Program.Name, ConsentState.AwaitingGuardian), (consent.ProgramId, consent.ProgramName, consent.State));
            Assert.Equal(school.OrganisationId, c.OrganisationId);
        });
        // Each child's own access log: the coordinator's read is Ada's, not Ben's.
        Assert.Contains(children[0].AccessLog.Items, e => e.ReadBy == "Cody Ordinator");
        Assert.DoesNotContain(children[1].AccessLog.Items, e => e.ReadBy == "Cody Ordinator");

        // The view was recorded once for each sibling, with the guardian's pseudonym as reader; nothing for Cal.
        var overviews = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Record == AuditRecord.Overview && (e.SubjectUserId == ada.Id || e.SubjectUserId == ben.Id || e.SubjectUserId == cal.Id))
            .Select(e => new { e.SubjectUserId, e.ActorUserId, e.ProgramId }).ToListAsync());
        Assert.Equal(2, overviews.Count);
        Assert.Equal(new HashSet<Guid> { ada.Id, ben.Id }, overviews.Select(o => o.SubjectUserId).ToHashSet());
        Assert.All(overviews, o => Assert.Equal((Guardians.Pseudonym(parent), (Guid?)school.Recruiting.Program.Id), (o.ActorUserId, o.ProgramId)));
    }

    private async Task<(string Link, int Count)> AskAndReadAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> node, string email)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await AskForLinkAsync(node.AnonymousClient(), email)).StatusCode);
        return await LinkAsync(factory, email);
    }

    [Fact]
    public async Task AGuardianSeesOnlyTheChildsErasureRequestsToTheOrganisationsOfTheirPrograms()
    {
        var school = await GuardedSchool.CreateAsync(factory);
        var guardian = Address();
        var (child, _, _) = await school.ApplyAsync("Eli Elsewhere", "CHILD-E-0a1b", 14, guardian);
        // The child also asked another organisation, one whose program does not name this guardian, to erase them.
        var other = await School.CreateAsync(factory);
        var otherName = $"Other School {Guid.NewGuid():N}"[..24];
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Organisations.Where(o => o.Id == other.Organisation.Id).ExecuteUpdateAsync(o => o.SetProperty(x => x.Name, otherName));
            db.Add(new ErasureRequest(other.Organisation.Id, child.Id, ErasureRequester.Person, child.Id, null, DateTime.UtcNow));
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Accepted, (await AskForLinkAsync(factory.AnonymousClient(), guardian)).StatusCode);
        var view = await OpenAsync(factory.AnonymousClient(), (await LinkAsync(factory, guardian)).Link);

        var page = WebUtility.HtmlDecode(await view.Http.GetStringAsync("/guardian/children"));

        Assert.Contains("Eli Elsewhere", page);
        Assert.DoesNotContain(otherName, page);
    }

    [Fact]
    public async Task TheOrganisationCarriesOutAParticipantsErasureRequestAndDeclinesAGuardiansWithAReason()
    {
        var school = await GuardedSchool.CreateAsync(factory);
        var guardian = Address();
        var marker = $"ERASE{Guid.NewGuid():N}"[..14];
        var (adult, adultClient, _) = await school.ApplyAsync("Ava Adult", marker, 30, null);
        var (child, _, _) = await school.ApplyAsync("Cal Child", "CHILD-C-0a1b", 14, guardian);
        var requests = $"/api/v1/organisations/{school.OrganisationId}/erasure-requests";

        // The adult asks on their privacy page; a second ask while it is open is 409; an organisation they are not in, 404.
        var pages = await PageClient.SignInAsync(factory, adult.Email);
        var asked = await pages.SubmitAsync("/my/erasure", "my-erasure", []);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("Your request is sent", await asked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await adultClient.PostAsJsonAsync("/api/v1/me/erasure-requests", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adultClient.PostAsJsonAsync("/api/v1/me/erasure-requests", new { organisationId = Guid.NewGuid() })).StatusCode);
        var mine = await adultClient.GetFromJsonAsync<List<MyErasureRequestView>>("/api/v1/me/erasure-requests", Json.Options);
        Assert.Equal((ErasureRequestState.Open, ErasureRequester.Person), (Assert.Single(mine!).State, mine![0].RequestedBy));

        // The guardian asks from their view.
        Assert.Equal(HttpStatusCode.Accepted, (await AskForLinkAsync(factory.AnonymousClient(), guardian)).StatusCode);
        var view = await OpenAsync(factory.AnonymousClient(), (await LinkAsync(factory, guardian)).Link);
        var fromGuardian = await view.SubmitAsync("/guardian/children", "guardian-erasure", [new("ChildId", child.Id.ToString())]);
        Assert.Equal(HttpStatusCode.OK, fromGuardian.StatusCode);
        Assert.Contains("Your request is sent", await fromGuardian.Content.ReadAsStringAsync());

        // Nobody outside the organisation's coordinators sees or decides them: another school's coordinator gets 404.
        var other = await School.CreateAsync(factory);
        var outsider = await factory.SignedInClientAsync(other.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(requests)).StatusCode);
        var open = await school.Recruiting.Coordinator.GetFromJsonAsync<Paged<ErasureRequestView>>($"{requests}?state=Open", Json.Options);
        Assert.Equal(2, open!.TotalCount);
        var adultRequest = open.Items.Single(r => r.SubjectUserId == adult.Id);
        var childRequest = open.Items.Single(r => r.SubjectUserId == child.Id);
        Assert.Equal((ErasureRequester.Guardian, guardian), (childRequest.RequestedBy, childRequest.RequesterEmail!));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"{requests}/{adultRequest.Id}/carry-out", Json.Empty())).StatusCode);
        Assert.Contains((await adultClient.GetAsync(requests)).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });

        // Declining needs a reason (400); the coordinator declines the guardian's on the page, and the guardian is sent the reason.
        var noReason = await school.Recruiting.Coordinator.PostAsJsonAsync($"{requests}/{childRequest.Id}/decline", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("application/problem+json", noReason.Content.Headers.ContentType?.MediaType);
        var coordinatorPages = await PageClient.SignInAsync(factory, school.Recruiting.School.Coordinator.Email);
        var declined = await coordinatorPages.SubmitAsync($"/organisations/{school.OrganisationId}/erasure-requests?decide={childRequest.Id}", "erasure-decline",
            [new("Decline.RequestId", childRequest.Id.ToString()), new("Decline.Reason", "The school must keep pupil records for three years (rule R-77).")]);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Contains("declined", await declined.Content.ReadAsStringAsync());
        var told = MimeMessage.Load(new MemoryStream((await factory.OutboxForAsync(guardian))[^1].Mime));
        Assert.Equal("Your erasure request was declined", told.Subject);
        Assert.Contains("rule R-77", told.TextBody);
        Assert.Contains("Cal Child", told.TextBody);

        // Carried out: the adult's answers are in no table any more; the request is recorded, and a second decision is 409.
        Assert.NotEmpty(await MarkerScan.WhereIsAsync(factory, marker));
        var carried = await school.Recruiting.Coordinator.PostAsync($"{requests}/{adultRequest.Id}/carry-out", Json.Empty());
        Assert.Equal(HttpStatusCode.OK, carried.StatusCode);
        Assert.Equal(ErasureRequestState.CarriedOut, (await carried.Content.ReadFromJsonAsync<ErasureRequestView>(Json.Options))!.State);
        Assert.Empty(await MarkerScan.WhereIsAsync(factory, marker));
        // The confirmation went out and no copy with their address stayed in the outbox.
        Assert.Empty(await factory.OutboxForAsync(adult.Email));
        Assert.Equal(HttpStatusCode.Conflict, (await school.Recruiting.Coordinator.PostAsync($"{requests}/{adultRequest.Id}/carry-out", Json.Empty())).StatusCode);
        var decided = await school.Recruiting.Coordinator.GetFromJsonAsync<Paged<ErasureRequestView>>(requests, Json.Options);
        Assert.All(decided!.Items, r => Assert.Equal(("Cody Ordinator", (string?)null), (r.DecidedBy!, r.RequesterEmail)));
        Assert.Contains(decided.Items, r => r.SubjectUserId == adult.Id && r.SubjectName == ErasePerson.ErasedName);
        // The guardian's view shows the decision.
        Assert.Contains("rule R-77", WebUtility.HtmlDecode(await view.Http.GetStringAsync("/guardian/children")));
    }
    [Fact]
    public async Task AGuardiansDownloadHoldsOnlyTheProgramsTheirConsentNamesAndNothingOnlyTheChildMayRead()
    {
        var school = await GuardedSchool.CreateAsync(factory);
        var other = await GuardedSchool.CreateAsync(factory);
        var guardianA = Address();
        var guardianB = Address();
        var (child, childClient, application) = await school.ApplyAsync("Cara Young", "CHILD-C-71aa", 14, guardianA);
        // The same child applies to another school's program, naming another parent.
        var answers = RecruitingProgram.CompleteAnswers();
        answers["why"] = "why OTHER-SCHOOL-5d2e";
        var second = await childClient.PostAsJsonAsync(other.Recruiting.Applications, new
        {
            role = "mentor", answers, acceptsCodeOfConduct = true, mentorCapacity = 1, age = 14,
            guardianName = "Sam Otherparent", guardianEmail = guardianB, submit = true,
        });
        Assert.True(second.IsSuccessStatusCode, await second.Content.ReadAsStringAsync());
        // An answer the child withheld from staff, and a notice to the child: theirs alone.
        await factory.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<TandemDb>().Set<Application>().Where(a => a.Id == application)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.WithheldAnswersJson, "{\"gender\":\"WITHHELD-7c1b\"}"));
            await s.GetRequiredService<Tandem.Features.Notifications.Notify>().RunAsync(child.Id, Tandem.Features.Notifications.NotificationKind.Matches,
                "NOTICE-3e9f", "A notice only the child reads.", "/my/applications");
            return true;
        });

        Assert.Equal(HttpStatusCode.Accepted, (await AskForLinkAsync(factory.AnonymousClient(), guardianA)).StatusCode);
        var (link, _) = await LinkAsync(factory, guardianA);
        var guardian = await OpenAsync(factory.AnonymousClient(), link);
        var download = await guardian.Http.GetAsync($"/guardian/children/{child.Id}/data-export");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var export = await download.Content.ReadAsStringAsync();

        Assert.Contains("why CHILD-C-71aa", export);
        Assert.Contains(guardianA, export);
        Assert.DoesNotContain("OTHER-SCHOOL-5d2e", export);
        Assert.DoesNotContain(guardianB, export);
        Assert.DoesNotContain("Sam Otherparent", export);
        Assert.DoesNotContain("WITHHELD-7c1b", export);
        Assert.DoesNotContain("NOTICE-3e9f", export);
        Assert.Contains("programs whose consent names you", export);

        // The child's own download has all of it.
        var own = await (await childClient.GetAsync("/api/v1/me/data-export")).Content.ReadAsStringAsync();
        Assert.Contains("OTHER-SCHOOL-5d2e", own);
        Assert.Contains("WITHHELD-7c1b", own);
        Assert.Contains("NOTICE-3e9f", own);
        Assert.Contains("Sam Otherparent", own);
    }
}
