using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed record ReviewQueueQuery(
    ApplicationStatus? Status = null, ProgramRole? Role = null, string? Sort = null, string? Answer = null,
    bool? Recommended = null, int Page = 1, int PageSize = 25)
{
    /// <summary>Sorting or filtering by an answer happens in memory over the filtered queue, up to this many applications.</summary>
    public const int MaxInMemory = 20_000;
}

public sealed record ReviewQueueItem(
    Guid Id, Guid UserId, string ApplicantName, string ApplicantEmail, ProgramRole Role, ApplicationStatus Status,
    DateTime? SubmittedAt, double? AverageRating, int RatingCount, int RecommendationCount, DateTime? DecidedAt, string? SortAnswer);

public sealed record RatingView(Guid CriterionId, string Criterion, Guid ReviewerId, string Reviewer, int Score, DateTime RatedAt);
public sealed record DecisionView(Decision Decision, Guid DecidedById, string DecidedBy, DateTime DecidedAt, string? Message, int? MentorCapacity);
public sealed record RecommendationView(Guid Id, Guid NominatedById, string NominatedBy, string Statement, DateTime CreatedAt);
public sealed record CriterionView(Guid Id, string Name, string? Description, int Position);

public sealed record ReviewApplicationView(
    Guid Id, Guid ProgramId, Guid UserId, string ApplicantName, string ApplicantEmail, string ApplicantTimeZone,
    ProgramRole Role, ApplicationStatus Status, int? FormVersion, IReadOnlyList<Question> Questions,
    IReadOnlyDictionary<string, JsonElement> Answers, bool AcceptsCodeOfConduct, int? Age, string? GuardianName, string? GuardianEmail,
    DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage, int? MentorCapacity, double? AverageRating,
    IReadOnlyList<RatingView> Ratings, IReadOnlyList<DecisionView> Decisions, IReadOnlyList<RecommendationView> Recommendations,
    IReadOnlyList<CriterionView> Criteria, bool CanDecide)
{
    /// <summary>Whether approving a mentor's capacity of N means one group of N mentees rather than N separate pairs (ADR 13).</summary>
    public bool MentorsLeadGroups { get; init; }
}

