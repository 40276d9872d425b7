using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;

namespace Tandem.Features.Surveys;

internal sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public void Configure(EntityTypeBuilder<Survey> survey)
    {
        survey.ToTable("Surveys");
        survey.HasKey(s => s.Id);
        survey.Property(s => s.Title).HasMaxLength(Survey.TitleMax).IsRequired();
        survey.Property(s => s.Intro).HasMaxLength(Survey.IntroMax);
        survey.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        survey.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        survey.Property(s => s.Trigger).HasConversion<string>().HasMaxLength(20);
        survey.Property(s => s.AudienceRoles).HasMaxLength(100).IsRequired();
        survey.Property(s => s.QuestionsJson).IsRequired();
        survey.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        survey.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        survey.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        survey.HasIndex(s => new { s.ProgramId, s.CreatedAt });
        survey.HasIndex(s => s.Status);
    }
}

internal sealed class SurveyInvitationConfiguration : IEntityTypeConfiguration<SurveyInvitation>
{
    public void Configure(EntityTypeBuilder<SurveyInvitation> invitation)
    {
        invitation.ToTable("SurveyInvitations");
        invitation.HasKey(i => i.Id);
        invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        invitation.HasOne<Survey>().WithMany().HasForeignKey(i => i.SurveyId).OnDelete(DeleteBehavior.Cascade);
        invitation.HasOne<TandemUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        // One invitation per person per occasion: a second node inviting the same person fails here.
        invitation.HasIndex(i => new { i.SurveyId, i.UserId, i.Occasion }).IsUnique();
        invitation.HasIndex(i => new { i.UserId, i.Answered });
    }
}

internal sealed class SurveyResponseConfiguration : IEntityTypeConfiguration<SurveyResponse>
{
    public void Configure(EntityTypeBuilder<SurveyResponse> response)
    {
        response.ToTable("SurveyResponses");
        response.HasKey(r => r.Id);
        response.Property(r => r.AnswersJson).IsRequired();
        response.Property(r => r.Role).HasConversion<string>().HasMaxLength(20);
        response.HasOne<Survey>().WithMany().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Cascade);
        // Named answers only; erasing the person erases their answers with them.
        response.HasOne<TandemUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        response.HasOne<SurveyInvitation>().WithMany().HasForeignKey(r => r.InvitationId).OnDelete(DeleteBehavior.Cascade);
        // The answers' order, and the claim of a place: two answers taking the same place at once, one is refused and tries again.
        response.HasIndex(r => new { r.SurveyId, r.Position }).IsUnique();
        response.HasIndex(r => r.InvitationId).IsUnique();
        // A named survey's answers by person, newest first (the list's pages and the export's batches, ADR 133), read backwards.
        response.HasIndex(r => new { r.SurveyId, r.SubmittedAt });
    }
}

internal sealed class SuggestionConfiguration : IEntityTypeConfiguration<Suggestion>
{
    public void Configure(EntityTypeBuilder<Suggestion> suggestion)
    {
        suggestion.ToTable("Suggestions");
        suggestion.HasKey(s => s.Id);
        suggestion.Property(s => s.Text).HasMaxLength(Suggestion.TextMax).IsRequired();
        suggestion.Property(s => s.Answer).HasMaxLength(Suggestion.AnswerMax);
        suggestion.Ignore(s => s.IsAnonymous);
        suggestion.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        suggestion.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
        suggestion.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.AnsweredByUserId).OnDelete(DeleteBehavior.SetNull);
        suggestion.HasIndex(s => new { s.ProgramId, s.Week });
    }
}
