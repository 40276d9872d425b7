using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MimeKit;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>The development default (.eml files in a folder) and what happens when the SMTP server is down.</summary>
public sealed class MailDeliveryTests(TandemFactory factory) : IClassFixture<TandemFactory>, IDisposable
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
        await client.OpenRecruitmentAsync(program.Id);
        var email = RecruitmentFixture.Email("folder");

        var response = await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentee" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = Assert.Single(Directory.GetFiles(_folder, "*.eml"));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal(email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Contains($"http://localhost:5000/apply/{program.Id}/mentee?invitation=", message.TextBody);
    }

    [Fact]
    public async Task WhenTheSmtpServerIsDownTheInvitationIsKeptAsNotSentAndCanBeResent()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }
        await using var down = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Email:Smtp:Host", "127.0.0.1");
            b.UseSetting("Email:Smtp:Port", closedPort.ToString());
        });
        var school = await School.CreateAsync(factory);
        var client = down.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { school.Coordinator.Email, Password = TandemFactory.Password })).EnsureSuccessStatusCode();
        var program = await school.CreateProgramAsync(client);
        await client.OpenRecruitmentAsync(program.Id);

        var response = await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email = RecruitmentFixture.Email("down"), role = "Mentee" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var invitation = (await response.Content.ReadFromJsonAsync<Features.Recruitment.InvitationView>(Json.Options))!;
        Assert.Equal(Features.Recruitment.InvitationStatus.NotSent, invitation.Status);
        Assert.Equal(0, invitation.SendCount);
        var notSent = await client.GetFromJsonAsync<Paged<Features.Recruitment.InvitationView>>(
            $"/api/v1/programs/{program.Id}/invitations?status=NotSent", Json.Options);
        Assert.Equal(invitation.Id, Assert.Single(notSent!.Items).Id);
    }
}
