using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>ADR 126 (after ADR 118): a form on /my/relationships that is refused renders its card again with what was posted.</summary>
public sealed class RefusedFormsKeepTheNoteTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ARefusedAcceptanceKeepsTheMentorsNoteOnTheRequestsCard()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var asked = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with fractions?" });
        var request = (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;
        // The mentee's consent is asked again: the acceptance is refused (409) and the request stays pending.
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Consent>()
            .Where(c => c.UserId == mentee.User.Id && c.ProgramId == program.Program.Id && c.Purpose == ConsentPurpose.Program)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, ConsentState.RenewalNeeded)));

        var refused = await new PageClient(mentor.Client).SubmitAsync("/my/relationships", $"decide-{request.Id}",
            [new("request", request.Id.ToString()), new("accept", "true"), new("note", "Happy to help & see you Tuesday")]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("This request can no longer be accepted.", html);
        Assert.Matches($"id=\"reply-{request.Id}\" name=\"note\"[^>]*value=\"Happy to help & see you Tuesday\"", html);
    }

    [Fact]
    public async Task ARefusedFitCheckAnswerKeepsTheNoteAndTheChosenAnswer()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, mentee);
        var note = "We never find a time. " + new string('x', 1000);

        var refused = await new PageClient(mentee.Client).SubmitAsync("/my/relationships", $"fit-{pair.Id}",
            [new("relationship", pair.Id.ToString()), new("answer", "No"), new("note", note)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("at most 1000 characters", html);
        Assert.Contains($">{note}</textarea>", html);
        Assert.Matches("<input type=\"radio\" name=\"answer\" value=\"No\"[^>]*checked", html);
        Assert.DoesNotMatch("<input type=\"radio\" name=\"answer\" value=\"Yes\"[^>]*checked", html);
    }
    [Fact]
    public async Task AnAnswerToARequestWithdrawnMeanwhileIsToldSoAndTheNoteIsShownNotABare400()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var asked = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with fractions?" });
        var request = (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;
        var mentorPage = new PageClient(mentor.Client);
        var shown = await mentorPage.FormFieldsAsync("/my/relationships", $"decide-{request.Id}");
        // The mentee withdraws while the mentor types: the request's card and its form leave the mentor's page.
        (await mentee.Client.PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/withdraw", new { })).EnsureSuccessStatusCode();
        Assert.DoesNotContain($"decide-{request.Id}", await mentor.Client.GetStringAsync("/my/relationships"));

        var posted = await mentorPage.SubmitAsync("/my/relationships", $"decide-{request.Id}",
            [.. shown.Where(f => f.Key != "note"), new("accept", "true"), new("note", "Happy to help & see you Tuesday")]);

        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        var html = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.Contains("This request is already withdrawn.", html);
        Assert.Matches("id=\"kept-note\"[^>]*>What you wrote was not sent: <span class=\"pre-line\">“Happy to help & see you Tuesday”", html);
        Assert.Equal(MentorRequestStatus.Withdrawn, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MentorRequest>()
            .Where(r => r.Id == request.Id).Select(r => r.Status).SingleAsync()));

        // The mentee's own Withdraw pressed again from the page as it was: told, not a bare 400.
        var again = await new PageClient(mentee.Client).SubmitAsync("/my/relationships", $"withdraw-{request.Id}", [new("request", request.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("This request is already withdrawn.", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AFitCheckAnswerForAPairEndedMeanwhileIsToldSoAndTheNoteIsShown()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartOnAsync(factory.Today.AddDays(-30), mentor, mentee);
        var page = new PageClient(mentee.Client);
        Assert.Contains($"fit-{pair.Id}", await mentee.Client.GetStringAsync("/my/relationships"));
        // The coordinator ends the pair: the card stays, its fit check closes and the form goes.
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>().Where(r => r.Id == pair.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RelationshipStatus.Completed)));

        var posted = await page.SubmitAsync("/my/relationships", $"fit-{pair.Id}",
            [new("relationship", pair.Id.ToString()), new("answer", "No"), new("note", "We never find a time")]);

        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        var html = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.Contains("its fit check is closed", html);
        Assert.Contains("What you wrote was not sent: <span class=\"pre-line\">“We never find a time”", html);
        Assert.Equal(0, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<FitCheckAnswer>().CountAsync(a => a.RelationshipId == pair.Id)));
    }
}
