using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 119: changes to an organisation's members run behind its row lock, so two coordinators demoting or removing each
/// other at once leave one, and an administrator's "Add" pressed twice adds the account once.
/// </summary>
public sealed class OrganisationLockTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private TandemFactory Factory => fixture.Tandem;

    private Task<List<OrganisationRole>> RolesAsync(Guid organisationId) => Factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().OrganisationMemberships.Where(m => m.OrganisationId == organisationId).Select(m => m.Role).ToListAsync());

    /// <summary>A school with two coordinators: Cora (the school's) and Cato.</summary>
    private async Task<(School School, Actor Cora, Actor Cato, string CatoEmail)> TwoCoordinatorsAsync()
    {
        var school = await School.CreateAsync(Factory);
        var cato = await Factory.CreateUserAsync("Cato Ordinator");
        await Factory.AddMemberAsync(school.Organisation.Id, cato, OrganisationRole.Coordinator);
        return (school, new Actor(school.Coordinator.Id, IsAdministrator: false), new Actor(cato.Id, IsAdministrator: false), cato.Email);
    }

    [Fact]
    public async Task TwoCoordinatorsDemotingEachOtherAtOnceLeaveOneCoordinator()
    {
        var (school, cora, cato, catoEmail) = await TwoCoordinatorsAsync();
        var organisationId = school.Organisation.Id;

        // Cato demotes Cora while Cora's request to demote Cato is between its checks and its write.
        var outcome = await DeletedMeanwhile.RunAsync<AddOrganisationMember, Outcome<MemberAddition>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<AddOrganisationMember>().RunAsync(cato, organisationId,
                new AddMemberRequest { Email = school.Coordinator.Email, Role = OrganisationRole.Member })),
            a => a.RunAsync(cora, organisationId, new AddMemberRequest { Email = catoEmail, Role = OrganisationRole.Member }));

        Assert.Equal("Cato Ordinator is the organisation's only coordinator: make someone else coordinator first.", Assert.IsType<Conflict>(outcome.Failure).Detail);
        Assert.Equal(1, (await RolesAsync(organisationId)).Count(r => r == OrganisationRole.Coordinator));
    }

    [Fact]
    public async Task TwoCoordinatorsRemovingEachOtherAtOnceLeaveOneCoordinator()
    {
        var (school, cora, cato, _) = await TwoCoordinatorsAsync();
        var organisationId = school.Organisation.Id;
        var catoId = cato.UserId;

        // Cato removes Cora while Cora's request to remove Cato is between its checks and its write.
        var outcome = await DeletedMeanwhile.RunAsync<RemoveOrganisationMember, Outcome<Removed>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<RemoveOrganisationMember>().RunAsync(cato, organisationId, school.Coordinator.Id)),
            r => r.RunAsync(cora, organisationId, catoId));

        Assert.Equal("Cato Ordinator is the organisation's only coordinator: make someone else coordinator first.", Assert.IsType<Conflict>(outcome.Failure).Detail);
        Assert.Equal(1, (await RolesAsync(organisationId)).Count(r => r == OrganisationRole.Coordinator));
    }

    [Fact]
    public async Task AnAdministratorsDoubleSubmittedAddOfAnAccountAddsItOnceAndAnswersAsARepeatedPress()
    {
        var school = await School.CreateAsync(Factory);
        var administrator = new Actor((await Factory.CreateUserAsync("Ada Admin", administrator: true)).Id, IsAdministrator: true);
        var request = new AddMemberRequest { Email = school.Outsider.Email, Role = OrganisationRole.Member };

        var second = await DeletedMeanwhile.RunAsync<AddOrganisationMember, Outcome<MemberAddition>>(Factory,
            _ => Factory.WithScopeAsync(s => s.GetRequiredService<AddOrganisationMember>().RunAsync(administrator, school.Organisation.Id, request)),
            a => a.RunAsync(administrator, school.Organisation.Id, request));

        Assert.Null(second.Failure);
        Assert.Equal((school.Outsider.Id, OrganisationRole.Member), (second.Value!.Member!.UserId, second.Value.Member.Role));
        Assert.Equal(1, await Factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().OrganisationMemberships
            .CountAsync(m => m.OrganisationId == school.Organisation.Id && m.UserId == school.Outsider.Id)));
    }
}
