using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MimeKit;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>The development default: with no SMTP host, messages become .eml files in a folder.</summary>
public sealed class MailFolderTests(TandemFactory factory) : IClassFixture<TandemFactory>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tandem-mail-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WithoutAnSmtpHostTheInvitationIsWrittenAsAnEmlFile()
    {
        await using var app = factory.WithWebHostBuilder(b => b.UseSetting("Email:PickupDirectory", _folder));
        var school = await School.CreateAsync(factory);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { school.Coordinator.Email, Password = TandemFactory.Password })).EnsureSuccessStatusCode();
        var program = await school.CreateProgramAsync(client);
        (await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/status", new { status = "Recruiting" })).EnsureSuccessStatusCode();
        var email = RecruitmentFixture.Email("folder");

        var response = await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentee" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = Assert.Single(Directory.GetFiles(_folder, "*.eml"));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal(email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Contains($"http://localhost:5000/apply/{program.Id}/mentee?invitation=", message.TextBody);
    }
}
