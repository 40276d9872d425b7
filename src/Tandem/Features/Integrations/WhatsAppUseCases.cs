using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Integrations;

/// <summary>
/// A program's WhatsApp account as its coordinators see it: the token never, only whether one is set; how many people opted
/// in (never who: their numbers are theirs, ADR 69) and what became of the messages sent.
/// </summary>
public sealed record ProgramWhatsAppView(Guid ProgramId, string? PhoneNumberId, bool TokenSet, string? AnnouncementTemplate, string? ReminderTemplate,
    string LanguageCode, bool Connected, int OptedIn, int MessagesSent, int MessagesWaiting, int MessagesGivenUp, DateTime? UpdatedAt);

/// <summary>Each field: left out (null) keeps it, "" clears it, a value sets it.</summary>
public sealed class ChangeProgramWhatsAppRequest
{
    /// <summary>The Cloud API phone-number id the program sends from (digits, from the WhatsApp Business Manager).</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>A system-user access token with whatsapp_business_messaging; write-only, never returned.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The approved template for announcements: body {{1}} program, {{2}} title, {{3}} short text.</summary>
    public string? AnnouncementTemplate { get; set; }

    /// <summary>The approved template for event reminders: body {{1}} program, {{2}} event, {{3}} when, {{4}} where.</summary>
    public string? ReminderTemplate { get; set; }

    /// <summary>The templates' language code, as approved (en, en_US, pt_BR…).</summary>
    public string? LanguageCode { get; set; }
}

/// <summary>The program's WhatsApp account, for its coordinators (others who see the program: 403; anyone else: 404).</summary>
public sealed class GetProgramWhatsApp(TandemDb db, ProgramAccess programs)
{
    public const string OnlyCoordinators = "Only the program's coordinators see and change its WhatsApp account.";

    public async Task<Outcome<ProgramWhatsAppView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (program.Failure is { } failure)
        {
            return failure;
        }
        var account = await db.Set<ProgramWhatsApp>().AsNoTracking().SingleOrDefaultAsync(w => w.ProgramId == programId, ct);
        return await ViewAsync(db, programId, account, ct);
    }

    internal static async Task<ProgramWhatsAppView> ViewAsync(TandemDb db, Guid programId, ProgramWhatsApp? account, CancellationToken ct)
    {
        var optedIn = await db.Set<WhatsAppOptIn>().CountAsync(o => o.ProgramId == programId, ct);
        var posts = await db.Set<OutboundPost>().Where(p => p.ProgramId == programId && p.Target == OutboundTarget.WhatsApp)
            .GroupBy(p => p.SentAt != null ? 0 : p.GaveUpAt != null ? 2 : 1).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(int key) => posts.Where(p => p.Key == key).Sum(p => p.Count);
        return new ProgramWhatsAppView(programId, account?.PhoneNumberId, account?.ProtectedToken is not null, account?.AnnouncementTemplate, account?.ReminderTemplate,
            account?.LanguageCode ?? "en", account?.Connected == true, optedIn, Count(0), Count(1), Count(2), account?.UpdatedAt);
    }
}

/// <summary>Sets, changes or clears a program's WhatsApp account; the token is stored encrypted and never shown back.</summary>
public sealed class ChangeProgramWhatsApp(TandemDb db, ProgramAccess programs, IDataProtectionProvider protection, TimeProvider clock)
{
    public const int TokenMin = 20;
    public const int TokenMax = 2000;

