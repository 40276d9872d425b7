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
}
