using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Tandem.Components.Shared;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications.Pages;

public partial class ApplyPage
{
    private PublicProgramView? program;
    private ApplicationForm? form;
    private Tandem.Features.Privacy.ProgramNotices? notices;
    private bool signedIn;
    private Dictionary<string, JsonElement> answers = [];
    private bool acceptsCode;
    private HashSet<string> consents = [];
    private string? age, guardianName, guardianEmail;
    private IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
    private Failure? failure;
    private bool saved;
    private string? arranged;
    private int offset;
    private Failure? invitationProblem;
    private Tandem.Features.Accounts.EmailVerificationStatus? verification;
    private bool linkSent;
    // An application posted after the program stopped recruiting or after the application was decided: its form is rendered
    // with what was posted so the post reaches SaveAsync, whose 409 is shown with everything typed kept (a form that is not
    // on the page answers a bare 400 and loses it, ADR 118).
    private bool applicationPosted;

    [Parameter] public Guid ProgramId { get; set; }
    [Parameter] public string Role { get; set; } = "";
    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;
    [SupplyParameterFromForm(FormName = "sign-up")] private SignUpRequest SignUp { get; set; } = default!;
    [SupplyParameterFromQuery(Name = "invitation")] private string? InvitationToken { get; set; }
    [SupplyParameterFromQuery(Name = "channel")] private string? Channel { get; set; }

    private string RoleName => Role.ToLowerInvariant();

    /// <summary>Changing a submitted application nobody has decided yet (it stays submitted).</summary>
    private bool Editing => form?.Mine?.Status == ApplicationStatus.Submitted;
    private string HereUrl => new Uri(Navigation.Uri).PathAndQuery;

    protected override async Task OnInitializedAsync()
    {
        SignUp ??= new SignUpRequest();
        var outcome = await GetPublicProgram.RunAsync(ProgramId);
        var role = ScreeningAccess.ParseRole(Role);
        if (outcome.Failure is not null || role is null || !outcome.Value!.Roles.Contains(role.Value))
        {
            Navigation.NotFound();
            return;
        }
        program = outcome.Value;
        notices = (await GetProgramNotices.RunAsync(ProgramId)).Value;
        signedIn = HttpContext.User.Identity?.IsAuthenticated == true;
        if (!signedIn)
        {
            await PrefillFromInvitationAsync();
            return;
        }
        verification = (await GetEmailVerification.RunAsync(Actor.From(HttpContext.User))).Value;
        var loaded = await GetApplicationForm.RunAsync(Actor.From(HttpContext.User), ProgramId, Role);
        form = loaded.Value;
        if (form is null)
        {
            Navigation.NotFound();
            return;
        }
        offset = WeeklyGrid.OffsetHours(form.TimeZoneId, Clock.GetUtcNow());
        applicationPosted = PostedForm.Name(HttpContext) == "application";
        if (form.Mine is { } mine)
        {
            Show(mine);
        }
    }

    private void Show(MyApplicationView mine)
    {
        answers = mine.Answers.ToDictionary();
        acceptsCode = mine.AcceptsCodeOfConduct;
        consents = mine.SensitiveConsents.ToHashSet();
        age = mine.Age?.ToString();
        guardianName = mine.GuardianName;
        guardianEmail = mine.GuardianEmail;
    }

    /// <summary>An invitation link fills in the name and address it was sent to (the person may change them).</summary>
    private async Task PrefillFromInvitationAsync()
    {
        if (!HttpMethods.IsGet(HttpContext.Request.Method) || string.IsNullOrWhiteSpace(InvitationToken))
        {
            return;
        }
        if ((await FindInvitation.RunAsync(InvitationToken)).Value is { Status: Tandem.Features.Recruitment.InvitationStatus.Sent or Tandem.Features.Recruitment.InvitationStatus.NotSent } invitation)
        {
            SignUp.DisplayName = $"{invitation.FirstName} {invitation.LastName}".Trim();
            SignUp.Email = invitation.Email;
        }
    }

    private async Task ResendAsync()
    {
        var outcome = await SendEmailVerification.RunAsync(Actor.From(HttpContext.User));
        if (outcome.Failure is { } f)
        {
            failure = f;
            HttpContext.Response.StatusCode = f.StatusCode();
            if (f is TooManyRequests limited)
            {
                HttpContext.Response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString();
            }
            return;
        }
        linkSent = true;
    }

    private async Task SignUpAsync()
    {
        var outcome = await SignUpApplicant.RunAsync(SignUp, HttpContext.Request.Headers.UserAgent.ToString(), InvitationToken);
        if (outcome.Failure is { } f)
        {
            failure = f;
            HttpContext.Response.StatusCode = f.StatusCode();
            return;
        }
        Navigation.NavigateTo(HereUrl, forceLoad: true);
    }

