using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Relationships;

namespace Tandem.Features.Goals;

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> goal)
    {
        goal.ToTable("Goals");
        goal.HasKey(g => g.Id);
        goal.Property(g => g.Outcome).HasMaxLength(Goal.OutcomeMax).IsRequired();
        goal.Property(g => g.Measure).HasMaxLength(Goal.MeasureMax).IsRequired();
        goal.Property(g => g.Status).HasConversion<string>().HasMaxLength(16);
        goal.HasOne<Relationship>().WithMany().HasForeignKey(g => g.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        goal.HasOne<TandemUser>().WithMany().HasForeignKey(g => g.CreatedByUserId).OnDelete(DeleteBehavior.Cascade);
        goal.HasIndex(g => new { g.RelationshipId, g.CreatedAt });
        // A program's goals by status: the coordinators' progress counts read this index only.
        goal.HasIndex(g => new { g.ProgramId, g.Status });
    }
}

internal sealed class MilestoneConfiguration : IEntityTypeConfiguration<Milestone>
{
    public void Configure(EntityTypeBuilder<Milestone> milestone)
    {
        milestone.ToTable("GoalMilestones");
        milestone.HasKey(m => m.Id);
        milestone.Property(m => m.Title).HasMaxLength(Milestone.TitleMax).IsRequired();
        milestone.HasOne<Goal>().WithMany().HasForeignKey(m => m.GoalId).OnDelete(DeleteBehavior.Cascade);
        milestone.HasIndex(m => m.GoalId);
    }
}

internal sealed class ActionItemConfiguration : IEntityTypeConfiguration<ActionItem>
{
    public void Configure(EntityTypeBuilder<ActionItem> item)
    {
        item.ToTable("ActionItems");
        item.HasKey(a => a.Id);
        item.Property(a => a.Title).HasMaxLength(ActionItem.TitleMax).IsRequired();
        item.Property(a => a.Notes).HasMaxLength(ActionItem.NotesMax);
        item.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        item.HasOne<Goal>().WithMany().HasForeignKey(a => a.GoalId).OnDelete(DeleteBehavior.Cascade);
        item.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.AssigneeUserId).OnDelete(DeleteBehavior.Cascade);
        item.HasIndex(a => new { a.GoalId, a.State, a.Position });
        item.HasIndex(a => a.RelationshipId);
        // A program's action items by column: the percentage done is counted from this index.
        item.HasIndex(a => new { a.ProgramId, a.State });
    }
}
