using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class SaveApplicationRequest
{
    /// <summary>mentor, mentee or peer (only when starting through the program's collection).</summary>
    [StringLength(20)]
    public string? Role { get; set; }

    /// <summary>Every answer, keyed by question id; a save replaces the previous answers.</summary>
    public Dictionary<string, JsonElement>? Answers { get; set; }

    public bool AcceptsCodeOfConduct { get; set; }

    [Range(5, 120)]
    public int? Age { get; set; }

    [StringLength(120)]
    public string? GuardianName { get; set; }

    [EmailAddress, StringLength(256)]
    public string? GuardianEmail { get; set; }

    /// <summary>
    /// The ids of the sensitive questions whose answers the applicant lets the program use for matching and diversity
    /// reports; an answer without consent is kept for the applicant only (ADR 49).
    /// </summary>
    [MaxLength(100)]
    public List<string>? SensitiveConsents { get; set; }

    /// <summary>False saves a draft (incomplete is fine); true submits (every required answer, code of conduct accepted).</summary>
    public bool Submit { get; set; }

    /// <summary>
    /// The form version the answers were typed on (0: no form was shown). When given and no longer the current version,
    /// nothing is saved and the answer is 409: what the new version asks as sensitive or private may differ (ADR 104).
    /// </summary>
    [Range(0, int.MaxValue)]
    public int? FormVersion { get; set; }

    /// <summary>
    /// The organisation's privacy notice version the applicant was shown (0: none). On the first submission, when given and
    /// no longer the current one, nothing is saved and the answer is 409, so consent is recorded only on what they read (ADR 104).
    /// </summary>
    [Range(0, int.MaxValue)]
    public int? PrivacyNoticeVersion { get; set; }

    /// <summary>The program's data-use notice version the applicant was shown (0: none); as <see cref="PrivacyNoticeVersion"/>.</summary>
    [Range(0, int.MaxValue)]
    public int? DataUseNoticeVersion { get; set; }
}