    private async Task SaveAsync()
    {
        if (form is null)
        {
            return;
        }
        var posted = await HttpContext.Request.ReadFormAsync();
        var intent = posted["intent"].ToString();
        var submit = intent == "submit";
        answers = ReadAnswers(posted);
        if (Arrange(intent, posted))
        {
            return;
        }
        acceptsCode = posted["acceptsCodeOfConduct"] == "true";
        consents = posted.Keys.Where(k => k.StartsWith("consent.", StringComparison.Ordinal) && posted[k] == "true").Select(k => k["consent.".Length..]).ToHashSet();
        age = posted["age"].ToString();
        guardianName = posted["guardianName"].ToString();
        guardianEmail = posted["guardianEmail"].ToString();
        int? parsedAge = int.TryParse(age, out var a) ? a : null;
        if (!string.IsNullOrWhiteSpace(age) && parsedAge is null)
        {
            errors = new Dictionary<string, string[]> { ["Age"] = ["Give your age as a number."] };
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (!string.IsNullOrWhiteSpace(InvitationToken) && form.Mine is null)
        {
            // The invitation link is used when the invitee first saves: single use, so a repeat is no news.
            var accepted = await AcceptInvitation.RunAsync(Actor.From(HttpContext.User), InvitationToken);
            invitationProblem = accepted.Failure is Conflict ? null : accepted.Failure;
        }
        var isNew = form.Mine is null;
        var typedOn = int.TryParse(posted["formVersion"], out var v) ? v : (int?)null;
        var outcome = await SaveApplication.RunAsync(Actor.From(HttpContext.User), ProgramId, Role, new SaveApplicationRequest
        {
            Answers = answers,
            AcceptsCodeOfConduct = acceptsCode,
            SensitiveConsents = consents.Take(100).ToList(),
            Age = parsedAge,
            GuardianName = guardianName,
            GuardianEmail = guardianEmail,
            Submit = submit,
            // What the page showed (a post without the fields, from a script, is saved on the current form as before).
            FormVersion = typedOn,
            PrivacyNoticeVersion = int.TryParse(posted["privacyNoticeVersion"], out var p) ? p : null,
            DataUseNoticeVersion = int.TryParse(posted["dataUseNoticeVersion"], out var d) ? d : null,
        });
        if (outcome.Failure is Conflict { Detail: ApplicationRules.FormChanged or ApplicationRules.NoticesChanged } changed)
        {
            await ShowChangedAsync(typedOn ?? 0);
            failure = changed;
            HttpContext.Response.StatusCode = StatusCodes.Status409Conflict;
            return;
        }
        if (outcome.Failure is Invalid invalid)
        {
            errors = invalid.Errors;
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (outcome.Failure is { } f)
        {
            failure = f;
            HttpContext.Response.StatusCode = f.StatusCode();
            return;
        }
        // Outreach counts: a start when the application is first saved, a submission when it is sent.
        if (isNew)
        {
            await RecordRecruitmentStep.RunAsync(Channel, Tandem.Features.Recruitment.RecruitmentStep.Start, programId: ProgramId);
        }
        if (submit && Editing)
        {
            saved = true;
            form = form with { Mine = outcome.Value };
            Show(outcome.Value!);
            return;
        }
        if (submit)
        {
            await RecordRecruitmentStep.RunAsync(Channel, Tandem.Features.Recruitment.RecruitmentStep.Submission, programId: ProgramId);
            Navigation.NavigateTo($"/my/applications?submitted={outcome.Value!.Id}");
            return;
        }
        saved = true;
        Show(outcome.Value!);
    }

    /// <summary>
    /// The form or the notices changed while the page was open: the page comes back on the current form and notices, keeping
    /// what was typed where it still fits, an answer given as sensitive or private only where it still is (ADR 104).
    /// </summary>
    private async Task ShowChangedAsync(int typedOn)
    {
        notices = (await GetProgramNotices.RunAsync(ProgramId)).Value;
        var current = (await GetApplicationForm.RunAsync(Actor.From(HttpContext.User), ProgramId, Role)).Value;
        if (current is null)
        {
            return;
        }
        // The answers were read by the questions of the form loaded with this request, which may be newer than the page's.
        var shown = typedOn == current.FormVersion ? current.Questions : await GetApplicationForm.QuestionsOfVersionAsync(ProgramId, current.Role, typedOn);
        answers = AnswerSheet.CarryOver(shown, current.Questions, answers);
        consents = consents.Where(id => shown.Any(q => q.Id == id && q.Sensitive) && current.Questions.Any(q => q.Id == id && q.Sensitive)).ToHashSet();
        form = current;
    }

    private Dictionary<string, JsonElement> ReadAnswers(IFormCollection posted)
    {
        var read = new Dictionary<string, JsonElement>();
        foreach (var q in form!.Questions)
        {
            var values = posted[$"q.{q.Id}"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            object? value = q.Type switch
            {
                QuestionType.MultipleChoice => values,
                QuestionType.Availability => LocalSlots(posted, q.Id).Select(s => s is >= 0 and < AnswerSheet.SlotsPerWeek ? WeeklyGrid.ToUtc(s, offset) : -1).Order().ToList(),
                QuestionType.Scale => values.Count == 0 ? null : int.TryParse(values[0], out var n) ? n : values[0],
                QuestionType.Consent => values.Contains("true"),
                QuestionType.RankedChoice => q.Options
                    .Select((option, i) => (option, rank: int.TryParse(posted[$"q.{q.Id}.{i}"], out var r) ? r : 0))
                    .Where(x => x.rank > 0).OrderBy(x => x.rank).Select(x => x.option).ToList(),
                _ => values.Count == 0 ? null : values[0],
            };
            if (value is not null)
            {
                read[q.Id] = JsonSerializer.SerializeToElement(value);
            }
        }
        return read;
    }

    /// <summary>
    /// The hours a person is free, in their zone: each day's time ranges (selects "q.ID.dDAY.from.K" and ".to.K"), and
    /// the hour slots a client without the ranges may still post as "q.ID" values (kept working for scripts and old pages).
    /// A slot that is not a number is kept as -1, so the answer check refuses it as before.
    /// </summary>
    private static HashSet<int> LocalSlots(IFormCollection posted, string questionId)
    {
        var slots = posted[$"q.{questionId}"].Where(v => !string.IsNullOrEmpty(v)).Select(v => int.TryParse(v, out var s) ? s : -1).ToHashSet();
        var prefix = $"q.{questionId}.d";
        foreach (var key in posted.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Contains(".from.", StringComparison.Ordinal)))
        {
            var parts = key[prefix.Length..].Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], out var day) && day is >= 0 and < 7
                && int.TryParse(posted[key], out var from) && int.TryParse(posted[$"{prefix}{day}.to.{parts[2]}"], out var to))
            {
                slots.UnionWith(WeeklyGrid.Slots(day, from, to));
            }
        }
        return slots;
    }

    /// <summary>
    /// "Copy Monday to weekdays", "Copy Monday to all days" and "Add a time" change the availability shown, keeping every
    /// other answer as typed, without saving: the page comes back with the change (and an empty time to fill on each day).
    /// </summary>
    private bool Arrange(string intent, IFormCollection posted)
    {
        var (action, questionId) = intent.Split(':', 2) is [var a, var id] ? (a, id) : ("", "");
        if (action is not ("copy-weekdays" or "copy-all" or "more") || form!.Questions.FirstOrDefault(q => q.Id == questionId && q.Type == QuestionType.Availability) is null)
        {
            return false;
        }
        acceptsCode = posted["acceptsCodeOfConduct"] == "true";
        age = posted["age"].ToString();
        guardianName = posted["guardianName"].ToString();
        guardianEmail = posted["guardianEmail"].ToString();
        if (action != "more")
        {
            var local = WeeklyGrid.CopyMonday(LocalSlots(posted, questionId), action == "copy-all" ? WeeklyGrid.AllOtherDays : WeeklyGrid.Weekdays);
            answers[questionId] = JsonSerializer.SerializeToElement(local.Select(s => WeeklyGrid.ToUtc(s, offset)).Order().ToList());
            arranged = action == "copy-all" ? "Monday's times are copied to every day." : "Monday's times are copied to Tuesday to Friday.";
        }
        else
        {
            arranged = "Each day has room for another time.";
        }
        return true;
    }

    private string ShowAnswer(Question q, MyApplicationView mine)
    {
        if (!mine.Answers.TryGetValue(q.Id, out var value))
        {
            return "—";
        }
        if (q.Type != QuestionType.Availability)
        {
            return AnswerSheet.Display(q, value);
        }
        var local = value.EnumerateArray().Where(e => e.TryGetInt32(out _)).Select(e => WeeklyGrid.ToLocal(e.GetInt32(), offset));
        return $"{WeeklyGrid.Describe(local)} ({form!.TimeZoneId})";
    }

    private IEnumerable<string> Errors(string key) => errors.TryGetValue(key, out var messages) ? messages : [];
}
