using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>ADR 127: the publish's notices are the program's (its consent gate, its id) and introduce nobody by a private answer.</summary>
public sealed class PublishNoticeTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<List<Notification>> NoticesAsync(Guid userId) => fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>()
        .Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == NotificationKind.Matches).ToListAsync());

    [Fact]
    public async Task APersonHeldBackWhileTheDraftWasPublishedIsNotToldAndTheNoticesCarryTheirProgram()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        var ella = program.People["Ella Mentee"].User;

        // Ella's guardian withdraws the consent just after the relationships were committed, before the notices go out.
        var withdraw = new AfterFirstCommit(() => ConsentStates.HoldBackAsync(fixture.Tandem.Services, ella.Id, program.Program.Id, ConsentState.Withdrawn));
        var published = await UseCaseOver.RunAsync<PublishMatchDraft, Outcome<PublishResult>>(fixture.Tandem.Services, withdraw,
            p => p.RunAsync(new Actor(program.School.Coordinator.Id, IsAdministrator: false), program.Program.Id, draft.Id,
                new PublishRequest { StartsOn = new DateOnly(2027, 2, 1) }));

        Assert.True(withdraw.Ran);
        Assert.Null(published.Failure);
        Assert.Empty(await NoticesAsync(ella.Id));
        var maya = Assert.Single(await NoticesAsync(program.People["Maya Mentor"].User.Id));
        Assert.StartsWith("Your mentee", maya.Title);
        Assert.Equal(program.Program.Id, maya.ProgramId);
    }

    [Fact]
    public async Task AnAnswerItsQuestionWasMadePrivateInALaterFormVersionIsNotInTheIntroduction()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        // Version 2 of both forms makes the public "say hello" question private: Ella answered it on version 1.
        foreach (var role in new[] { "mentor", "mentee" })
        {
            var questions = MatchingProgram.Questions(role == "mentor")
                .Select(q => System.Text.Json.JsonSerializer.SerializeToNode(q)!.AsObject())
                .Select(q =>
                {
                    if ((string?)q["id"] == "intro")
                    {
                        q["private"] = true;
                    }
                    return q;
                }).ToArray();
            (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/questionnaires/{role}", new { questions })).EnsureSuccessStatusCode();
        }
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var maya = Assert.Single(await NoticesAsync(program.People["Maya Mentor"].User.Id));
        Assert.Contains("Ella Mentee", maya.Body);
        Assert.DoesNotContain("I want to get better at fractions.", maya.Body);
        var email = Assert.Single(await fixture.Smtp.ForAsync(program.People["Maya Mentor"].User.Email, expected: 2), m => m.Subject!.StartsWith("Your mentee"));
        Assert.DoesNotContain("fractions", email.TextBody);
        Assert.DoesNotContain("algebra", Assert.Single(await NoticesAsync(program.People["Ella Mentee"].User.Id)).Body);
    }

    /// <summary>Another request's work, committed on a context of its own, just after the use case's first transaction commits.</summary>
    private sealed class AfterFirstCommit(Func<Task> work) : DbTransactionInterceptor
    {
        public bool Ran { get; private set; }

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (!Ran)
            {
                Ran = true;
                await work();
            }
        }
    }
}
