using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Accounts;

/// <summary>Another request saving the account at the moment a password change or a disabling saves it (ADR 120).</summary>
public sealed class AccountRaceTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string ChangedMeanwhile = "Your account was changed at the same moment; try again.";

    [Fact]
    public async Task APasswordChangeMeetingAnotherSaveOfTheAccountIsAConflictNotAPasswordError()
    {
        var user = await factory.CreateUserAsync("Cora Stamp");
        var otherWrite = new WriteToTheUserJustBefore(user.Email.ToUpperInvariant(), "PasswordHash", armed: false);
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<TandemDb>(o => o.AddInterceptors(otherWrite))));
        var api = await app.SignedInClientAsync(user);
        otherWrite.Arm();

        var change = await api.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TandemFactory.Password, newPassword = "a racing new passphrase" });

        Assert.True(otherWrite.Done);
        Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        var problem = (await change.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal(ChangedMeanwhile, problem.Detail);

        // Nothing changed: the old password still signs in.
        Assert.Equal(HttpStatusCode.NoContent, (await app.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password })).StatusCode);
    }

    [Fact]
    public async Task DisablingAnAccountTwiceAtOnceAnswersThatItIsDisabled()
    {
        var user = await factory.CreateUserAsync("Dub Le");
        // The first click's request disables the account, and commits, between the second one reading and saving it.
        var firstClick = new JustBeforeTheTransaction(() => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true).SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString())
                .SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString()))));
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<TandemDb>(o => o.AddInterceptors(firstClick))));
        var admin = await app.SignedInClientAsync(await factory.CreateUserAsync("Dot Click", administrator: true));
        firstClick.Arm();

        var second = await admin.PostAsync($"/api/v1/users/{user.Id}/disable", Json.Empty());

        Assert.True(firstClick.Done);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<UserSummary>(Json.Options))!.IsDisabled);
        var signIn = await app.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, password = TandemFactory.Password });
        Assert.NotEqual(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    /// <summary>Another request's work, committed on a context of its own, just before the next transaction of the app's context begins.</summary>
    private sealed class JustBeforeTheTransaction(Func<Task> work) : DbTransactionInterceptor
    {
        private int state;

        public bool Done => state == 2;

        public void Arm() => Interlocked.Exchange(ref state, 1);

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken ct = default)
        {
            if (Interlocked.CompareExchange(ref state, 2, 1) == 1)
            {
                await work();
            }
            return result;
        }
    }
}