public sealed class AddCriterionRequest
{
    [Required, StringLength(80, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [StringLength(500)]
    public string? Description { get; set; }
}

public sealed class RatingInput
{
    [Required]
    public Guid? CriterionId { get; set; }

    [Required, Range(1, 5)]
    public int? Score { get; set; }
}

public sealed class RateRequest
{
    [Required, MinLength(1), MaxLength(50)]
    public List<RatingInput> Ratings { get; set; } = [];
}

public sealed class DecideRequest
{
    [Required]
    public Decision? Decision { get; set; }

    [StringLength(2000)]
    public string? Message { get; set; }

    /// <summary>Mentees a mentor takes; set when approving a mentor (default 1).</summary>
    [Range(1, 20)]
    public int? MentorCapacity { get; set; }
}

public sealed class BulkDecideRequest
{
    [Required, MinLength(1), MaxLength(BulkDecideRequest.MaxApplications)]
    public List<Guid> ApplicationIds { get; set; } = [];

    [Required]
    public Decision? Decision { get; set; }

    [StringLength(2000)]
    public string? Message { get; set; }

    [Range(1, 20)]
    public int? MentorCapacity { get; set; }

    public const int MaxApplications = 500;
}

public sealed record DecisionResult(Guid ApplicationId, ApplicationStatus Status, Guid? EnrolmentId);

/// <summary>A program's submitted applications for its coordinators and staff: filtered, sorted and paged.</summary>
public sealed class ListReviewQueue(TandemDb db, ScreeningAccess access)
{
    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid UserId { get; init; }
        public string Name { get; init; } = "";
        public string? Email { get; init; }
        public ProgramRole Role { get; init; }
        public ApplicationStatus Status { get; init; }
        public DateTime? SubmittedAt { get; init; }
        public DateTime? DecidedAt { get; init; }
        public string AnswersJson { get; init; } = "";
        public double? Average { get; init; }
        public double? CriterionAverage { get; init; }
        public int RatingCount { get; init; }
        public int Recommendations { get; init; }
    }

    public async Task<Outcome<Paged<ReviewQueueItem>>> RunAsync(Actor actor, Guid programId, ReviewQueueQuery query, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (query.Status == ApplicationStatus.Draft)
        {
            return Invalid.Field("status", "Drafts belong to their applicants until they submit them.");
        }
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var sort = (query.Sort ?? "submitted").Trim();
        var descending = sort.StartsWith('-');
        var sortKey = sort.TrimStart('-');
        Guid criterionId = Guid.Empty;
        string? answerSort = null;
        if (sortKey.StartsWith("criterion:", StringComparison.OrdinalIgnoreCase) && !Guid.TryParse(sortKey["criterion:".Length..], out criterionId))
        {
            return Invalid.Field("sort", "Sort by criterion:{criterionId}.");
        }
        if (sortKey.StartsWith("answer:", StringComparison.OrdinalIgnoreCase))
        {
            answerSort = sortKey["answer:".Length..];
        }
        else if (sortKey is not ("submitted" or "rating" or "name" or "recommendations") && criterionId == Guid.Empty)
        {
            return Invalid.Field("sort", "Sort by submitted, rating, name, recommendations, criterion:{id} or answer:{questionId} (prefix '-' to reverse).");
        }
        string? filterQuestion = null, filterValue = null;
        if (!string.IsNullOrWhiteSpace(query.Answer))
        {
            var colon = query.Answer.IndexOf(':');
            if (colon <= 0)
            {
                return Invalid.Field("answer", "Filter by answer as questionId:value.");
            }
            filterQuestion = query.Answer[..colon];
            filterValue = query.Answer[(colon + 1)..];
        }
        if ((answerSort is not null || filterQuestion is not null) && found.Value.Role != ScreeningRole.Coordinator)
        {
            var privateIds = await PrivateQuestionIdsAsync(db, programId, ct);
            if ((answerSort is not null && privateIds.Contains(answerSort)) || (filterQuestion is not null && privateIds.Contains(filterQuestion)))
            {
                return new Forbidden("Only coordinators see the answers to private questions.");
            }
        }

        var applications = db.Set<Application>().Where(a => a.ProgramId == programId && a.Status != ApplicationStatus.Draft);
        if (query.Status is { } status)
        {
            applications = applications.Where(a => a.Status == status);
        }
        if (query.Role is { } role)
        {
            applications = applications.Where(a => a.Role == role);
        }
        var ratings = db.Set<Rating>();
        var nominations = db.Set<Nomination>();
        var rows = applications.Select(a => new Row
        {
            Id = a.Id,
            UserId = a.UserId,
            Name = a.User!.DisplayName,
            Email = a.User.Email,
            Role = a.Role,
            Status = a.Status,
            SubmittedAt = a.SubmittedAt,
            DecidedAt = a.DecidedAt,
            AnswersJson = a.AnswersJson,
            Average = ratings.Where(r => r.ApplicationId == a.Id).Average(r => (double?)r.Score),
            CriterionAverage = ratings.Where(r => r.ApplicationId == a.Id && r.CriterionId == criterionId).Average(r => (double?)r.Score),
            RatingCount = ratings.Count(r => r.ApplicationId == a.Id),
            Recommendations = nominations.Count(n => n.ProgramId == a.ProgramId
                && (n.NomineeUserId == a.UserId || n.NomineeEmail.ToUpper() == a.User.NormalizedEmail)),
        });
        if (query.Recommended is { } recommended)
        {
            rows = recommended ? rows.Where(r => r.Recommendations > 0) : rows.Where(r => r.Recommendations == 0);
        }

        if (answerSort is null && filterQuestion is null)
        {
            var ordered = sortKey switch
            {
                "rating" => descending
                    ? rows.OrderBy(r => r.Average == null).ThenBy(r => r.Average)
                    : rows.OrderBy(r => r.Average == null).ThenByDescending(r => r.Average),
                "name" => descending ? rows.OrderByDescending(r => r.Name) : rows.OrderBy(r => r.Name),
                "recommendations" => descending ? rows.OrderBy(r => r.Recommendations) : rows.OrderByDescending(r => r.Recommendations),
                "submitted" => descending ? rows.OrderByDescending(r => r.SubmittedAt) : rows.OrderBy(r => r.SubmittedAt),
                _ => descending
                    ? rows.OrderBy(r => r.CriterionAverage == null).ThenBy(r => r.CriterionAverage)
                    : rows.OrderBy(r => r.CriterionAverage == null).ThenByDescending(r => r.CriterionAverage),
            };
            var total = await rows.CountAsync(ct);
            var items = await ordered.ThenBy(r => r.SubmittedAt).ThenBy(r => r.Id)
                .Page(page)
                .Select(r => new ReviewQueueItem(r.Id, r.UserId, r.Name, r.Email ?? "", r.Role, r.Status, r.SubmittedAt, r.Average, r.RatingCount, r.Recommendations, r.DecidedAt, null))
                .ToListAsync(ct);
            return page.Of(items, total);
        }

        // Answers live in one JSON column per application: filter and sort them here, then load one page.
        var keys = await rows.Select(r => new { r.Id, r.AnswersJson, r.SubmittedAt }).Take(ReviewQueueQuery.MaxInMemory + 1).ToListAsync(ct);
        if (keys.Count > ReviewQueueQuery.MaxInMemory)
        {
            return Invalid.Field("sort", $"Filter the queue by status or role to at most {ReviewQueueQuery.MaxInMemory} applications before sorting or filtering by an answer.");
        }
        var parsed = keys.Select(k => (k.Id, k.SubmittedAt, Answers: AnswerSheet.Parse(k.AnswersJson))).ToList();
        if (filterQuestion is not null)
        {
            parsed = parsed.Where(p => p.Answers.TryGetValue(filterQuestion, out var v) && AnswerSheet.Matches(v, filterValue!)).ToList();
        }
        IEnumerable<(Guid Id, DateTime? SubmittedAt, Dictionary<string, JsonElement> Answers)> sorted = parsed.OrderBy(p => p.SubmittedAt).ThenBy(p => p.Id);
        if (answerSort is not null)
        {
            IComparable? Key((Guid, DateTime?, Dictionary<string, JsonElement> Answers) p) =>
                p.Answers.TryGetValue(answerSort, out var v) ? AnswerSheet.SortKey(v) : null;
            var comparer = Comparer<IComparable?>.Create((x, y) => x is null ? (y is null ? 0 : 1) : y is null ? -1 : (descending ? -x.CompareTo(y) : x.CompareTo(y)));
            sorted = parsed.OrderBy(Key, comparer).ThenBy(p => p.SubmittedAt).ThenBy(p => p.Id);
        }
        var pageRows = sorted.Page(page).ToList();
        var pageIds = pageRows.Select(p => p.Id).ToList();
        var loaded = await rows.Where(r => pageIds.Contains(r.Id))
            .Select(r => new ReviewQueueItem(r.Id, r.UserId, r.Name, r.Email ?? "", r.Role, r.Status, r.SubmittedAt, r.Average, r.RatingCount, r.Recommendations, r.DecidedAt, null))
            .ToListAsync(ct);
        var byId = loaded.ToDictionary(i => i.Id);
        var result = pageRows.Where(p => byId.ContainsKey(p.Id)).Select(p => byId[p.Id] with
        {
            SortAnswer = answerSort is not null && p.Answers.TryGetValue(answerSort, out var v) ? v.ToString() : null,
        }).ToList();
        return page.Of(result, parsed.Count);
    }

    internal static async Task<HashSet<string>> PrivateQuestionIdsAsync(TandemDb db, Guid programId, CancellationToken ct)
    {
        var forms = await db.Set<Questionnaire>().Where(q => q.ProgramId == programId).Select(q => q.QuestionsJson).ToListAsync(ct);
        return forms.SelectMany(Questionnaire.Parse).Where(q => q.Private).Select(q => q.Id).ToHashSet();
    }
}

/// <summary>One submitted application for review: answers (private ones for coordinators only), ratings, decisions, recommendations.</summary>
public sealed class GetApplicationForReview(TandemDb db, ScreeningAccess access)
{
    public async Task<Outcome<ReviewApplicationView>> RunAsync(Actor actor, Guid programId, Guid applicationId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var coordinator = found.Value.Role == ScreeningRole.Coordinator;
        var row = await db.Set<Application>()
            .Where(a => a.Id == applicationId && a.ProgramId == programId && a.Status != ApplicationStatus.Draft)
            .Select(a => new
            {
                Application = a,
                a.User!.DisplayName,
                a.User.Email,
                a.User.NormalizedEmail,
                a.User.TimeZoneId,
                Version = a.Questionnaire != null ? (int?)a.Questionnaire.Version : null,
                QuestionsJson = a.Questionnaire != null ? a.Questionnaire.QuestionsJson : null,
            })
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return new NotFound("No submitted application with this id in this program.");
        }
        var a = row.Application;
        var ratings = await db.Set<Rating>().Where(r => r.ApplicationId == applicationId)
            .OrderBy(r => r.Criterion!.Position).ThenBy(r => r.RatedAt)
            .Select(r => new RatingView(r.CriterionId, r.Criterion!.Name, r.ReviewerUserId, r.Reviewer!.DisplayName, r.Score, r.RatedAt))
            .ToListAsync(ct);
        var decisions = await db.Set<ApplicationDecision>().Where(d => d.ApplicationId == applicationId)
            .OrderBy(d => d.DecidedAt).ThenBy(d => d.Id)
            .Select(d => new DecisionView(d.Decision, d.DecidedByUserId, d.DecidedBy!.DisplayName, d.DecidedAt, d.Message, d.MentorCapacity))
            .ToListAsync(ct);
        var recommendations = await db.Set<Nomination>()
            .Where(n => n.ProgramId == programId && (n.NomineeUserId == a.UserId || n.NomineeEmail.ToUpper() == row.NormalizedEmail))
            .OrderBy(n => n.CreatedAt)
            .Select(n => new RecommendationView(n.Id, n.NominatedByUserId,
                db.Users.Where(u => u.Id == n.NominatedByUserId).Select(u => u.DisplayName).Single(), n.Statement, n.CreatedAt))
            .ToListAsync(ct);
        var criteria = await ListReviewCriteria.QueryAsync(db, programId, ct);

