using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

public sealed class CreateOrganisationRequest
{
    [Required, StringLength(160, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [Required]
    public OrganisationKind? Kind { get; set; }

    /// <summary>True when participants may be under 18.</summary>
    public bool IncludesMinors { get; set; }
}

/// <summary>An administrator registers a school, university or company.</summary>
public sealed class CreateOrganisation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<OrganisationView>> RunAsync(CreateOrganisationRequest request, CancellationToken ct = default)
    {
        var name = request.Name.Trim();
        if (await db.Organisations.AnyAsync(o => o.Name == name, ct))
        {
            return new Conflict($"An organisation named {name} already exists.");
        }
        var organisation = new Organisation(name, request.Kind ?? OrganisationKind.Other, request.IncludesMinors, clock.GetUtcNow().UtcDateTime);
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(ct);
        return new OrganisationView(organisation.Id, organisation.Name, organisation.Kind, organisation.IncludesMinors, 0, null);
    }
}
