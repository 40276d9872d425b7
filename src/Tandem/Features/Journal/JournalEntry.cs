using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Journal;

/// <summary>
/// One entry of a participant's private reflective journal (issue 13, ADR 56). Read by its author only: no page, API or
/// export gives it to a coordinator or administrator. The author may share one entry with a relationship they belong
/// to, and then that relationship's members read it too; unsharing takes it back.
/// </summary>
public sealed class JournalEntry
{
    public const int BodyMax = 20_000;

    private JournalEntry() { }

    public JournalEntry(Guid authorUserId, string body, JournalPrompt? prompt, DateTime writtenAt)
    {
        Id = Guid.CreateVersion7();
        AuthorUserId = authorUserId;
        Body = body;
        PromptId = prompt?.Id;
        PromptText = prompt?.Text;
        ProgramId = prompt?.ProgramId;
        WrittenAt = writtenAt;
    }

    public Guid Id { get; private set; }
    public Guid AuthorUserId { get; private set; }

    /// <summary>The program whose prompt the entry answers (its retention applies to the entry); null for a free entry.</summary>
    public Guid? ProgramId { get; private set; }
    public Guid? PromptId { get; private set; }

    /// <summary>The prompt as the author read it when writing.</summary>
    public string? PromptText { get; private set; }

    public string Body { get; private set; } = "";
    public DateTime WrittenAt { get; private set; }
    public DateTime? EditedAt { get; private set; }

    /// <summary>The relationship whose members may read this entry; null while it is private.</summary>
    public Guid? SharedWithRelationshipId { get; private set; }
    public DateTime? SharedAt { get; private set; }

    public void Edit(string body, DateTime at)
    {
        Body = body;
        EditedAt = at;
    }

    public void ShareWith(Guid relationshipId, DateTime at)
    {
        SharedWithRelationshipId = relationshipId;
        SharedAt = at;
    }

    public void Unshare()
    {
        SharedWithRelationshipId = null;
        SharedAt = null;
    }
}

/// <summary>A question a program's coordinators offer for journal entries ("What surprised you this week?").</summary>
public sealed class JournalPrompt
{
    public const int TextMax = 300;

    private JournalPrompt() { }

    public JournalPrompt(Guid programId, string text, Guid createdByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Text = text;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Text { get; private set; } = "";
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntry>
{
    public void Configure(EntityTypeBuilder<JournalEntry> entry)
    {
        entry.ToTable("JournalEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Body).HasMaxLength(JournalEntry.BodyMax).IsRequired();
        entry.Property(e => e.PromptText).HasMaxLength(JournalPrompt.TextMax);
        entry.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
        entry.HasOne<MentorshipProgram>().WithMany().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.SetNull);
        entry.HasOne<JournalPrompt>().WithMany().HasForeignKey(e => e.PromptId).OnDelete(DeleteBehavior.SetNull);
        entry.HasOne<Relationship>().WithMany().HasForeignKey(e => e.SharedWithRelationshipId).OnDelete(DeleteBehavior.SetNull);
        // The author's journal, newest first, paged from the index.
        entry.HasIndex(e => new { e.AuthorUserId, e.WrittenAt, e.Id });
        entry.HasIndex(e => e.SharedWithRelationshipId);
        entry.HasIndex(e => e.ProgramId);
    }
}

internal sealed class JournalPromptConfiguration : IEntityTypeConfiguration<JournalPrompt>
{
    public void Configure(EntityTypeBuilder<JournalPrompt> prompt)
    {
        prompt.ToTable("JournalPrompts");
        prompt.HasKey(p => p.Id);
        prompt.Property(p => p.Text).HasMaxLength(JournalPrompt.TextMax).IsRequired();
        prompt.HasOne<MentorshipProgram>().WithMany().HasForeignKey(p => p.ProgramId).OnDelete(DeleteBehavior.Cascade);
        prompt.HasIndex(p => new { p.ProgramId, p.CreatedAt });
    }
}
