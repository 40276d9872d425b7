using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

internal sealed class QuestionnaireConfiguration : IEntityTypeConfiguration<Questionnaire>
{
    public void Configure(EntityTypeBuilder<Questionnaire> questionnaire)
    {
        questionnaire.ToTable("Questionnaires");
        questionnaire.HasKey(q => q.Id);
        questionnaire.Property(q => q.Role).HasConversion<string>().HasMaxLength(20);
        questionnaire.Property(q => q.QuestionsJson).IsRequired();
        questionnaire.HasOne<MentorshipProgram>().WithMany().HasForeignKey(q => q.ProgramId).OnDelete(DeleteBehavior.Cascade);
        questionnaire.HasIndex(q => new { q.ProgramId, q.Role, q.Version }).IsUnique();
    }
}

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> application)
    {
        application.ToTable("Applications");
        application.HasKey(a => a.Id);
        application.Property(a => a.Role).HasConversion<string>().HasMaxLength(20);
        application.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        application.Property(a => a.AnswersJson).IsRequired();
        application.Property(a => a.WithheldAnswersJson).IsRequired().HasDefaultValue("{}");
        application.Property(a => a.SensitiveConsentsJson).IsRequired().HasDefaultValue("{}");
        application.Property(a => a.Revision).IsConcurrencyToken();
        application.Property(a => a.GuardianName).HasMaxLength(120);
        application.Property(a => a.GuardianEmail).HasMaxLength(256);
        application.Property(a => a.DecisionMessage).HasMaxLength(2000);
        application.HasOne<MentorshipProgram>().WithMany().HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Cascade);
        application.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        application.HasOne(a => a.Questionnaire).WithMany().HasForeignKey(a => a.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
        application.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.DecidedByUserId).OnDelete(DeleteBehavior.Restrict);
        application.HasIndex(a => new { a.ProgramId, a.UserId, a.Role }).IsUnique();
        application.HasIndex(a => new { a.ProgramId, a.Status, a.SubmittedAt });
        application.HasIndex(a => a.UserId);
    }
}

internal sealed class ApplicationDecisionConfiguration : IEntityTypeConfiguration<ApplicationDecision>
{
    public void Configure(EntityTypeBuilder<ApplicationDecision> decision)
    {
        decision.ToTable("ApplicationDecisions");
        decision.HasKey(d => d.Id);
        decision.Property(d => d.Decision).HasConversion<string>().HasMaxLength(20);
        decision.Property(d => d.Message).HasMaxLength(2000);
        decision.HasOne<Application>().WithMany().HasForeignKey(d => d.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        decision.HasOne(d => d.DecidedBy).WithMany().HasForeignKey(d => d.DecidedByUserId).OnDelete(DeleteBehavior.Restrict);
        decision.HasIndex(d => new { d.ApplicationId, d.DecidedAt });
    }
}

internal sealed class ReviewCriterionConfiguration : IEntityTypeConfiguration<ReviewCriterion>
{
    public void Configure(EntityTypeBuilder<ReviewCriterion> criterion)
    {
        criterion.ToTable("ReviewCriteria");
        criterion.HasKey(c => c.Id);
        criterion.Property(c => c.Name).HasMaxLength(80).IsRequired();
        criterion.Property(c => c.Description).HasMaxLength(500);
        criterion.HasOne<MentorshipProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        criterion.HasIndex(c => new { c.ProgramId, c.Position });
    }
}

internal sealed class RatingConfiguration : IEntityTypeConfiguration<Rating>
{
    public void Configure(EntityTypeBuilder<Rating> rating)
    {
        rating.ToTable("ApplicationRatings");
        rating.HasKey(r => r.Id);
        rating.HasOne<Application>().WithMany().HasForeignKey(r => r.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        rating.HasOne(r => r.Criterion).WithMany().HasForeignKey(r => r.CriterionId).OnDelete(DeleteBehavior.Cascade);
        rating.HasOne(r => r.Reviewer).WithMany().HasForeignKey(r => r.ReviewerUserId).OnDelete(DeleteBehavior.Restrict);
        rating.HasIndex(r => new { r.ApplicationId, r.CriterionId, r.ReviewerUserId }).IsUnique();
    }
}
