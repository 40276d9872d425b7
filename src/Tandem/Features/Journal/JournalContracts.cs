namespace Tandem.Features.Journal;

/// <summary>An entry as its author reads it.</summary>
public sealed record JournalEntryView(Guid Id, string Body, Guid? PromptId, string? PromptText, Guid? ProgramId, DateTime WrittenAt, DateTime? EditedAt,
    Guid? SharedWithRelationshipId, DateTime? SharedAt);

/// <summary>An entry a member of one of the reader's relationships shared with it.</summary>
public sealed record SharedJournalEntryView(Guid Id, Guid RelationshipId, Guid AuthorUserId, string AuthorName, string Body, string? PromptText, DateTime WrittenAt, DateTime? EditedAt);

public sealed record JournalPromptView(Guid Id, Guid ProgramId, string ProgramName, string Text, DateTime CreatedAt);

public sealed class WriteJournalEntryRequest
{
    public string? Body { get; set; }
    public Guid? PromptId { get; set; }
}

public sealed class ShareJournalEntryRequest
{
    public Guid? RelationshipId { get; set; }
}

public sealed class CreateJournalPromptRequest
{
    public string? Text { get; set; }
}

/// <summary>The author's own download of their journal.</summary>
public sealed record JournalExport(DateTime ExportedAt, IReadOnlyList<JournalEntryView> Entries);

/// <summary>A relationship an entry can be shared with, as the author's choice names it.</summary>
public sealed record JournalShareTarget(Guid RelationshipId, string Label);
