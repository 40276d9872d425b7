using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Engagement;

namespace Tandem.Tests.Privacy;

/// <summary>Where a planted marker is: every text column of every table, every outbox e-mail, every stored file (erasure and retention tests).</summary>
internal static class MarkerScan
{
    /// <summary>Every text column of every table, and every outbox e-mail read as MIME, that holds the marker ("table.column").</summary>
    public static Task<List<string>> WhereIsAsync(PairFixture fixture, string marker) => WhereIsAsync(fixture.Tandem, marker);

    /// <inheritdoc cref="WhereIsAsync(PairFixture, string)"/>
    public static Task<List<string>> WhereIsAsync(Tandem.Tests.Infrastructure.TandemFactory factory, string marker) => factory.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var found = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
        {
            var table = entity.GetTableName()!;
            foreach (var column in entity.GetProperties().Where(p => p.ClrType == typeof(string)).Select(p => p.GetColumnName()).Distinct())
            {
#pragma warning disable EF1002 // the table and column names come from the model, the marker is a parameter
                var count = await db.Database.SqlQueryRaw<int>($"SELECT COUNT(*) AS \"Value\" FROM \"{table}\" WHERE \"{column}\" LIKE {{0}}", $"%{marker}%").SingleAsync();
#pragma warning restore EF1002
                if (count > 0)
                {
                    found.Add($"{table}.{column}");
                }
            }
        }
        foreach (var mime in await db.Set<OutgoingEmail>().Select(e => e.Mime).ToListAsync())
        {
            var message = MimeMessage.Load(new MemoryStream(mime));
            if ($"{message.Subject}\n{message.TextBody}\n{message.HtmlBody}\n{message.To}".Contains(marker, StringComparison.Ordinal))
            {
                found.Add("OutgoingEmails.Mime");
            }
        }
        return found;
    });

    /// <summary>The stored files (uploaded attachments, and any file in the data directory) that contain the marker.</summary>
    public static async Task<List<string>> FilesHoldingAsync(PairFixture fixture, string marker)
    {
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Infrastructure.Files.StoredFile>().AsNoTracking()
            .Select(f => new { f.Key, f.Content }).ToListAsync());
        var onDisk = !Directory.Exists(fixture.Tandem.DataDirectory) ? [] : Directory.EnumerateFiles(fixture.Tandem.DataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => new { Key = f, Content = File.ReadAllBytes(f) }).ToList();
        return stored.Concat(onDisk).Where(f => System.Text.Encoding.UTF8.GetString(f.Content).Contains(marker, StringComparison.Ordinal)).Select(f => f.Key).ToList();
    }
}
