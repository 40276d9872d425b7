using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Journal;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Features.Recognition;
using Tandem.Features.Repeats;
using Tandem.Features.Resources;
using Tandem.Features.Surveys;
using Tandem.Features.Training;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Repeats;

/// <summary>
/// Issue 13 item 6 (ADR 65): programs that repeat. A draft from each shipped template; a copy of last year's program with its
/// design and none of its people; its mentors invited back by e-mail over SMTP, once.
/// </summary>
public sealed class ProgramRepeatTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private const string Marker = "PERSONAL-MARKER-7c1e";

    private Task<T> InDatabaseAsync<T>(Func<TandemDb, Task<T>> read) =>
        fixture.Tandem.WithScopeAsync(s => read(s.GetRequiredService<TandemDb>()));

    private static async Task<ProgramDetails> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
    }

    private sealed record Design(int Forms, int Questions, int Modules, int Surveys, int Prompts, int BadgeRules, int Criteria);

    private Task<Design> DesignOfAsync(Guid programId) => InDatabaseAsync(async db =>
    {
        var forms = await db.Set<Questionnaire>().Where(q => q.ProgramId == programId).ToListAsync();
        var setup = await db.Set<MatchSetup>().SingleOrDefaultAsync(s => s.ProgramId == programId);
        return new Design(forms.Count, forms.Sum(f => f.Questions().Count),
            await db.Set<TrainingModule>().CountAsync(m => m.ProgramId == programId),
            await db.Set<Survey>().CountAsync(s => s.ProgramId == programId),
            await db.Set<JournalPrompt>().CountAsync(p => p.ProgramId == programId),
            await db.Set<ProgramBadgeRule>().CountAsync(r => r.ProgramId == programId),
            setup?.Criteria().Count ?? 0);
    });

    [Fact]
    public async Task EachTemplateMakesADraftWithItsFormsObjectivesMatchingTrainingAndSurveysThatCanOpenRecruitment()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var listed = (await coordinator.GetFromJsonAsync<List<ProgramTemplateView>>("/api/v1/program-templates", Json.Options))!;
        Assert.Equal(["first-year-transition", "reading-buddies", "new-employee-onboarding", "women-in-stem-circles"], listed.Select(t => t.Id));
        Assert.True(listed.Single(t => t.Id == "women-in-stem-circles").MentorsLeadGroups);

        foreach (var template in ProgramTemplates.All)
        {
            var program = await CreatedAsync(await coordinator.PostAsJsonAsync("/api/v1/programs/from-template", new
            {
                organisationId = school.Organisation.Id, templateId = template.Key, name = $"{template.Title} 2027", startsOn = "2027-09-01", endsOn = "2028-06-30",
            }));
            Assert.Equal(ProgramStatus.Draft, program.Status);
            Assert.Equal($"{template.Title} 2027", program.Name);
            Assert.Equal(template.Objectives.Select(o => (o.Description, o.Measure)), program.Objectives.Select(o => (o.Description, o.Measure)));
            Assert.Equal(template.MeetingFormats.Order(), program.MeetingFormats.Order());
            Assert.Equal(template.Cadence, program.Cadence);
            Assert.Contains(ProgramRole.Coordinator, program.MyRoles);

            var design = await DesignOfAsync(program.Id);
            Assert.Equal(template.Forms.Count, design.Forms);
            Assert.Equal(template.Forms.Sum(f => f.Value.Count), design.Questions);
            Assert.Equal(template.Matching.Count, design.Criteria);
            Assert.Equal(template.TrainingModules.Count, design.Modules);
            // A pre survey brings its post survey with the same questions.
            Assert.Equal(template.Surveys.Count + template.Surveys.Count(k => k == SurveyKind.Pre), design.Surveys);
            Assert.Equal(template.JournalPrompts.Count, design.Prompts);
            Assert.Equal(template.BadgeRules.Count, design.BadgeRules);
            var modules = await InDatabaseAsync(db => db.Set<TrainingModule>().Where(m => m.ProgramId == program.Id).Select(m => m.TemplateKey).ToListAsync());
            Assert.Equal(template.TrainingModules.Order(), modules.Select(k => k!).Order());

            var origin = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{program.Id}/origin", Json.Options))!;
            Assert.Equal(template.Key, origin.TemplateId);
            Assert.Null(origin.SourceProgramId);

            // A usable design: every recruited role has its form, so recruitment opens as it is.
            var opened = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Recruiting" });
            Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task BadInputIsAProblemNeverA500AndNothingIsWritten()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var before = await InDatabaseAsync(db => db.Programs.CountAsync(p => p.OrganisationId == school.Organisation.Id));

        var unknown = await coordinator.PostAsJsonAsync("/api/v1/programs/from-template", new { organisationId = school.Organisation.Id, templateId = "chess-club", name = "Chess" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Contains("reading-buddies", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync("/api/v1/program-templates/chess-club")).StatusCode);

        var empty = await coordinator.PostAsJsonAsync("/api/v1/programs/from-template", new { organisationId = school.Organisation.Id, templateId = "reading-buddies", name = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType!.MediaType);
        var backwards = await coordinator.PostAsJsonAsync("/api/v1/programs/from-template", new
        {
            organisationId = school.Organisation.Id, templateId = "reading-buddies", name = "Reading buddies", startsOn = "2027-09-01", endsOn = "2027-08-01",
        });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("end date", await backwards.Content.ReadAsStringAsync());

        var source = await school.CreateProgramAsync(coordinator);
        before++;
        var copyEmpty = await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = " " });
        Assert.Equal(HttpStatusCode.BadRequest, copyEmpty.StatusCode);
        var copyBackwards = await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Next year", startsOn = "2028-01-10", endsOn = "2027-06-30" });
        Assert.Equal(HttpStatusCode.BadRequest, copyBackwards.StatusCode);
        Assert.Equal("application/problem+json", copyBackwards.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{Guid.NewGuid()}/copy", new { name = "Next year" })).StatusCode);
        // A program made from scratch has no origin; and it has no mentors to invite back.
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/api/v1/programs/{source.Id}/origin")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsync($"/api/v1/programs/{source.Id}/returning-mentors", Json.Empty())).StatusCode);

        Assert.Equal(before, await InDatabaseAsync(db => db.Programs.CountAsync(p => p.OrganisationId == school.Organisation.Id)));
    }

    [Fact]
    public async Task ACoordinatorOfAnotherOrganisationCannotCopyAProgramOrSeeWhereItCameFrom()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var source = await school.CreateProgramAsync(coordinator);
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading Buddies 2028" }));
        var other = await School.CreateAsync(fixture.Tandem);
        var stranger = await fixture.SignInAsync(other.Coordinator);

        var refused = await stranger.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Stolen design" });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/programs/{copy.Id}/origin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/programs/{source.Id}/copy")).StatusCode);
        // Nor can a member who is not a coordinator create in the organisation from a template.
        var member = await fixture.SignInAsync(school.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/v1/programs/from-template",
            new { organisationId = school.Organisation.Id, templateId = "reading-buddies", name = "Mine" })).StatusCode);
        Assert.Equal(1, await InDatabaseAsync(db => db.Programs.CountAsync(p => p.Name == "Stolen design" || p.Id == copy.Id)));
    }

    /// <summary>A program with people in it: two mentors and a mentee approved with answers, a module with a file, a survey, a prompt.</summary>
    private async Task<(School School, HttpClient Coordinator, ProgramDetails Program, List<(Tandem.Features.Accounts.UserSummary User, HttpClient Client)> Mentors)> LastYearAsync()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var program = await CreatedAsync(await coordinator.PostAsJsonAsync("/api/v1/programs/from-template", new
        {
            organisationId = school.Organisation.Id, templateId = "reading-buddies", name = "Reading buddies 2026", startsOn = "2026-01-10", endsOn = "2026-06-30",
        }));
        foreach (var role in new[] { "mentor", "mentee" })
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/{role}",
                new { questions = new object[] { new { id = "note", type = "LongText", prompt = "Anything the coordinators should know?", required = false } } })).EnsureSuccessStatusCode();
        }
        await coordinator.OpenRecruitmentAsync(program.Id);
        var mentors = new List<(Tandem.Features.Accounts.UserSummary, HttpClient)>();
        foreach (var (name, role) in new[] { ("Mona Mentor", "mentor"), ("Max Mentor", "mentor"), ("Minnie Mentee", "mentee") })
        {
            var user = await fixture.Tandem.CreateUserAsync(name);
            var client = await fixture.SignInAsync(user);
            await Approvals.ApplyAndApproveAsync(client, coordinator, program.Id, role, new Dictionary<string, object> { ["note"] = $"{Marker} {name}" });
            if (role == "mentor")
            {
                mentors.Add((user, client));
            }
        }
        // A file on the first module, and a journal entry by the mentee.
        var module = await InDatabaseAsync(db => db.Set<TrainingModule>().Where(m => m.ProgramId == program.Id).OrderBy(m => m.CreatedAt).Select(m => m.Id).FirstAsync());
        var token = await PageClient.AntiforgeryTokenAsync(coordinator, "/account/password");
        var content = new ByteArrayContent("%PDF-1.4\n% reading guide\n"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programs/{program.Id}/training/modules/{module}/file")
        {
            Content = new MultipartFormDataContent { { content, "file", "guide.pdf" } },
        };
        upload.Headers.Add("RequestVerificationToken", token);
        var uploaded = await coordinator.SendAsync(upload);
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        return (school, coordinator, program, mentors);
    }

    [Fact]
    public async Task ACopyCarriesFormsTrainingWithItsFileSurveysAndSettingsAndNoPersonalData()
    {
        var (_, coordinator, source, _) = await LastYearAsync();
        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{source.Id}/training/settings", new { requiredBeforeMatching = true, requiredBeforeStart = false })).EnsureSuccessStatusCode();

        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027", startsOn = "2027-01-10", endsOn = "2027-06-30" }));
        Assert.Equal(ProgramStatus.Draft, copy.Status);
        Assert.Equal(new DateOnly(2027, 1, 10), copy.StartsOn);
        Assert.Equal(source.Objectives, copy.Objectives);
        Assert.Equal(source.Guidelines, copy.Guidelines);
        Assert.Equal(source.MeetingFormats, copy.MeetingFormats);

        var before = await DesignOfAsync(source.Id);
        var after = await DesignOfAsync(copy.Id);
        // The latest version of each form (the edited one), not every version.
        Assert.Equal(before with { Forms = 2 }, after);
        Assert.Equal(2, before.Forms);
        await InDatabaseAsync(async db =>
        {
            var forms = await db.Set<Questionnaire>().Where(q => q.ProgramId == copy.Id).ToListAsync();
            Assert.All(forms, f => Assert.Equal(1, f.Version));
            Assert.All(forms, f => Assert.Equal("note", Assert.Single(f.Questions()).Id));
            var file = await db.Set<TrainingModule>().Where(m => m.ProgramId == source.Id && m.FileKey != null).SingleAsync();
            var copied = await db.Set<TrainingModule>().Where(m => m.ProgramId == copy.Id && m.FileKey != null).SingleAsync();
            Assert.Equal(file.Title, copied.Title);
            Assert.Equal(file.QuestionsJson, copied.QuestionsJson);
            Assert.Equal((file.FileName, file.FileContentType, file.FileSize), (copied.FileName, copied.FileContentType, copied.FileSize));
            Assert.NotEqual(file.FileKey, copied.FileKey);
            var bytes = await db.Set<StoredFile>().Where(f => f.Key == file.FileKey || f.Key == copied.FileKey).Select(f => f.Content).ToListAsync();
            Assert.Equal(2, bytes.Count);
            Assert.Equal(bytes[0], bytes[1]);
            Assert.True((await db.Set<TrainingSettings>().SingleAsync(s => s.ProgramId == copy.Id)).RequiredBeforeMatching);
            Assert.All(await db.Set<Survey>().Where(s => s.ProgramId == copy.Id).ToListAsync(), s => Assert.Equal(SurveyStatus.Draft, s.Status));
            Assert.Equal(source.Id, (await db.Set<ProgramOrigin>().SingleAsync(o => o.ProgramId == copy.Id)).SourceProgramId);

            // No personal data: every table pointing at a program that is not part of its design holds nothing of the copy's,
            // but the copier's own coordinator enrolment.
            foreach (var (type, foreignKey) in ProgramTables(db.Model).Where(t => ProgramCopyScope.NotCopied.Contains(t.Type.ClrType.Name)))
            {
                var rows = await CountAsync(db, type, foreignKey, copy.Id);
                Assert.True(rows == (type.ClrType == typeof(Enrolment) ? 1 : 0), $"{type.ClrType.Name}: {rows} rows of the copy");
                Assert.True(type.ClrType != typeof(Enrolment) || await CountAsync(db, type, foreignKey, source.Id) == 4);
            }
            var enrolment = await db.Enrolments.SingleAsync(e => e.ProgramId == copy.Id);
            Assert.Equal(ProgramRole.Coordinator, enrolment.Role);
            Assert.Equal(0, copy.Participants.Where(p => Enrolment.IsParticipant(p.Key)).Sum(p => p.Value));
            return 0;
        });
        // And the marker every applicant wrote appears in no row of the copy's copied tables.
        var copiedText = await InDatabaseAsync(async db => string.Join("\n",
            (await db.Set<Questionnaire>().Where(q => q.ProgramId == copy.Id).Select(q => q.QuestionsJson).ToListAsync())
                .Concat(await db.Set<Survey>().Where(s => s.ProgramId == copy.Id).Select(s => s.QuestionsJson + s.Title).ToListAsync())
                .Concat(await db.Set<TrainingModule>().Where(m => m.ProgramId == copy.Id).Select(m => m.Content + m.QuestionsJson + m.ScenariosJson).ToListAsync())));
        Assert.DoesNotContain(Marker, copiedText);
        Assert.Contains(Marker, await InDatabaseAsync(async db => string.Join("", await db.Set<Application>().Where(a => a.ProgramId == source.Id).Select(a => a.AnswersJson).ToListAsync())));
    }

    [Fact]
    public async Task ACopyCarriesTheResourceLibraryWithItsFilesAndItsPlacesInTrainingButNotInEvents()
    {
        var (school, coordinator, source, _) = await LastYearAsync();
        // The module with the file (the template's modules share one creation time, so "the first" is not one module).
        var module = await InDatabaseAsync(db => db.Set<TrainingModule>().Where(m => m.ProgramId == source.Id && m.FileKey != null).Select(m => m.Id).SingleAsync());
        async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        }
        var link = await CreatedIdAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/resources",
            new { kind = "Link", title = "Reading list", url = "https://example.org/reading-list", tags = new[] { "books" }, audience = "Mentees" }));
        var token = await PageClient.AntiforgeryTokenAsync(coordinator, "/account/password");
        var pdf = "%PDF-1.4\n% buddy handbook\n"u8.ToArray();
        var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programs/{source.Id}/resources/files")
        {
            Content = new MultipartFormDataContent { { content, "file", "handbook.pdf" }, { new StringContent("Buddy handbook"), "title" }, { new StringContent("Everyone"), "audience" } },
        };
        upload.Headers.Add("RequestVerificationToken", token);
        var file = await CreatedIdAsync(await coordinator.SendAsync(upload));
        var schoolWide = await CreatedIdAsync(await coordinator.PostAsJsonAsync($"/api/v1/organisations/{school.Organisation.Id}/resources",
            new { kind = "Guide", title = "School code of conduct", body = "Be kind." }));
        var starts = fixture.Tandem.Clock.GetUtcNow().AddDays(3);
        var evt = await CreatedIdAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/events",
            new { title = "Book fair", startsAt = starts, endsAt = starts.AddHours(1), place = "Hall" }));
        foreach (var (resource, kind, target) in new[] { (file, "TrainingModule", module), (schoolWide, "TrainingModule", module), (link, "Event", evt) })
        {
            var attaching = await coordinator.PostAsJsonAsync($"/api/v1/resources/{resource}/attachments", new { targetKind = kind, targetId = target });
            Assert.True(attaching.StatusCode == HttpStatusCode.NoContent, $"{(int)attaching.StatusCode}: {await attaching.Content.ReadAsStringAsync()}");
        }

        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));

        // The copy's library: its own two resources (new rows, the file as new bytes), and the school's as before.
        var library = (await coordinator.GetFromJsonAsync<Paged<ResourceView>>($"/api/v1/programs/{copy.Id}/resources", Json.Options))!.Items;
        var own = library.Where(r => r.ProgramId == copy.Id).OrderBy(r => r.Title).ToList();
        Assert.Equal(["Buddy handbook", "Reading list"], own.Select(r => r.Title));
        Assert.Contains(library, r => r.Id == schoolWide);
        Assert.DoesNotContain(own, r => r.Id == link || r.Id == file);
        var (copiedFile, copiedLink) = (own[0], own[1]);
        Assert.Equal(("https://example.org/reading-list", ResourceAudience.Mentees, "books"), (copiedLink.Url, copiedLink.Audience, Assert.Single(copiedLink.Tags)));
        Assert.Equal(("handbook.pdf", "application/pdf", (long)pdf.Length), (copiedFile.File!.Name, copiedFile.File.ContentType, copiedFile.File.Size));
        using (var download = await coordinator.GetAsync(copiedFile.File.Url))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        }
        // Deleting the source's file leaves the copy's bytes.
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteAsync($"/api/v1/resources/{file}")).StatusCode);
        using (var again = await coordinator.GetAsync(copiedFile.File.Url))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(pdf, await again.Content.ReadAsByteArrayAsync());
        }

        // The copied module shows the copied file and the school's guide; the event was not copied, nor its attachment.
        var copiedModule = await InDatabaseAsync(db => db.Set<TrainingModule>().Where(m => m.ProgramId == copy.Id && m.FileKey != null).Select(m => m.Id).SingleAsync());
        var attached = await InDatabaseAsync(db => db.Set<ResourceAttachment>().Where(a => a.TargetId == copiedModule).Select(a => a.ResourceId).ToListAsync());
        Assert.Equal(new HashSet<Guid> { copiedFile.Id, schoolWide }, attached.ToHashSet());
        Assert.Equal(0, await InDatabaseAsync(db => db.Set<ResourceAttachment>().CountAsync(a => a.ResourceId == copiedLink.Id)));
    }

    [Fact]
    public void EveryTableThatPointsAtAProgramIsEitherCopiedOrNot()
    {
        using var scope = fixture.Tandem.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<TandemDb>().Model;
        var names = ProgramTables(model).Select(t => t.Type.ClrType.Name).Where(n => n != nameof(MentorshipProgram)).Distinct().Order().ToList();
        var unclassified = names.Where(n => !ProgramCopyScope.Copied.Contains(n) && !ProgramCopyScope.NotCopied.Contains(n)).ToList();
        Assert.True(unclassified.Count == 0, "Not classified in ProgramCopyScope: " + string.Join(", ", unclassified));
        Assert.Empty(ProgramCopyScope.Copied.Intersect(ProgramCopyScope.NotCopied));
    }

    [Fact]
    public async Task InvitingMentorsBackSendsOneEmailPerEligibleMentorAndASecondPressSendsNone()
    {
        var (_, coordinator, source, mentors) = await LastYearAsync();
        var (mona, max) = (mentors[0].User, mentors[1].User);
        // Max withdrew his consent to take part last year: he is not asked again.
        await InDatabaseAsync(async db =>
        {
            var consent = await db.Set<Tandem.Features.Privacy.Consent>().SingleOrDefaultAsync(c => c.UserId == max.Id && c.ProgramId == source.Id
                && c.Purpose == Tandem.Features.Privacy.ConsentPurpose.Program);
            if (consent is null)
            {
                consent = new Tandem.Features.Privacy.Consent(max.Id, source.Id, source.OrganisationId, Tandem.Features.Privacy.ConsentPurpose.Program, DateTime.UtcNow);
                db.Add(consent);
            }
            consent.Record(Tandem.Features.Privacy.ConsentState.Withdrawn, Tandem.Features.Privacy.ConsentGiver.Participant, max.Id, null, null, null, DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));
        var origin = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!;
        Assert.Equal((source.Id, source.Name, 1, 0), (origin.SourceProgramId!.Value, origin.SourceProgramName!, origin.Eligible, origin.Invited));

        // Not while the copy is a draft: the link leads to its application form, open only while recruiting.
        var early = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        // Their approvals last year were e-mailed too: count from here.
        var (monaBefore, maxBefore) = (fixture.Smtp.CountFor(mona.Email), fixture.Smtp.CountFor(max.Email));
        // Last year's mentor cannot invite: the copy is not visible to her.
        Assert.Equal(HttpStatusCode.NotFound, (await mentors[0].Client.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty())).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{copy.Id}/status", new { status = "Recruiting" })).StatusCode);
        var first = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.Equal(new InviteMentorsBackResult(1, 0, 0, 1), await first.Content.ReadFromJsonAsync<InviteMentorsBackResult>(Json.Options));
        var message = Assert.Single(await fixture.Smtp.ForAsync(mona.Email, monaBefore + 1), m => (m.Subject ?? "").Contains("Reading buddies 2027"));
        RecruitmentFixture.TokenIn(message, copy.Id, "mentor");
        Assert.Contains("Reading buddies 2027", message.Subject);

        var second = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.Equal(new InviteMentorsBackResult(0, 1, 0, 1), await second.Content.ReadFromJsonAsync<InviteMentorsBackResult>(Json.Options));
        Assert.Single(await fixture.Tandem.OutboxForAsync(mona.Email), e => e.ReferenceKind == "invitation");
        Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(max.Email), e => e.ReferenceKind == "invitation");
        Assert.Equal(monaBefore + 1, fixture.Smtp.CountFor(mona.Email));
        Assert.Equal(maxBefore, fixture.Smtp.CountFor(max.Email));
        Assert.Equal(1, await InDatabaseAsync(db => db.Set<ReturningMentorInvitation>().CountAsync(i => i.ProgramId == copy.Id)));
        var page = await coordinator.GetStringAsync($"/programs/{copy.Id}/origin");
        Assert.Contains("<strong>1</strong> invited so far", page);
    }

    /// <summary>ADR 105: whom the source's consent gate holds back (here, a consent waiting for a guardian) is not asked back either.</summary>
    [Fact]
    public async Task AMentorTheSourcesConsentGateHoldsBackIsNotAskedBack()
    {
        var (_, coordinator, source, mentors) = await LastYearAsync();
        var (mona, max) = (mentors[0].User, mentors[1].User);
        await InDatabaseAsync(async db =>
        {
            var consent = await db.Set<Tandem.Features.Privacy.Consent>().SingleOrDefaultAsync(c => c.UserId == max.Id && c.ProgramId == source.Id
                && c.Purpose == Tandem.Features.Privacy.ConsentPurpose.Program);
            if (consent is null)
            {
                consent = new Tandem.Features.Privacy.Consent(max.Id, source.Id, source.OrganisationId, Tandem.Features.Privacy.ConsentPurpose.Program, DateTime.UtcNow);
                db.Add(consent);
            }
            consent.Record(Tandem.Features.Privacy.ConsentState.AwaitingGuardian, Tandem.Features.Privacy.ConsentGiver.Participant, max.Id, null, null, null, DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{copy.Id}/status", new { status = "Recruiting" })).StatusCode);

        var origin = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!;
        Assert.Equal([mona.Id], origin.ToInvite.Select(m => m.UserId));
        var pressed = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.Equal(new InviteMentorsBackResult(1, 0, 0, 1), await pressed.Content.ReadFromJsonAsync<InviteMentorsBackResult>(Json.Options));
        Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(max.Email), e => e.ReferenceKind == "invitation");
    }

    /// <summary>ADR 105: the source's mentors are named and invited back only by someone who manages the source too.</summary>
    [Fact]
    public async Task ACoordinatorOfTheCopyAloneSeesCountsButNoNamesAndCannotInvite()
    {
        var (school, coordinator, source, mentors) = await LastYearAsync();
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{copy.Id}/status", new { status = "Recruiting" })).StatusCode);
        var newcomer = await fixture.Tandem.CreateUserAsync("Nell Newcomer");
        await fixture.Tandem.AddMemberAsync(school.Organisation.Id, newcomer, Tandem.Features.Organisations.OrganisationRole.Member);
        await InDatabaseAsync(db =>
        {
            db.Add(new Enrolment(copy.Id, newcomer.Id, ProgramRole.Coordinator, DateTime.UtcNow));
            return db.SaveChangesAsync();
        });
        var nell = await fixture.SignInAsync(newcomer);

        var origin = (await nell.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!;
        Assert.Equal((2, false), (origin.Eligible, origin.ManagesSource));
        Assert.Empty(origin.ToInvite);
        var page = await nell.GetStringAsync($"/programs/{copy.Id}/origin");
        Assert.DoesNotContain("Mona Mentor", page);
        Assert.Contains("only a coordinator of Reading buddies 2026 too", page);
        var pressed = await nell.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.Equal(HttpStatusCode.Forbidden, pressed.StatusCode);
        Assert.Contains(ReturningMentors.OnlySourceCoordinators, await pressed.Content.ReadAsStringAsync());
        Assert.Equal(0, await InDatabaseAsync(db => db.Set<ReturningMentorInvitation>().CountAsync(i => i.ProgramId == copy.Id)));
        foreach (var (mentor, _) in mentors)
        {
            Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(mentor.Email), e => e.ReferenceKind == "invitation");
        }
        // Who manages both still sees them.
        Assert.True((await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!.ManagesSource);
    }

    /// <summary>ADR 105: the names come a page at a time, with the total; what was ticked on one page is kept when turning to another.</summary>
    [Fact]
    public async Task TheMentorsToInviteBackArePagedAndWhoIsLeftOutIsKeptAcrossPages()
    {
        var (_, coordinator, source, mentors) = await LastYearAsync();
        var (mona, max) = (mentors[0].User, mentors[1].User);
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{copy.Id}/status", new { status = "Recruiting" })).StatusCode);

        var first = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin?page=1&pageSize=1", Json.Options))!;
        var second = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin?page=2&pageSize=1", Json.Options))!;
        Assert.Equal((2, 2, 1, 1), (first.Eligible, second.Eligible, first.ToInvite.Count, second.ToInvite.Count));
        Assert.Equal([max.Id, mona.Id], first.ToInvite.Concat(second.ToInvite).Select(m => m.UserId));
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.GetAsync($"/api/v1/programs/{copy.Id}/origin?pageSize=1000")).StatusCode);

        // On the page, one name a page: Max ticked on the first, then the second asked for: nothing is sent, Mona is shown,
        // and Max is carried along as left out; turning back shows him ticked.
        var path = $"/programs/{copy.Id}/origin?pageSize=1";
        var turned = await new PageClient(coordinator).SubmitAsync(path, "mentors-back",
            new Dictionary<string, string> { ["leaveOut"] = max.Id.ToString(), ["turn"] = "2" });
        Assert.Equal(HttpStatusCode.OK, turned.StatusCode);
        var secondPage = await turned.Content.ReadAsStringAsync();
        Assert.Contains("Leave out Mona Mentor", secondPage);
        Assert.DoesNotContain("Leave out Max Mentor", secondPage);
        Assert.Matches($"type=\"hidden\" name=\"leaveOut\" value=\"{max.Id}\"", secondPage);
        var back = await new PageClient(coordinator).SubmitAsync(path, "mentors-back",
            new Dictionary<string, string> { ["leaveOut"] = max.Id.ToString(), ["turn"] = "1" });
        Assert.Matches($"id=\"leave-{max.Id}\"[^>]*checked", await back.Content.ReadAsStringAsync());
        Assert.Equal(0, await InDatabaseAsync(db => db.Set<ReturningMentorInvitation>().CountAsync(i => i.ProgramId == copy.Id)));
        var pressed = await new PageClient(coordinator).SubmitAsync(path, "mentors-back", new Dictionary<string, string> { ["leaveOut"] = max.Id.ToString() });
        Assert.Contains("1 mentor(s) invited", await pressed.Content.ReadAsStringAsync());
        Assert.Single(await fixture.Tandem.OutboxForAsync(mona.Email), e => e.ReferenceKind == "invitation");
        Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(max.Email), e => e.ReferenceKind == "invitation");
    }

    [Fact]
    public async Task AMentorASafeguardingConcernWasAboutIsNotAskedBackAndTheCoordinatorMayLeaveOthersOut()
    {
        var (school, coordinator, source, mentors) = await LastYearAsync();
        var (mona, max) = (mentors[0].User, mentors[1].User);
        await InDatabaseAsync(db =>
        {
            db.Add(new Tandem.Features.Concerns.Concern(source.Id, source.OrganisationId, school.Coordinator.Id, max.Id, null,
                Tandem.Features.Concerns.ConcernCategory.Safeguarding, "Asked a mentee for her address", DateTime.UtcNow, DateTime.UtcNow.AddDays(2)));
            return db.SaveChangesAsync();
        });
        var copy = await CreatedAsync(await coordinator.PostAsJsonAsync($"/api/v1/programs/{source.Id}/copy", new { name = "Reading buddies 2027" }));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{copy.Id}/status", new { status = "Recruiting" })).StatusCode);

        // The coordinator sees who would be asked, by name; Max is not among them, and nothing says why.
        var origin = (await coordinator.GetFromJsonAsync<ProgramOriginView>($"/api/v1/programs/{copy.Id}/origin", Json.Options))!;
        Assert.Equal([(mona.Id, "Mona Mentor")], origin.ToInvite.Select(m => (m.UserId, m.Name)));
        var path = $"/programs/{copy.Id}/origin";
        var page = await coordinator.GetStringAsync(path);
        Assert.Contains("Leave out Mona Mentor", page);
        Assert.DoesNotContain("Max Mentor", page);

        // Mona left out of this press: nobody is invited, and she is still to invite.
        var left = await new PageClient(coordinator).SubmitAsync(path, "mentors-back", new Dictionary<string, string> { ["leaveOut"] = mona.Id.ToString() });
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        Assert.Contains("Nobody new to invite", await left.Content.ReadAsStringAsync());
        Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(mona.Email), e => e.ReferenceKind == "invitation");

        var pressed = await coordinator.PostAsync($"/api/v1/programs/{copy.Id}/returning-mentors", Json.Empty());
        Assert.Equal(new InviteMentorsBackResult(1, 0, 0, 1), await pressed.Content.ReadFromJsonAsync<InviteMentorsBackResult>(Json.Options));
        Assert.Single(await fixture.Tandem.OutboxForAsync(mona.Email), e => e.ReferenceKind == "invitation");
        Assert.DoesNotContain(await fixture.Tandem.OutboxForAsync(max.Email), e => e.ReferenceKind == "invitation");
    }

    [Fact]
    public async Task TheStaffPagesCreateFromATemplateAndCopyAProgram()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var coordinator = await fixture.SignInAsync(school.Coordinator);
        var templates = await coordinator.GetStringAsync("/programs/templates");
        Assert.Contains("Women in STEM circles", templates);
        var created = await new PageClient(coordinator).SubmitAsync("/programs/templates", "program-template", new Dictionary<string, string>
        {
            ["TemplateId"] = "new-employee-onboarding", ["OrganisationId"] = school.Organisation.Id.ToString(), ["Name"] = "Buddies for new starters",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var programId = Guid.Parse(created.Headers.Location!.OriginalString.Split('/').Last());
        Assert.Equal("Buddies for new starters", (await InDatabaseAsync(db => db.Programs.SingleAsync(p => p.Id == programId))).Name);
        var refused = await new PageClient(coordinator).SubmitAsync($"/programs/{programId}/copy", "copy-program", new Dictionary<string, string> { ["Name"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var copied = await new PageClient(coordinator).SubmitAsync($"/programs/{programId}/copy", "copy-program", new Dictionary<string, string> { ["Name"] = "Buddies, second year" });
        Assert.Equal(HttpStatusCode.Redirect, copied.StatusCode);
        Assert.Contains("A copy of <strong>Buddies for new starters</strong>", await coordinator.GetStringAsync(copied.Headers.Location!.OriginalString));
    }

    private static IEnumerable<(IEntityType Type, IForeignKey ForeignKey)> ProgramTables(IModel model) =>
        model.GetEntityTypes().SelectMany(t => t.GetForeignKeys().Where(fk => fk.PrincipalEntityType.ClrType == typeof(MentorshipProgram)
            && fk.Properties.Count == 1 && !t.IsOwned() && !fk.Properties[0].Name.StartsWith("Source", StringComparison.Ordinal)).Select(fk => (t, fk)));

    private static readonly MethodInfo CountOf = typeof(ProgramRepeatTests).GetMethod(nameof(CountTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Task<int> CountAsync(TandemDb db, IEntityType type, IForeignKey foreignKey, Guid programId) =>
        (Task<int>)CountOf.MakeGenericMethod(type.ClrType).Invoke(null, [db, foreignKey.Properties[0], programId])!;

    private static Task<int> CountTyped<T>(TandemDb db, IProperty property, Guid programId) where T : class =>
        property.ClrType == typeof(Guid?)
            ? db.Set<T>().CountAsync(e => EF.Property<Guid?>(e, property.Name) == programId)
            : db.Set<T>().CountAsync(e => EF.Property<Guid>(e, property.Name) == programId);
}