    public async Task<Outcome<ProgramWhatsAppView>> RunAsync(Actor actor, Guid programId, ChangeProgramWhatsAppRequest request, CancellationToken ct = default)
    {
        var program = await programs.FindManagedAsync(actor, programId, ct, GetProgramWhatsApp.OnlyCoordinators, tracked: false);
        if (program.Failure is { } failure)
        {
            return failure;
        }
        var account = await db.Set<ProgramWhatsApp>().SingleOrDefaultAsync(w => w.ProgramId == programId, ct);
        var errors = new Dictionary<string, string[]>();
        string? Pick(string field, string? value, string? current, Func<string, bool> valid, string message)
        {
            if (value is null)
            {
                return current;
            }
            var text = value.Trim();
            if (text.Length == 0)
            {
                return null;
            }
            if (!valid(text))
            {
                errors[field] = [message];
            }
            return text;
        }
        var phone = Pick("phoneNumberId", request.PhoneNumberId, account?.PhoneNumberId, WhatsAppPayloads.IsPhoneNumberId,
            "The phone-number id is the number WhatsApp Manager shows for the sending number (5 to 30 digits), not the phone number itself.");
        var announcement = Pick("announcementTemplate", request.AnnouncementTemplate, account?.AnnouncementTemplate, WhatsAppPayloads.IsTemplateName,
            "A template name is lower-case letters, digits and underscores, as approved in WhatsApp Manager.");
        var reminder = Pick("reminderTemplate", request.ReminderTemplate, account?.ReminderTemplate, WhatsAppPayloads.IsTemplateName,
            "A template name is lower-case letters, digits and underscores, as approved in WhatsApp Manager.");
        var language = Pick("languageCode", request.LanguageCode, account?.LanguageCode, WhatsAppPayloads.IsLanguage,
            "The language is the template's code as approved, such as en, en_US or pt_BR.") ?? "en";
        var token = account?.ProtectedToken;
        if (request.AccessToken is { } given)
        {
            var text = given.Trim();
            if (text.Length == 0)
            {
                token = null;
            }
            // Printable ASCII only, as Meta's tokens are: a token of multi-byte characters would outgrow its column once protected.
            else if (text.Length is < TokenMin or > TokenMax || text.Any(c => c is < '!' or > '~'))
            {
                errors["accessToken"] = [$"The access token is {TokenMin} to {TokenMax} characters without spaces, as WhatsApp Manager gives it."];
            }
            else
            {
                token = HttpOutbox.TokenProtector(protection).Protect(text);
            }
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        if (account is null)
        {
            account = new ProgramWhatsApp(programId);
            db.Add(account);
        }
        account.Change(phone, token, announcement, reminder, language, actor.UserId, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two first saves at once (a double click): the other connected the account; this one's fields were
            // checked against no account, so it is not applied over it blindly.
            return new Conflict("This program's WhatsApp account was saved by another request at the same moment; reload and check it.");
        }
        return await GetProgramWhatsApp.ViewAsync(db, programId, account, ct);
    }
}

/// <summary>The reader's own WhatsApp number and, for each of their programs with WhatsApp, whether they opted in.</summary>
public sealed record MyWhatsAppView(string? Number, bool CanOptIn, string? WhyNot, IReadOnlyList<MyWhatsAppProgram> Programs);

public sealed record MyWhatsAppProgram(Guid ProgramId, string ProgramName, bool OptedIn);

/// <summary><c>number</c>: left out keeps it, "" removes it (and every opt-in); <c>programIds</c>: left out keeps them, a list is the whole new set.</summary>
public sealed class ChangeMyWhatsAppRequest
{
    /// <summary>The reader's WhatsApp number in international form: +, country code and number (8 to 15 digits in all).</summary>
    public string? Number { get; set; }

    /// <summary>The programs whose announcements and event reminders the reader wants on WhatsApp; [] opts out of all.</summary>
    public List<Guid>? ProgramIds { get; set; }
}

/// <summary>A number that is not E.164 (422), with the field named; nothing was changed.</summary>
public sealed record WhatsAppNumberInvalid(string Message) : Unprocessable("The WhatsApp number cannot be used", Message)
{
    public override string ListName => "errors";

    public override object List => new Dictionary<string, string[]> { ["number"] = [Message] };
}

/// <summary>The reader's own WhatsApp settings; no one reads another person's.</summary>
public sealed class GetMyWhatsApp(TandemDb db, IMinors minors)
{
    public const string MinorsMayNot = "WhatsApp messages are for participants aged 18 and over: Tandem does not send a young person's announcements to a personal messaging app. Your notices stay in Tandem and your e-mail.";