        var questions = row.QuestionsJson is null ? [] : Questionnaire.Parse(row.QuestionsJson);
        var answers = AnswerSheet.Parse(a.AnswersJson);
        if (!coordinator)
        {
            var hidden = questions.Where(q => q.Private).Select(q => q.Id).ToHashSet();
            questions = questions.Where(q => !q.Private).ToList();
            answers = answers.Where(x => !hidden.Contains(x.Key)).ToDictionary();
        }
        return new ReviewApplicationView(a.Id, a.ProgramId, a.UserId, row.DisplayName, row.Email ?? "", row.TimeZoneId,
            a.Role, a.Status, row.Version, questions, answers, a.CodeOfConductAcceptedAt is not null,
            a.Age, coordinator ? a.GuardianName : null, coordinator ? a.GuardianEmail : null,
            a.SubmittedAt, a.DecidedAt, a.DecisionMessage, a.MentorCapacity,
            ratings.Count == 0 ? null : ratings.Average(r => r.Score),
            ratings, decisions, recommendations, criteria, coordinator && a.IsDecidable)
        {
            MentorsLeadGroups = MentoringFormat.MentorsLeadGroups(found.Value.Program),
        };
    }
}

/// <summary>The program's review criteria, in order.</summary>
public sealed class ListReviewCriteria(TandemDb db, ScreeningAccess access)
{
    public async Task<Outcome<List<CriterionView>>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return await QueryAsync(db, programId, ct);
    }

    internal static async Task<List<CriterionView>> QueryAsync(TandemDb db, Guid programId, CancellationToken ct) =>
        await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).OrderBy(c => c.Position)
            .Select(c => new CriterionView(c.Id, c.Name, c.Description, c.Position)).ToListAsync(ct);
}

