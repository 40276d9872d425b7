using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>One submitted application for review: answers (private and sensitive ones for coordinators only), ratings, decisions, recommendations.</summary>
public sealed class GetApplicationForReview(TandemDb db, ScreeningAccess access, NotificationDelivery delivery, Privacy.AuditLog audit)
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
            // A reviewer's own application is not theirs to review: they would read their colleagues' ratings and
            // statements about them, and rate themselves.
            .Where(a => a.Id == applicationId && a.ProgramId == programId && a.Status != ApplicationStatus.Draft && a.UserId != actor.UserId)
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
        await audit.RecordAsync(actor, [a.UserId], Privacy.AuditRecord.Application, a.Id, programId, "Reviewing an application", ct);
        var ratings = await db.Set<Rating>().Where(r => r.ApplicationId == applicationId)
            .OrderBy(r => r.Criterion!.Position).ThenBy(r => r.RatedAt)
            .Select(r => new RatingView(r.CriterionId, r.Criterion!.Name, r.ReviewerUserId, r.Reviewer!.DisplayName, r.Score, r.RatedAt))
            .ToListAsync(ct);
        var decisions = await db.Set<ApplicationDecision>().Where(d => d.ApplicationId == applicationId)
            .OrderBy(d => d.DecidedAt).ThenBy(d => d.Id)
            .Select(d => new { View = new DecisionView(d.Decision, d.DecidedByUserId, d.DecidedBy!.DisplayName, d.DecidedAt, d.Message, d.MentorCapacity), d.NotificationId })
            .ToListAsync(ct);
        var told = await delivery.ForAsync(decisions.Where(d => d.NotificationId != null).Select(d => d.NotificationId!.Value).ToList(), ct);
        var decisionViews = decisions.Select(d => d.NotificationId is { } n && told.TryGetValue(n, out var t) ? d.View with { Told = t } : d.View).ToList();
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
            var hidden = questions.Where(q => !ScreeningAccess.StaffSee(q)).Select(q => q.Id).ToHashSet();
            questions = questions.Where(ScreeningAccess.StaffSee).ToList();
            answers = answers.Where(x => !hidden.Contains(x.Key)).ToDictionary();
        }
        return new ReviewApplicationView(a.Id, a.ProgramId, a.UserId, row.DisplayName, row.Email ?? "", row.TimeZoneId,
            a.Role, a.Status, row.Version, questions, answers, a.CodeOfConductAcceptedAt is not null,
            a.Age, coordinator ? a.GuardianName : null, coordinator ? a.GuardianEmail : null,
            a.SubmittedAt, a.DecidedAt, a.DecisionMessage, a.MentorCapacity,
            ratings.Count == 0 ? null : ratings.Average(r => r.Score),
            ratings, decisionViews, recommendations, criteria, coordinator && a.IsDecidable)
        {
            MentorsLeadGroups = MentoringFormat.MentorsLeadGroups(found.Value.Program),
        };
    }
}