/// <summary>
/// The applicant saves a draft of, or submits, their application for a role. Only while the program is
/// recruiting (409 otherwise); a submitted application can be changed (it stays complete and submitted) until a
/// coordinator decides it, then 409 saying the decision. A draft moves to the role's
/// current form version, keeping the answers that still apply. Returns the view from the rows it saved (no second read).
/// </summary>
public sealed class SaveApplication(TandemDb db, Privacy.RecordApplicantConsent consent, Privacy.ConsentMail consentMail, TimeProvider clock)
{
    public async Task<Outcome<MyApplicationView>> RunAsync(Actor actor, Guid programId, string? role, SaveApplicationRequest request, CancellationToken ct = default)
    {
        var program = await db.Programs.Where(p => p.Id == programId).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        if (ScreeningAccess.CheckRole(program, role, out var programRole) is { } wrongRole)
        {
            return wrongRole;
        }
        if (program.Status != ProgramStatus.Recruiting)
        {
            return new Conflict("This program is not taking applications right now.");
        }
        var application = await db.Set<Application>()
            .SingleOrDefaultAsync(a => a.ProgramId == programId && a.UserId == actor.UserId && a.Role == programRole, ct);
        if (application is not null && ApplicationRules.DecidedProblem(application) is { } decided)
        {
            return decided;
        }
        // A submitted application stays submitted when its applicant changes it, so it stays complete.
        var submitting = request.Submit || application?.Status == ApplicationStatus.Submitted;
        var form = await ApplicationRules.CurrentFormAsync(db, programId, programRole, ct);
        if (request.FormVersion is { } typedOn && typedOn != (form?.Version ?? 0))
        {
            // Answers typed under another version carry that version's promises (withheld, for coordinators only): applying the
            // current version's flags to them could hand a withheld answer to reviewers. The applicant checks them on this one.
            return new Conflict(ApplicationRules.FormChanged);
        }
        var questions = form?.Questions() ?? [];
        var (answers, errors) = AnswerSheet.Check(questions, request.Answers, complete: submitting);

        var includesMinors = await db.Organisations.Where(o => o.Id == program.OrganisationId).Select(o => o.IncludesMinors).SingleAsync(ct);
        int? age = includesMinors ? request.Age : null;
        var minor = age is < 18;
        var guardianName = minor ? Trimmed(request.GuardianName) : null;
        var guardianEmail = minor ? Trimmed(request.GuardianEmail) : null;
        if (age is not (null or (>= 5 and <= 120)))
        {
            errors[nameof(request.Age)] = ["Give an age between 5 and 120."];
        }
        if (guardianName?.Length > 120)
        {
            errors[nameof(request.GuardianName)] = ["Keep the name to 120 characters or fewer."];
        }
        if (guardianEmail is not null)
        {
            switch (await Privacy.GuardianAddress.CheckAsync(db, actor.UserId, guardianEmail, ct))
            {
                case (string address, null):
                    guardianEmail = address;
                    break;
                case (_, string problem):
                    errors[nameof(request.GuardianEmail)] = [problem];
                    break;
            }
        }
        if (request.Submit && application?.Status != ApplicationStatus.Submitted && !await db.Users.AnyAsync(u => u.Id == actor.UserId && u.EmailConfirmed, ct))
        {
            return new Forbidden(ApplicationRules.UnverifiedEmail);
        }
        if (submitting)
        {
            if (!request.AcceptsCodeOfConduct)
            {
                errors[nameof(request.AcceptsCodeOfConduct)] = ["Accept the program's code of conduct to apply."];
            }
            if (includesMinors && age is null)
            {
                errors[nameof(request.Age)] = ["Give your age."];
            }
            if (minor && guardianName is null)
            {
                errors[nameof(request.GuardianName)] = ["Under 18: give a parent's or guardian's name."];
            }
            if (minor && guardianEmail is null)
            {
                errors[nameof(request.GuardianEmail)] = ["Under 18: give a parent's or guardian's e-mail address."];
            }
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        (int? Privacy, int? DataUse)? shownNotices = null;
        if (request.Submit && (application?.Status is null or ApplicationStatus.Draft)
            && (request.PrivacyNoticeVersion is not null || request.DataUseNoticeVersion is not null))
        {
            // Submitting records consent to the notices shown: a notice published since the page was opened was never read.
            var (privacy, dataUse) = await Privacy.Notices.CurrentAsync(db, program.OrganisationId, programId, ct);
            if ((request.PrivacyNoticeVersion is { } p && p != (privacy?.Version ?? 0)) || (request.DataUseNoticeVersion is { } d && d != (dataUse?.Version ?? 0)))
            {
                return new Conflict(ApplicationRules.NoticesChanged);
            }
            shownNotices = (privacy?.Version, dataUse?.Version);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (application is null)
        {
            application = new Application(programId, actor.UserId, programRole, form?.Id, now);
            db.Add(application);
        }
        // Sensitive answers are used only with consent: the others are set aside where only the applicant reads them.
        var previous = application.SensitiveConsents();
        var consents = new Dictionary<string, DateTime>();
        var withheld = new Dictionary<string, JsonElement>();
        foreach (var question in questions.Where(q => q.Sensitive))
        {
            if (request.SensitiveConsents?.Contains(question.Id) == true)
            {
                consents[question.Id] = previous.TryGetValue(question.Id, out var given) ? given : now;
            }
            else if (answers.Remove(question.Id, out var answer))
            {
                withheld[question.Id] = answer;
            }
        }
        // A withheld answer to a question this form no longer asks as sensitive stays withheld: it was given on the promise that
        // only the applicant sees it, and an answer to the open question is a new one.
        foreach (var (key, answer) in AnswerSheet.Parse(application.WithheldAnswersJson))
        {
            if (questions.Any(q => q.Id == key && !q.Sensitive))
            {
                withheld.TryAdd(key, answer);
            }
        }
        application.SaveDraft(form?.Id, AnswerSheet.Serialize(answers), request.AcceptsCodeOfConduct, age, guardianName, guardianEmail, now);
        application.SetSensitive(AnswerSheet.Serialize(withheld), consents);
        Privacy.GuardianAsk? ask = null;
        if (request.Submit && application.Status == ApplicationStatus.Draft)
        {
            application.Submit(now);
            // Submitting is when consent is asked for (ADR 48): the applicant's own, on the notices the form showed, or
            // under the organisation's consent age their guardian's, by e-mail after this commit.
            ask = await consent.PrepareAsync(actor.UserId, programId, age, guardianEmail, shownNotices, ct);
        }
        else if (application.Status == ApplicationStatus.Submitted && minor)
        {
            // A correction of the age (17 to 12, say) before anyone decides: under the consent age the guardian is asked.
            ask = await consent.AgeChangedAsync(actor.UserId, programId, age, guardianEmail, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsUniqueViolation())
        {
            return new Conflict("Your application was saved from elsewhere at the same moment; reload and try again.");
        }
        if (ask is not null)
        {
            await consentMail.SendAsync([ask], ct);
        }
        return GetMyApplication.View(application, program.Name, form?.Version, questions);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
