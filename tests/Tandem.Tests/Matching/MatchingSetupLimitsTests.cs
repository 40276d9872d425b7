using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>ADR 127: names cut between whole characters, the setup page's rules, and long hard-rule reasons that still fit.</summary>
public sealed class MatchingSetupLimitsTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private static bool HasHalfACharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])))
            {
                return true;
            }
            if (char.IsLowSurrogate(text[i]) && (i == 0 || !char.IsHighSurrogate(text[i - 1])))
            {
                return true;
            }
        }
        return false;
    }

    [Fact]
    public async Task ADefaultCriterionNamedByAPromptWithAnEmojiAtTheCutIsPublishedWhole()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        // The subject question's prompt has an emoji across units 58 and 59, where a default criterion's name is cut.
        var prompt = new string('x', 58) + "\U0001F4DA and which subject do you want?";
        foreach (var role in new[] { "mentor", "mentee" })
        {
            var questions = MatchingProgram.Questions(role == "mentor")
                .Select(q => System.Text.Json.JsonSerializer.SerializeToNode(q)!.AsObject())
                .Select(q =>
                {
                    if ((string?)q["id"] == "subject")
                    {
                        q["prompt"] = prompt;
                    }
                    return q;
                }).ToArray();
            (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/questionnaires/{role}", new { questions })).EnsureSuccessStatusCode();
        }
        await program.AddSmallPoolAsync();
        var draft = await program.RunAsync();

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var explanations = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Relationships.Relationship>()
            .Where(r => r.ProgramId == program.Program.Id).Select(r => r.MatchExplanation!).ToListAsync());
        Assert.NotEmpty(explanations);
        Assert.Contains(explanations, e => e.Contains($"same {new string('x', 58)}…: Maths", StringComparison.Ordinal));
        Assert.DoesNotContain(explanations, HasHalfACharacter);
    }

    [Fact]
    public async Task ThePageRefusesWhatTheApiRefusesInWordsAndSavesNothing()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";

        async Task<string> RefusedAsync(params KeyValuePair<string, string>[] fields)
        {
            var response = await page.SubmitAsync(setupPath, "setup", [.. fields, new("action", "save")]);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {html}");
            return html;
        }

        var notANumber = await RefusedAsync(new("name.0", "year"), new("kind.0", "NumericGap"), new("question.0", "year"), new("weight.0", "1"),
            new("minimum.0", "NaN"), new("maximum.0", "Infinity"));
        Assert.Contains("Criterion 1: the least and the greatest value are numbers from -1000 to 1000.", notANumber);

        var longName = new string('n', 61);
        var named = await RefusedAsync(new("name.0", longName), new("kind.0", "SameValue"), new("question.0", "subject"), new("weight.0", "10"));
        Assert.Contains("Criterion 1: a name is at most 60 characters.", named);

        var many = Enumerable.Range(0, 31).SelectMany(i => new KeyValuePair<string, string>[]
        {
            new($"name.{i}", $"subject {i}"), new($"kind.{i}", "SameValue"), new($"question.{i}", "subject"), new($"weight.{i}", "1"),
        }).ToArray();
        Assert.Contains("A setup has at most 30 criteria.", await RefusedAsync(many));

        Assert.True((await program.Coordinator.GetFromJsonAsync<MatchingSetupView>($"{program.Api}/setup", Json.Options))!.IsDefault);
    }

    [Fact]
    public async Task ThePageRefusesAStudyGroupSizeAndAMixOutsideTwoToTwelve()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync, pairing: "PeerToPeer");
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";

        var size = await page.SubmitAsync(setupPath, "setup",
            [new("groupSize", "40"), new("name.0", "subject"), new("kind.0", "SameValue"), new("question.0", "subject"), new("action", "save")]);
        Assert.Contains("Group size is from 2 to 12.", WebUtility.HtmlDecode(await size.Content.ReadAsStringAsync()));
        var mix = await page.SubmitAsync(setupPath, "setup",
            [new("groupSize", "4"), new("mixQuestion", "subject"), new("mixAtLeast", "1"), new("name.0", "year"), new("kind.0", "NumericGap"), new("question.0", "year"), new("action", "save")]);
        Assert.Contains("A mix asks for 2 to 12 different answers.", WebUtility.HtmlDecode(await mix.Content.ReadAsStringAsync()));

        Assert.True((await program.Coordinator.GetFromJsonAsync<MatchingSetupView>($"{program.Api}/setup", Json.Options))!.IsDefault);
    }

    [Fact]
    public async Task ManyLongHardRulesGiveAReasonThatFitsAndTheRunCompletes()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        // Sixteen hard rules with 60-character names, all on the subject: Gus (Science) fails every one with both mentors.
        await program.SaveSetupAsync(new
        {
            criteria = Enumerable.Range(0, 16).Select(i => (object)new
            {
                name = $"rule {i:00} " + new string('r', 52),
                kind = "SameValue",
                questionId = "subject",
                weight = 1,
                required = true,
            }).ToArray(),
        });

        var draft = await program.RunAsync();

        Assert.Equal(2, draft.Proposals.Items.Count);
        var gus = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<UnmatchedEntry>()
            .Where(u => u.DraftId == draft.Id && u.Name == "Gus Mentee").Select(u => u.Reason).SingleAsync());
        Assert.True(gus.Length <= 1000, $"{gus.Length} characters");
        Assert.StartsWith("no mentor meets the hard rules (rule ", gus);
        Assert.Matches(@"and \d+ more rules\)$", gus);
    }
}
