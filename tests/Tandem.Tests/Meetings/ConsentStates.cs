using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Privacy;

namespace Tandem.Tests.Meetings;

/// <summary>A person's consent to a program put into a state that holds them back (ADR 48), as the privacy features leave it.</summary>
public static class ConsentStates
{
    /// <summary>
    /// Their consent to the program becomes <paramref name="state"/> (a row is made when they have none, as for a person
    /// enrolled by hand); <paramref name="withdrawn"/> also runs what a guardian's withdrawal runs: the relationships pause.
    /// </summary>
    public static async Task HoldBackAsync(IServiceProvider services, Guid userId, Guid programId, ConsentState state = ConsentState.RenewalNeeded,
        bool withdrawn = false)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
            var at = DateTime.UtcNow;
            var consent = await db.Set<Consent>().SingleOrDefaultAsync(c => c.UserId == userId && c.ProgramId == programId && c.Purpose == ConsentPurpose.Program);
            if (consent is null)
            {
                var organisationId = await db.Programs.Where(p => p.Id == programId).Select(p => p.OrganisationId).SingleAsync();
                consent = new Consent(userId, programId, organisationId, ConsentPurpose.Program, at);
                db.Add(consent);
                db.Add(consent.Record(ConsentState.Given, ConsentGiver.Participant, userId, null, null, null, at));
            }
            db.Add(state == ConsentState.RenewalNeeded ? consent.NeedsRenewal(at) : consent.Record(state, ConsentGiver.Guardian, null, null, null, null, at));
            await db.SaveChangesAsync();
        }
        if (withdrawn)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ConsentWithdrawal>().RunAsync(userId, programId, "their guardian", CancellationToken.None);
        }
    }

    /// <summary>The notifications stored for the person (every kind), and the e-mails queued for their address.</summary>
    public static async Task<(int Notices, int Emails)> ReachedAsync(IServiceProvider services, Guid userId, string email)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var notices = await db.Set<Tandem.Features.Notifications.Notification>().CountAsync(n => n.UserId == userId);
        var emails = await db.Set<Tandem.Infrastructure.Email.OutgoingEmail>().CountAsync(e => e.Recipient.Contains(email));
        return (notices, emails);
    }
}
