using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
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
    DateTime? SubmittedAt, double? AverageRating, int RatingCount, int RecommendationCount, DateTime? DecidedAt, string? SortAnswer)
{
    /// <summary>How the applicant was told of the latest decision (in the app; the e-mail sent, queued or failed); null when undecided.</summary>
    public DeliveryView? Told { get; init; }

    /// <summary>The applicant's account is disabled (or erased): the application cannot be approved (ADR 118).</summary>
    public bool AccountDisabled { get; init; }
}

/// <summary>A program's submitted applications for its coordinators and staff: filtered, sorted and paged.</summary>
public sealed class ListReviewQueue(TandemDb db, ScreeningAccess access, NotificationDelivery delivery, Privacy.AuditLog audit)
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
        public bool Disabled { get; init; }
    }

    /// <summary>The audit log's purpose for a review queue page sorted or filtered by an answer.</summary>
    public const string AnswerReadPurpose = "Review queue sorted or filtered by an answer";

    private static readonly Expression<Func<Row, ReviewQueueItem>> ToItem = r =>
        new ReviewQueueItem(r.Id, r.UserId, r.Name, r.Email ?? "", r.Role, r.Status, r.SubmittedAt, r.Average, r.RatingCount, r.Recommendations, r.DecidedAt, null)
        {
            AccountDisabled = r.Disabled,
        };

    public async Task<Outcome<Paged<ReviewQueueItem>>> RunAsync(Actor actor, Guid programId, ReviewQueueQuery query, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // "?status=9" binds as a status that does not exist (an enum parses any number): refused, not read as an empty queue.
        if (query.Status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("status", $"Filter by status: {string.Join(", ", Enum.GetNames<ApplicationStatus>().Where(n => n != nameof(ApplicationStatus.Draft)))}.");
        }
        if (query.Role is { } askedRole && !Enum.IsDefined(askedRole))
        {
            return Invalid.Field("role", $"Filter by role: {string.Join(", ", Enum.GetNames<ProgramRole>())}.");
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
            var hiddenIds = await HiddenFromStaffAsync(db, programId, ct);
            if ((answerSort is not null && hiddenIds.Contains(answerSort)) || (filterQuestion is not null && hiddenIds.Contains(filterQuestion)))
            {
                return new Forbidden("Only coordinators see the answers to private and sensitive questions.");
            }
        }

        // A reviewer's own application is left out: someone else reviews and decides it.
        var applications = db.Set<Application>().Where(a => a.ProgramId == programId && a.Status != ApplicationStatus.Draft && a.UserId != actor.UserId);
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
            Disabled = a.User.IsDisabled,
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
                .Select(ToItem)
                .ToListAsync(ct);
            return page.Of(await WithToldAsync(items, ct), total);
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
            // A question's answers may differ in kind across form versions (a scale's numbers, then a choice's text): kinds
            // compare first (numbers, then text, then no answer, whichever the direction), values only within a kind (ADR 118).
            static int Kind(IComparable? key) => key switch { double => 0, string => 1, null => 3, _ => 2 };
            var comparer = Comparer<IComparable?>.Create((x, y) =>
                Kind(x) != Kind(y) ? Kind(x).CompareTo(Kind(y))
                : x is null || y is null ? 0
                : descending ? -x.CompareTo(y) : x.CompareTo(y));
            sorted = parsed.OrderBy(Key, comparer).ThenBy(p => p.SubmittedAt).ThenBy(p => p.Id);
        }
        var pageRows = sorted.Page(page).ToList();
        var pageIds = pageRows.Select(p => p.Id).ToList();
        var loaded = await rows.Where(r => pageIds.Contains(r.Id))
            .Select(ToItem)
            .ToListAsync(ct);
        var byId = loaded.ToDictionary(i => i.Id);
        var result = pageRows.Where(p => byId.ContainsKey(p.Id)).Select(p => byId[p.Id] with
        {
            SortAnswer = answerSort is not null && p.Answers.TryGetValue(answerSort, out var v) ? v.ToString() : null,
        }).ToList();
        // Sorted or filtered by an answer, the page shows (or reveals by matching) each applicant's answer: a minor's is a
        // read of their record like opening the application (ADR 40), logged before it is returned.
        await audit.RecordAsync(actor, result.Select(i => i.UserId).ToList(), Privacy.AuditRecord.Application, null, programId,
            AnswerReadPurpose, ct);
        return page.Of(await WithToldAsync(result, ct), parsed.Count);
    }

    private async Task<List<ReviewQueueItem>> WithToldAsync(List<ReviewQueueItem> items, CancellationToken ct)
    {
        var told = await ToldAsync(db, delivery, items.Where(i => i.DecidedAt is not null).Select(i => i.Id).ToList(), ct);
        return items.Select(i => told.TryGetValue(i.Id, out var t) ? i with { Told = t } : i).ToList();
    }

    /// <summary>For each application, how its applicant was told of its latest decision.</summary>
    internal static async Task<Dictionary<Guid, DeliveryView>> ToldAsync(TandemDb db, NotificationDelivery delivery, IReadOnlyCollection<Guid> applicationIds, CancellationToken ct)
    {
        if (applicationIds.Count == 0)
        {
            return [];
        }
        var decisions = await db.Set<ApplicationDecision>()
            .Where(d => applicationIds.Contains(d.ApplicationId) && d.NotificationId != null)
            .Select(d => new { d.ApplicationId, d.DecidedAt, d.Id, NotificationId = d.NotificationId!.Value })
            .ToListAsync(ct);
        var latest = decisions.GroupBy(d => d.ApplicationId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id).First().NotificationId);
        var views = await delivery.ForAsync(latest.Values.ToList(), ct);
        return latest.Where(l => views.ContainsKey(l.Value)).ToDictionary(l => l.Key, l => views[l.Value]);
    }

    /// <summary>The ids of the questions private or sensitive in any version of the program's forms (staff neither sort nor filter by them).</summary>
    internal static async Task<HashSet<string>> HiddenFromStaffAsync(TandemDb db, Guid programId, CancellationToken ct)
    {
        var forms = await db.Set<Questionnaire>().Where(q => q.ProgramId == programId).Select(q => q.QuestionsJson).ToListAsync(ct);
        return forms.SelectMany(Questionnaire.Parse).Where(q => !ScreeningAccess.StaffSee(q)).Select(q => q.Id).ToHashSet();
    }
}
