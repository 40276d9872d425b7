using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
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
    public void TheAppRefusesToStartWithASettingOutOfRange()
    {
        using var factory = new TandemFactory();
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("Figures:MaxAge", "02:00:00"));
        var refused = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("MaxAge must be between 00:00:00 and 01:00:00", refused.Message);
    }
}
