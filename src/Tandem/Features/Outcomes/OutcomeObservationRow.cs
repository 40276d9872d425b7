using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Outcomes;

/// <summary>
/// One line of a program's imported outcome data (docs/formats.md, "Outcome CSV"). <see cref="Person"/> is
/// an identifier the school chooses (a student number), never linked to an account: the data set says how
/// people changed, not who they are. An import replaces the program's whole set (ADR 25), so rows are
/// never edited, only written together and deleted together.
/// </summary>
public sealed class OutcomeObservationRow
{
    private OutcomeObservationRow()
    {
    }

    public OutcomeObservationRow(Guid programId, int position, OutcomeObservation observation, DateTime importedAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Position = position;
        Person = observation.Person;
        Group = observation.Group;
        Measure = observation.Measure;
        Pre = observation.Pre;
        Post = observation.Post;
        ImportedAt = importedAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }

    /// <summary>The row's place in the imported file: measures are reported in the order they first appear.</summary>
    public int Position { get; private set; }

    public string Person { get; private set; } = "";
    public OutcomeGroup Group { get; private set; }
    public string Measure { get; private set; } = "";
    public double? Pre { get; private set; }
    public double? Post { get; private set; }
    public DateTime ImportedAt { get; private set; }

    public OutcomeObservation ToObservation() => new(Person, Group, Measure, Pre, Post);
}

internal sealed class OutcomeObservationRowConfiguration : IEntityTypeConfiguration<OutcomeObservationRow>
{
    public void Configure(EntityTypeBuilder<OutcomeObservationRow> row)
    {
        row.ToTable("OutcomeObservations");
        row.HasKey(r => r.Id);
        // No length limit of their own: the file's size limit bounds them, and a school's identifiers are its own.
        row.Property(r => r.Person).IsRequired();
        row.Property(r => r.Measure).IsRequired();
        row.Property(r => r.Group).HasConversion<string>().HasMaxLength(20);
        row.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        row.HasIndex(r => new { r.ProgramId, r.Position }).IsUnique();
    }
}