    public async Task<MyWhatsAppView> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var number = await db.Set<WhatsAppNumber>().AsNoTracking().Where(n => n.UserId == actor.UserId).Select(n => n.Number).SingleOrDefaultAsync(ct);
        var minor = (await minors.WhichAsync([actor.UserId], ct)).Count > 0;
        return new MyWhatsAppView(number, !minor, minor ? MinorsMayNot : null, await ProgramsAsync(db, actor.UserId, ct));
    }

    /// <summary>The reader's programs whose coordinators connected WhatsApp, with their choice for each.</summary>
    internal static async Task<List<MyWhatsAppProgram>> ProgramsAsync(TandemDb db, Guid userId, CancellationToken ct)
    {
        var connected = db.Set<ProgramWhatsApp>().Where(w => w.PhoneNumberId != null && w.ProtectedToken != null).Select(w => w.ProgramId);
        return await db.Programs.AsNoTracking()
            .Where(p => connected.Contains(p.Id) && db.Enrolments.Any(e => e.ProgramId == p.Id && e.UserId == userId))
            .OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Select(p => new MyWhatsAppProgram(p.Id, p.Name, db.Set<WhatsAppOptIn>().Any(o => o.ProgramId == p.Id && o.UserId == userId)))
            .ToListAsync(ct);
    }
}

/// <summary>
/// The reader sets or removes their own number and opts in or out per program. An opt-out (or removing the number) deletes
/// the opt-ins in the same transaction, and the outbox reads opt-ins at each attempt, so nothing more is sent from that moment.
/// </summary>
public sealed class ChangeMyWhatsApp(TandemDb db, IMinors minors, TimeProvider clock)
{
    private const string ChangedMeanwhile = "Your WhatsApp settings were changed at the same moment elsewhere; load them again and retry.";

