using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Runs a use case over a context with an interceptor of the test's (a write that fails, another request's write just
/// before the use case's first update), the use case and every class it takes that uses the context (listeners in an
/// IEnumerable too) sharing that one, as <see cref="DeletedMeanwhile"/> does through it, on an app of the test's
/// choosing (one with its own clock).
/// </summary>
public static class UseCaseOver
{
    public static async Task<T> RunAsync<TUseCase, T>(IServiceProvider services, IInterceptor interceptor, Func<TUseCase, Task<T>> run) where TUseCase : class
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<TandemDb>>();
        await using var db = new TandemDb(new DbContextOptionsBuilder<TandemDb>(options).AddInterceptors(interceptor).Options);
        object Build(Type type)
        {
            if (type == typeof(TandemDb))
            {
                return db;
            }
            // Listeners taken as IEnumerable<T> (a member's removal tells each feature) share the context too, as in a
            // request's scope: one of them writing on a context of its own would wait on the use case's transaction.
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                var element = type.GetGenericArguments()[0];
                var resolved = scope.ServiceProvider.GetServices(element).OfType<object>()
                    .Select(s => UsesContext(s.GetType(), 0) ? Build(s.GetType()) : s).ToArray();
                var listeners = Array.CreateInstance(element, resolved.Length);
                for (var i = 0; i < resolved.Length; i++)
                {
                    listeners.SetValue(resolved[i], i);
                }
                return listeners;
            }
            if (!UsesContext(type, 0))
            {
                return scope.ServiceProvider.GetRequiredService(type);
            }
            var constructor = type.GetConstructors().Single();
            return constructor.Invoke(constructor.GetParameters().Select(p => Build(p.ParameterType)).ToArray());
        }
        return await run((TUseCase)Build(typeof(TUseCase)));
    }

    private static bool UsesContext(Type type, int depth) =>
        depth < 6 && type.IsClass && !type.IsAbstract && type.Namespace?.StartsWith("Tandem", StringComparison.Ordinal) == true
        && type.GetConstructors() is [var constructor]
        && constructor.GetParameters().Any(p => p.ParameterType == typeof(TandemDb) || UsesContext(p.ParameterType, depth + 1));
}

/// <summary>Another request's work, committed on a context of its own, just before the use case's first UPDATE statement runs.</summary>
public sealed class BeforeFirstUpdate(Func<Task> work) : BeforeCommand(sql => sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase), work);

/// <summary>Runs <paramref name="work"/> once, just before the first command whose text <paramref name="at"/> matches.</summary>
public class BeforeCommand(Func<string, bool> at, Func<Task> work) : DbCommandInterceptor
{
    public bool Ran { get; private set; }

    private async Task OnceAsync(DbCommand command)
    {
        if (!Ran && at(command.CommandText.TrimStart()))
        {
            Ran = true;
            await work();
        }
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await OnceAsync(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await OnceAsync(command);
        return result;
    }
}

/// <summary>A save that adds invitations fails, as a full disk or a lost connection would make it.</summary>
public sealed class InvitationsFailToSave : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        eventData.Context!.ChangeTracker.Entries<Tandem.Features.Surveys.SurveyInvitation>().Any(e => e.State == EntityState.Added)
            ? throw new InvalidOperationException("The disk is full.")
            : ValueTask.FromResult(result);
}
