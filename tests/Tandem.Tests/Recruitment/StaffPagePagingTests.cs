using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 128 item 7: the staff page pages its coordinators and its staff, so a district's 101st teacher is listed (on a later
/// page) and can be changed from it: the posted enrolment is looked up, not searched for in the page's own list.
/// </summary>
public sealed class StaffPagePagingTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [Fact]
    public async Task TheHundredAndFirstMemberOfStaffIsOnALaterPageAndCanBeMadeCoordinatorFromIt()
    {
        var (school, _, program) = await fixture.ProgramAsync(recruiting: false);
        var staff = new List<(Guid UserId, string Name)>();
        for (var i = 0; i <= 100; i++)
        {
            var name = $"Teacher {i:000}";
            staff.Add(((await fixture.Tandem.CreateUserAsync(name)).Id, name));
        }
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            // Joined in this order, the order the page lists them in.
            db.Enrolments.AddRange(staff.Select((x, i) => new Enrolment(program.Id, x.UserId, ProgramRole.Staff, now.AddSeconds(i))));
            return await db.SaveChangesAsync();
        });
        var page = new PageClient(await fixture.SignInAsync(school.Coordinator));
        var path = $"/programs/{program.Id}/staff";

        var first = await page.Http.GetStringAsync(path);
        Assert.Contains("Teacher 000", first);
        Assert.DoesNotContain("Teacher 100", first);
        var last = await page.Http.GetStringAsync($"{path}?staff=3");
        Assert.Contains("Teacher 100", last);
        Assert.DoesNotContain("Teacher 000", last);
        Assert.Contains("Cora Ordinator", last);

        var enrolmentId = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .Where(e => e.ProgramId == program.Id && e.UserId == staff[100].UserId).Select(e => e.Id).SingleAsync());
        var promoted = await page.SubmitAsync($"{path}?staff=3", "staff", [new("StaffAction", $"coordinator:{enrolmentId}")]);

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Contains("Teacher 100 is now a coordinator of Reading Buddies.", WebUtility.HtmlDecode(await promoted.Content.ReadAsStringAsync()));
        Assert.Equal(ProgramRole.Coordinator, await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .Where(e => e.Id == enrolmentId).Select(e => e.Role).SingleAsync()));

        // Removing someone on a later page asks first, naming them.
        var second = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .Where(e => e.ProgramId == program.Id && e.UserId == staff[99].UserId).Select(e => e.Id).SingleAsync());
        var asked = await page.SubmitAsync($"{path}?staff=2", "staff", [new("StaffAction", $"remove:{second}")]);
        Assert.Contains("Yes, remove Teacher 099", await asked.Content.ReadAsStringAsync());
    }
}
