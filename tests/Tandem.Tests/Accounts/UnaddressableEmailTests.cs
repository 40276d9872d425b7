using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Applications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Accounts;

/// <summary>
/// ADR 120: an address the e-mails cannot be written to (MimeKit refuses it, though a browser's type=email and
/// [EmailAddress] accept it) is refused where it is typed, and one stored before never fails anyone else's request.
/// </summary>
public sealed class UnaddressableEmailTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    public static TheoryData<string> Unaddressable => [".anna@school.org", "anna smith@school.org", "anna,ben@school.org", "anna;ben@school.org", "anna<ben@school.org"];

    private Task<int> AccountsWithAsync(string email) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Users.CountAsync(u => u.Email == email.Trim()));

    [Theory]
    [MemberData(nameof(Unaddressable))]
    public async Task AnAdministratorCannotCreateAnAccountWithAnAddressTandemCannotWriteTo(string email)
    {
        var admin = await factory.SignedInClientAsync(await factory.CreateUserAsync("Addy Ministrator", administrator: true));

        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = "Anna Dot", password = "a long enough password", timeZoneId = "UTC" });

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("Email", (await created.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
        Assert.Equal(0, await AccountsWithAsync(email));
    }

    [Fact]
    public async Task SigningUpOnTheApplyPageWithSuchAnAddressIsRefusedAndLeavesNoAccount()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory, await School.CreateAsync(factory));
        var page = new PageClient(factory.AnonymousClient());

        var refused = await page.SubmitAsync($"/apply/{recruiting.Program.Id}/mentee", "sign-up",
        [
            new("SignUp.DisplayName", "Anna Dot"), new("SignUp.Email", ".anna@school.org"),
            new("SignUp.Password", "a long enough password"), new("SignUp.TimeZoneId", "Europe/Paris"),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("This is not a valid e-mail address.", html);
        Assert.DoesNotContain("a long enough password", html); // the typed password is not written back (ADR 120)
        Assert.Equal(0, await AccountsWithAsync(".anna@school.org"));
    }

    [Theory]
    [InlineData(".anna@school.org")]
    [InlineData("anna,ben@school.org")]
    [InlineData("anna;ben@school.org")]
    [InlineData("anna<ben@school.org")]
    public async Task ACoordinatorCannotInviteAnAddressTandemCannotWriteTo(string email)
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory, await School.CreateAsync(factory));

        var invited = await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/invitations", new { email, role = "Mentee", firstName = "Anna" });

        Assert.Equal(HttpStatusCode.BadRequest, invited.StatusCode);
        Assert.Contains("Email", (await invited.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
    }

    [Fact]
    public async Task AnAddressStoredBeforeTheCheckDoesNotFailTheNoticesOfEveryoneElse()
    {
        var stored = await factory.CreateUserAsync("Old Row");
        var other = await factory.CreateUserAsync("Good Row");
        var bad = $"old,row.{Guid.NewGuid():N}@school.org";
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == stored.Id).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Email, bad).SetProperty(x => x.NormalizedEmail, bad.ToUpperInvariant())
            .SetProperty(x => x.UserName, bad).SetProperty(x => x.NormalizedUserName, bad.ToUpperInvariant())));
        var title = $"Approved {Guid.NewGuid():N}";

        // One batch (a coordinator's approval of several, say): the others are told, the old row keeps its notice in the app.
        await factory.WithScopeAsync(s => s.GetRequiredService<Notify>().RunAsync(
            [new NotificationMessage(stored.Id, NotificationKind.Messages, title, "Welcome."), new NotificationMessage(other.Id, NotificationKind.Messages, title, "Welcome.")]));

        Assert.Single(await factory.OutboxForAsync(other.Email), e => e.Subject == title);
        var kept = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.Title == title).Select(n => new { n.UserId, n.EmailedAt }).ToListAsync());
        Assert.Equal(2, kept.Count);
        Assert.Null(kept.Single(n => n.UserId == stored.Id).EmailedAt);

        // Its digest does not fail the pass either: the notices stay in the app.
        var digestTitle = $"For the digest {Guid.NewGuid():N}";
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new Notification(stored.Id, NotificationKind.Messages, NotificationChoice.DailyDigest, digestTitle, "Later.", null, factory.Clock.GetUtcNow().UtcDateTime.AddDays(-2)));
            return await db.SaveChangesAsync();
        });
        await factory.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(factory.Clock.GetUtcNow().UtcDateTime.AddDays(1)));
        Assert.Equal(NotificationChoice.InApp, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.Title == digestTitle).Select(n => n.Choice).SingleAsync()));

        // Nor does asking for a password reset link (the same answer as ever, and nothing queued).
        var asked = await factory.AnonymousClient().PostAsJsonAsync("/api/v1/auth/password-reset-requests", new { email = bad });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
    }
}