/// <summary>A coordinator adds a review criterion, e.g. "communication" (at most 20 per program).</summary>
public sealed class AddReviewCriterion(TandemDb db, ScreeningAccess access, TimeProvider clock)
{
    public const int MaxCriteria = 20;

    public async Task<Outcome<CriterionView>> RunAsync(Actor actor, Guid programId, AddCriterionRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var name = request.Name.Trim();
        var existing = await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).Select(c => new { c.Name, c.Position }).ToListAsync(ct);
        if (existing.Count >= MaxCriteria)
        {
            return new Conflict($"A program has at most {MaxCriteria} review criteria.");
        }
        if (existing.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return new Conflict($"The criterion '{name}' already exists.");
        }
        var criterion = new ReviewCriterion(programId, existing.Count == 0 ? 0 : existing.Max(c => c.Position) + 1, name,
            string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(), clock.GetUtcNow().UtcDateTime);
        db.Add(criterion);
        await db.SaveChangesAsync(ct);
        return new CriterionView(criterion.Id, criterion.Name, criterion.Description, criterion.Position);
    }
}

/// <summary>A reviewer (coordinator or staff) rates a submitted application 1–5 on the program's criteria; each rating keeps who and when.</summary>
public sealed class RateApplication(TandemDb db, ScreeningAccess access, GetApplicationForReview getForReview, TimeProvider clock)
{
    public async Task<Outcome<ReviewApplicationView>> RunAsync(Actor actor, Guid programId, Guid applicationId, RateRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (!await db.Set<Application>().AnyAsync(a => a.Id == applicationId && a.ProgramId == programId && a.Status != ApplicationStatus.Draft, ct))
        {
            return new NotFound("No submitted application with this id in this program.");
        }
        var criteria = await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).Select(c => c.Id).ToListAsync(ct);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < request.Ratings.Count; i++)
        {
            var input = request.Ratings[i];
            if (input.CriterionId is not { } id || !criteria.Contains(id))
            {
                errors[$"ratings[{i}].criterionId"] = ["This program has no such review criterion."];
            }
            if (input.Score is not (>= 1 and <= 5))
            {
                errors[$"ratings[{i}].score"] = ["Rate from 1 to 5."];
            }
        }
        if (request.Ratings.GroupBy(r => r.CriterionId).Any(g => g.Count() > 1))
        {
            errors["ratings"] = ["Rate each criterion once."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = await db.Set<Rating>().Where(r => r.ApplicationId == applicationId && r.ReviewerUserId == actor.UserId).ToListAsync(ct);
        foreach (var input in request.Ratings)
        {
            var existing = mine.FirstOrDefault(r => r.CriterionId == input.CriterionId);
            if (existing is null)
            {
                db.Add(new Rating(applicationId, input.CriterionId!.Value, actor.UserId, input.Score!.Value, now));
            }
            else
            {
                existing.Change(input.Score!.Value, now);
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("You rated this application from elsewhere at the same moment; reload and try again.");
        }
        return await getForReview.RunAsync(actor, programId, applicationId, ct);
    }
}

/// <summary>
/// A coordinator approves, declines (with an optional message) or waitlists one or many submitted applications,
/// all or nothing. Approval enrols the applicant in the program with the role applied for (a mentor with a capacity).
/// </summary>
public sealed class DecideApplications(TandemDb db, ScreeningAccess access, TimeProvider clock)
{
    public async Task<Outcome<List<DecisionResult>>> RunAsync(Actor actor, Guid programId, BulkDecideRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value.Program;
        if (program.Status == ProgramStatus.Closed)
        {
            return new Conflict("A closed program takes no more decisions.");
        }
        var ids = request.ApplicationIds.Distinct().ToList();
        if (ids.Count == 0 || ids.Count > BulkDecideRequest.MaxApplications)
        {
            return Invalid.Field(nameof(request.ApplicationIds), $"Choose between 1 and {BulkDecideRequest.MaxApplications} applications.");
        }
        if (request.Message?.Trim().Length > 2000)
        {
            return Invalid.Field(nameof(request.Message), "Keep the message to 2000 characters or fewer.");
        }
        if (request.MentorCapacity is < 1 or > 20)
        {
            return Invalid.Field(nameof(request.MentorCapacity), "A mentor takes between 1 and 20 mentees.");
        }
        var decision = request.Decision ?? Decision.Waitlist;
        var applications = await db.Set<Application>()
            .Where(a => a.ProgramId == programId && ids.Contains(a.Id) && a.Status != ApplicationStatus.Draft)
            .ToListAsync(ct);
        var missing = ids.Except(applications.Select(a => a.Id)).ToList();
        if (missing.Count > 0)
        {
            return new NotFound($"No submitted application in this program with the id {string.Join(", ", missing)}.");
        }
        var settled = applications.Where(a => !a.IsDecidable).ToList();
        if (settled.Count > 0)
        {
            return new Conflict("Already decided (approved or declined), nothing was changed: "
                + string.Join(", ", settled.Select(a => $"{a.Id} ({a.Status})")) + ".");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var message = string.IsNullOrWhiteSpace(request.Message) ? null : request.Message.Trim();
        var userIds = applications.Select(a => a.UserId).Distinct().ToList();
        var enrolments = await db.Enrolments.Where(e => e.ProgramId == programId && userIds.Contains(e.UserId)).ToListAsync(ct);
        var members = await db.OrganisationMemberships.Where(m => m.OrganisationId == program.OrganisationId && userIds.Contains(m.UserId))
            .Select(m => m.UserId).ToListAsync(ct);
        var results = new List<DecisionResult>();
        foreach (var application in applications)
        {
            int? capacity = decision == Decision.Approve && application.Role == ProgramRole.Mentor ? request.MentorCapacity ?? 1 : null;
            application.Decide(decision, actor.UserId, now, message, capacity);
            db.Add(new ApplicationDecision(application.Id, decision, actor.UserId, now, message, capacity));
            Guid? enrolmentId = null;
            if (decision == Decision.Approve)
            {
                var enrolment = enrolments.FirstOrDefault(e => e.UserId == application.UserId && e.Role == application.Role);
                if (enrolment is null)
                {
                    enrolment = new Enrolment(programId, application.UserId, application.Role, now);
                    enrolments.Add(enrolment);
                    db.Enrolments.Add(enrolment);
                }
                enrolmentId = enrolment.Id;
                if (!members.Contains(application.UserId))
                {
                    members.Add(application.UserId);
                    db.OrganisationMemberships.Add(new OrganisationMembership(program.OrganisationId, application.UserId, OrganisationRole.Member, now));
                }
            }
            results.Add(new DecisionResult(application.Id, application.Status, enrolmentId));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("Someone decided some of these applications at the same moment; nothing was changed. Reload and try again.");
        }
        return results.OrderBy(r => ids.IndexOf(r.ApplicationId)).ToList();
    }
}