    /// <summary>
    /// A form sent twice (or from two tabs) at once: the second read a number or opt-in the first then deleted or added. The
    /// choice is the same whichever came first, so it is made again once over what is stored now, never a 500 (ADR 105).
    /// </summary>
    public async Task<Outcome<MyWhatsAppView>> RunAsync(Actor actor, ChangeMyWhatsAppRequest request, CancellationToken ct = default)
    {
        try
        {
            return await RunOnceAsync(actor, request, ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
        }
        try
        {
            return await RunOnceAsync(actor, request, ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict(ChangedMeanwhile);
        }
    }

    private async Task<Outcome<MyWhatsAppView>> RunOnceAsync(Actor actor, ChangeMyWhatsAppRequest request, CancellationToken ct)
    {
        string? number = null;
        if (request.Number is { } given && given.Trim().Length > 0)
        {
            number = WhatsAppPayloads.Normalise(given);
            if (number is null)
            {
                return new WhatsAppNumberInvalid("Give the number in international form: a +, the country code and the number, 8 to 15 digits in all (such as +447700900123).");
            }
        }
        var removing = request.Number is { } r && r.Trim().Length == 0;
        var userId = actor.UserId;
        var minor = (await minors.WhichAsync([userId], ct)).Count > 0;
        var wanted = request.ProgramIds?.Distinct().ToList();
        if (minor && (number is not null || wanted is { Count: > 0 }))
        {
            return new Forbidden(GetMyWhatsApp.MinorsMayNot);
        }
        var programs = await GetMyWhatsApp.ProgramsAsync(db, userId, ct);
        if (wanted is not null)
        {
            var unknown = wanted.Where(id => programs.All(p => p.ProgramId != id)).ToList();
            if (unknown.Count > 0)
            {
                return Invalid.Field("programIds", "You can opt in only to programs you take part in whose coordinators have connected WhatsApp.");
            }
        }
        var stored = await db.Set<WhatsAppNumber>().SingleOrDefaultAsync(n => n.UserId == userId, ct);
        var hasNumber = number is not null || (stored is not null && !removing);
        if (wanted is { Count: > 0 } && !hasNumber)
        {
            return Invalid.Field("number", "Add your WhatsApp number before opting in.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var optIns = db.Set<WhatsAppOptIn>();
        if (removing)
        {
            if (stored is not null)
            {
                db.Remove(stored);
            }
            wanted = [];
        }
        else if (number is not null)
        {
            if (stored is null)
            {
                db.Add(new WhatsAppNumber(userId, number, now));
            }
            else
            {
                stored.Change(number, now);
            }
        }
        if (wanted is not null)
        {
            // The list replaces the choices the reader was shown. A program whose WhatsApp is disconnected for a while (a
            // token being replaced) is not shown, and its opt-in stays for when it is connected again; one for a program
            // they no longer take part in goes. Removing the number removes every opt-in.
            var current = await optIns.Where(o => o.UserId == userId).ToListAsync(ct);
            var shown = programs.Select(p => p.ProgramId).ToList();
            List<Guid> hidden = removing ? [] : await db.Enrolments.Where(e => e.UserId == userId && !shown.Contains(e.ProgramId)).Select(e => e.ProgramId).ToListAsync(ct);
            optIns.RemoveRange(current.Where(o => !wanted.Contains(o.ProgramId) && !hidden.Contains(o.ProgramId)));
            optIns.AddRange(wanted.Where(id => current.All(o => o.ProgramId != id)).Select(id => new WhatsAppOptIn(userId, id, now)));
        }
        await db.SaveChangesAsync(ct);
        return new MyWhatsAppView(removing ? null : number ?? stored?.Number, !minor, minor ? GetMyWhatsApp.MinorsMayNot : null, await GetMyWhatsApp.ProgramsAsync(db, userId, ct));
    }
}

/// <summary>
/// Queues one WhatsApp template message per opted-in person of an audience (ADR 69), through the outbound outbox: only the
/// people given who opted in to the program, have a number, are not known to be minors and whose account is not disabled; nothing when the program has
/// no connected account or no template for this kind. The rows are due now and sent by the outbox worker, with its
/// backoff; one per thing and person (the outbox's unique index), so a second call queues nothing twice.
/// </summary>
public sealed class SendWhatsAppMessages(TandemDb db, IMinors minors, TimeProvider clock)
{
    public async Task<int> RunAsync(Guid programId, string referenceKind, Guid referenceId, IReadOnlyCollection<Guid> audience, WhatsAppMessage message, CancellationToken ct = default)
    {
        var account = await db.Set<ProgramWhatsApp>().AsNoTracking().SingleOrDefaultAsync(w => w.ProgramId == programId, ct);
        if (account is not { Connected: true } || account.TemplateFor(message.Kind) is not { } template || audience.Count == 0)
        {
            return 0;
        }
        var ids = audience.Distinct().ToList();
        // A disabled (or erased) account is sent nothing, whatever list it is still on (ADR 97).
        var optedIn = await db.Set<WhatsAppOptIn>().Where(o => o.ProgramId == programId && ids.Contains(o.UserId)
                && db.Set<WhatsAppNumber>().Any(n => n.UserId == o.UserId) && db.Users.Any(u => u.Id == o.UserId && !u.IsDisabled))
            .Select(o => o.UserId).ToListAsync(ct);
        if (optedIn.Count == 0)
        {
            return 0;
        }
        var young = await minors.WhichAsync(optedIn, ct);
        var already = await db.Set<OutboundPost>().Where(p => p.ReferenceKind == referenceKind && p.ReferenceId == referenceId && p.Target == OutboundTarget.WhatsApp)
            .Select(p => p.TargetId).ToListAsync(ct);
        var recipients = optedIn.Except(young).Except(already).ToList();
        if (recipients.Count == 0)
        {
            return 0;
        }
        var payload = WhatsAppPayloads.Template(template, account.LanguageCode, message.Parameters);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = recipients.Select(id => OutboundPost.ToWhatsApp(programId, id, referenceKind, referenceId, payload, now)).ToList();
        db.Set<OutboundPost>().AddRange(rows);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another pass queued the same thing at the same moment: theirs stand.
            foreach (var row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }
            return 0;
        }
        return rows.Count;
    }
}
