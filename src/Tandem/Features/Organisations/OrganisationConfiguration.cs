using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Organisations;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> organisation)
    {
        organisation.HasKey(o => o.Id);
        organisation.Property(o => o.Name).HasMaxLength(160).IsRequired();
        organisation.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        organisation.Property(o => o.ConsentAge).HasDefaultValue(Organisation.DefaultConsentAge);
        organisation.HasMany(o => o.Members).WithOne().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrganisationMembershipConfiguration : IEntityTypeConfiguration<OrganisationMembership>
{
    public void Configure(EntityTypeBuilder<OrganisationMembership> membership)
    {
        membership.HasKey(m => new { m.OrganisationId, m.UserId });
        membership.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        membership.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        membership.HasIndex(m => m.UserId);
    }
}
