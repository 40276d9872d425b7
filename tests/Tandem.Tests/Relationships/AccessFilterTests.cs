using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// The compiled access queries of the hot paths (ADR 82) write out the access rules that <see cref="RelationshipAccess.Readable"/>
/// and <see cref="ProgramAccess.Visible"/>/<see cref="ProgramAccess.Manageable"/> compose: here they must give the same
/// answer for every kind of person, and the reader's role, name and zone as they are.
/// </summary>
public sealed class AccessFilterTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task TheCompiledAccessQueriesAnswerAsTheComposedFiltersForEveryKindOfPerson()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mentor Inpair", "mentor");
        var mentee = await program.ApproveAsync("Mentee Inpair", "mentee");
        var otherMentee = await program.ApproveAsync("Mentee Outside", "mentee");
        var pair = await program.StartAsync(mentor, mentee);

        // An organisation coordinator who is enrolled in nothing; a member of the organisation; a coordinator of another
        // program of the same organisation only; a coordinator of another organisation; staff of the program; an administrator.
        var organisationCoordinator = await factory.CreateUserAsync("Org Coordinator");
        await factory.AddMemberAsync(program.School.Organisation.Id, organisationCoordinator, OrganisationRole.Coordinator);
        var otherProgramCoordinator = await factory.CreateUserAsync("Other Program Coordinator");
        var elsewhere = await factory.CreateOrganisationAsync("Elsewhere School");
        var elsewhereCoordinator = await factory.CreateUserAsync("Elsewhere Coordinator");
        await factory.AddMemberAsync(elsewhere.Id, elsewhereCoordinator, OrganisationRole.Coordinator);
        var staff = await factory.CreateUserAsync("Program Staff");
        var administrator = await factory.CreateUserAsync("Site Admin", administrator: true);
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Enrolments.Add(new Enrolment(program.Program.Id, staff.Id, ProgramRole.Staff, factory.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });
        var second = await program.Coordinator.PostAsJsonAsync("/api/v1/programs", School.ValidProgram(program.School.Organisation.Id, "Second Program"));
        second.EnsureSuccessStatusCode();
        var secondId = (await second.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!.Id;
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Enrolments.Add(new Enrolment(secondId, otherProgramCoordinator.Id, ProgramRole.Coordinator, factory.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });

        var people = new (string Who, UserSummary User, bool Administrator, bool Reads, ProgramRole? Role, bool Manages)[]
        {
            ("the pair's mentor", mentor.User, false, true, ProgramRole.Mentor, false),
            ("the pair's mentee", mentee.User, false, true, ProgramRole.Mentee, false),
            ("a mentee of the program outside the pair", otherMentee.User, false, false, null, false),
            ("the program's coordinator", program.School.Coordinator, false, true, null, true),
            ("a coordinator of the organisation, enrolled in nothing", organisationCoordinator, false, true, null, true),
            ("a member of the organisation", program.School.Mentee, false, false, null, false),
            ("the coordinator of another program of the organisation only", otherProgramCoordinator, false, false, null, false),
            ("a coordinator of another organisation", elsewhereCoordinator, false, false, null, false),
            ("staff of the program", staff, false, false, null, false),
            ("an administrator", administrator, true, true, null, true),
        };
        foreach (var (who, user, isAdministrator, reads, role, manages) in people)
        {
            var actor = new Actor(user.Id, isAdministrator);
            await factory.WithScopeAsync(async s =>
            {
                var relationships = s.GetRequiredService<RelationshipAccess>();
                var programs = s.GetRequiredService<ProgramAccess>();

                var composed = await relationships.Readable(actor).AnyAsync(r => r.Id == pair.Id);
                var found = await relationships.FindReadableAsync(actor, pair.Id, CancellationToken.None);
                Assert.True(composed == reads, $"{who}: the composed filter says {composed}");
                Assert.True((found is not null) == reads, $"{who}: the compiled query says {found is not null}");
                if (found is not null)
                {
                    Assert.Equal((pair.Id, program.Program.Id, role), (found.Id, found.ProgramId, found.MyRole));
                    Assert.Equal(role is not null, found.IsMember);
                    Assert.Equal(user.DisplayName, found.MyName);
                    Assert.Equal(user.TimeZoneId, found.MyZone);
                    Assert.Equal(program.School.Organisation.Id, found.OrganisationId);
                }

                var managedComposed = await programs.Visible(actor).Where(p => p.Id == program.Program.Id).Where(programs.Manageable(actor)).AnyAsync();
                Assert.True(managedComposed == manages, $"{who}: the composed program filter says {managedComposed}");
                foreach (var tracked in new[] { true, false })
                {
                    var managed = await programs.FindManagedAsync(actor, program.Program.Id, CancellationToken.None, tracked: tracked);
                    Assert.True(managed.Succeeded == manages, $"{who}: the compiled program query (tracked: {tracked}) says {managed.Succeeded}");
                }

                // The home's "manages a program": the same rule over every program (an administrator manages all whatever it says).
                var db = s.GetRequiredService<TandemDb>();
                var managesAny = await db.Programs.Where(programs.Manageable(actor)).AnyAsync();
                var home = await ProgramAccess.UserAndManagesQuery(db, user.Id, CancellationToken.None);
                Assert.Equal(user.DisplayName, home!.DisplayName);
                if (!isAdministrator)
                {
                    Assert.True(home.Manages == managesAny, $"{who}: the home's compiled query says {home.Manages}, the composed filter {managesAny}");
                }
                return 0;
            });
        }

        // Someone who cannot read the pair does not find it whoever else's id is asked for; an unknown id is not found by anyone.
        await factory.WithScopeAsync(async s =>
        {
            var relationships = s.GetRequiredService<RelationshipAccess>();
            Assert.Null(await relationships.FindReadableAsync(new Actor(administrator.Id, true), Guid.NewGuid(), CancellationToken.None));
            Assert.Null(await relationships.FindReadableAsync(new Actor(mentor.User.Id, false), Guid.NewGuid(), CancellationToken.None));
            return 0;
        });
    }
}
