using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Runs a use case while "another request" changes the database between the use case reading its rows and writing:
/// the other request's work runs, and commits, on a context of its own just before the use case begins its first
/// transaction or save. A race made certain, where two requests sent at once only sometimes meet.
/// </summary>
public static class DeletedMeanwhile
{
    /// <summary>
    /// <typeparamref name="TUseCase"/> built in a scope of its own over a context that lets <paramref name="meanwhile"/> run
    /// once before it first writes.
    /// </summary>
    /// <param name="beforeReading">
    /// For a use case that only reads: <paramref name="meanwhile"/> runs instead before its first query whose SQL names this
    /// table (quoted, as both providers spell it), e.g. "EventRsvps".
    /// </param>
    public static async Task<T> RunAsync<TUseCase, T>(TandemFactory factory, Func<TandemDb, Task> meanwhile, Func<TUseCase, Task<T>> run, string? beforeReading = null)
        where TUseCase : class
    {
        Task Other() => factory.WithScopeAsync(async s =>
        {
            await meanwhile(s.GetRequiredService<TandemDb>());
            return true;
        });
        var other = beforeReading is null ? new BeforeFirstWrite(Other) : new BeforeFirstWrite(Other, $"\"{beforeReading}\"");
        // The use case and every class it takes that reads or writes through the context (its access checks, the file
        // store) share this one, as they share the request's in the app; anything else comes from the scope.
        var result = await UseCaseOver.RunAsync(factory.Services, other, run);
        Assert.True(other.Ran, "The use case never wrote, so nothing happened meanwhile.");
        return result;
    }

    private sealed class BeforeFirstWrite(Func<Task> work, string? readingTable = null) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
    {
        public bool Ran { get; private set; }

        public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            if (readingTable is not null && command.CommandText.Contains(readingTable, StringComparison.Ordinal))
            {
                await OnceAsync();
            }
            return result;
        }

        private async Task OnceAsync()
        {
            if (!Ran)
            {
                Ran = true;
                await work();
            }
        }

        public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (readingTable is null)
            {
                await OnceAsync();
            }
            return result;
        }

        public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (readingTable is null)
            {
                await OnceAsync();
            }
            return result;
        }
    }
}
