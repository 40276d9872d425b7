using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Tests.Accounts;

/// <summary>
/// Another request's write to the user row, made once, in the instant between a request reading the row and saving a change
/// of <paramref name="column"/> to it: it changes the row's concurrency stamp, as any save of the account through Identity
/// does. Armed from the start, or from <see cref="Arm"/> when the test first makes changes of its own.
/// </summary>
internal sealed class WriteToTheUserJustBefore(string normalizedEmail, string column, bool armed = true) : DbCommandInterceptor
{
    private int state = armed ? 1 : 2;

    public bool Done => state == 0;

    public void Arm() => Interlocked.Exchange(ref state, 1);

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        await WriteFirstAsync(command, ct);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken ct = default)
    {
        await WriteFirstAsync(command, ct);
        return result;
    }

    private async Task WriteFirstAsync(DbCommand command, CancellationToken ct)
    {
        if (!command.CommandText.Contains("UPDATE \"AspNetUsers\"") || !command.CommandText.Contains($"\"{column}\"")
            || Interlocked.CompareExchange(ref state, 0, 1) != 1)
        {
            return;
        }
        await using var other = command.Connection!.CreateCommand();
        other.Transaction = command.Transaction;
        other.CommandText = "UPDATE \"AspNetUsers\" SET \"ConcurrencyStamp\" = 'saved by another request' WHERE \"NormalizedEmail\" = @email";
        var email = other.CreateParameter();
        email.ParameterName = "@email";
        email.Value = normalizedEmail;
        other.Parameters.Add(email);
        Assert.Equal(1, await other.ExecuteNonQueryAsync(ct));
    }
}
