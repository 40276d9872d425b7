using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Figures;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Time-span settings are checked against their bounds, with the range in the message, and checking them from many
/// threads at once never throws (RangeAttribute's first use does, dotnet/runtime#1143: two test hosts starting together
/// failed on it).
/// </summary>
public sealed class TimeSpanRangeTests
{
    [Fact]
    public void ASettingOutsideItsBoundsIsRefusedWithTheBoundsInTheMessage()
    {
        var results = new List<ValidationResult>();
        var tooLong = new FiguresOptions { MaxAge = TimeSpan.FromHours(2) };
        Assert.False(Validator.TryValidateObject(tooLong, new ValidationContext(tooLong), results, validateAllProperties: true));
        Assert.Equal("The field MaxAge must be between 00:00:00 and 01:00:00.", Assert.Single(results).ErrorMessage);

        results.Clear();
        var fine = new FiguresOptions { MaxAge = TimeSpan.FromMinutes(1) };
        Assert.True(Validator.TryValidateObject(fine, new ValidationContext(fine), results, validateAllProperties: true));
        Assert.True(new TimeSpanRangeAttribute("00:00:01", "1.00:00:00").IsValid(TimeSpan.FromDays(1)));
        Assert.False(new TimeSpanRangeAttribute("00:00:01", "1.00:00:00").IsValid(TimeSpan.Zero));
    }

    [Fact]
    public async Task NewBoundsCheckedFromManyThreadsAtOnceNeverThrow()
    {
        for (var round = 0; round < 200; round++)
        {
            var range = new TimeSpanRangeAttribute("00:00:10", "1.00:00:00");
            using var start = new Barrier(4);
            var checks = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            {
                start.SignalAndWait();
                return range.IsValid(TimeSpan.FromSeconds(10 * (i + 1)));
            }));
            Assert.All(await Task.WhenAll(checks), Assert.True);
        }
    }

    [Fact]
    public async Task TheAppRefusesToStartWithASettingOutOfRange()
    {
        var error = new StringWriter();

        // A server that did start would never return: fail after a minute rather than hang the run.
        var run = TandemCli.RunAsync(
            ["--Figures:MaxAge=02:00:00", "--urls", "http://127.0.0.1:0", $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={TestDatabase.NewConnectionString()}"],
            new StringWriter(), error);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))) == run, "The server started.");

        Assert.Equal(1, await run);
        Assert.Contains("MaxAge must be between 00:00:00 and 01:00:00", error.ToString());
    }
}
