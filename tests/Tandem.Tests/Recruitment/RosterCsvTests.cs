using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>The roster reader on its own (no database): odd files get row-numbered errors, never exceptions.</summary>
public sealed class RosterCsvTests
{
    private static MentorshipProgram Program(PairingModel pairing = PairingModel.MentorMentee)
    {
        var program = new MentorshipProgram(Guid.NewGuid(), TestClock.Start.UtcDateTime);
        program.Describe(new ProgramDesign("P", "", "", pairing, "", MeetingFormats.OneToOne, Cadence.Weekly, null, null, []), TestClock.Start.UtcDateTime);
        return program;
    }

    private static (List<RosterRow> Rows, List<RosterError> Errors, int Count) Read(string csv, PairingModel pairing = PairingModel.MentorMentee, int maxRows = 100) =>
        RosterCsv.Read(new StringReader(csv), Program(pairing), maxRows);

    [Fact]
    public void AnEmptyFileIsReportedAsEmpty()
    {
        var (rows, errors, _) = Read("");
        Assert.Empty(rows);
        Assert.Contains("empty", Assert.Single(errors).Message);
    }

    [Fact]
    public void AHeaderWithoutRowsIsReported()
    {
        var (_, errors, count) = Read("email,first_name,last_name,role\n");
        Assert.Equal(0, count);
        Assert.Equal(2, Assert.Single(errors).Row);
    }

    [Fact]
    public void QuotedCommasAndAliasesAreRead()
    {
        var (rows, errors, _) = Read("E-mail,Given Name,Surname,ROLE,TimeZone,Class\r\n a@b.test , \"Smith, Jr.\" ,Lee,Mentor,Europe/London,7B\r\n");
        Assert.Empty(errors);
        var row = Assert.Single(rows);
        Assert.Equal(("a@b.test", "Smith, Jr.", "Lee", ProgramRole.Mentor, "Europe/London", "7B"), (row.Email, row.FirstName, row.LastName, row.Role, row.TimeZoneId, row.Group));
        Assert.Equal(2, row.Row);
    }

    [Fact]
    public void RolesMustFitThePairingModel()
    {
        var (_, errors, _) = Read("email,first_name,last_name,role\na@b.test,A,B,mentor\nc@d.test,C,D,peer\ne@f.test,E,F,staff\ng@h.test,G,H,1\n", PairingModel.PeerToPeer);
        Assert.Equal([2, 4, 5], errors.Select(e => e.Row));
        Assert.All(errors, e => Assert.Equal("role", e.Column));
    }

    [Fact]
    public void ExtraValuesAndTooManyRowsAreReported()
    {
        var (_, extra, _) = Read("email,first_name,last_name,role\na@b.test,A,B,mentee,surprise\n");
        Assert.Contains("5 values", Assert.Single(extra).Message);

        var many = "email,first_name,last_name,role\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"p{i}@b.test,A,B,mentee\n"));
        var (_, errors, _) = Read(many, maxRows: 3);
        Assert.Contains("at most 3 rows", Assert.Single(errors).Message);
    }

    [Fact]
    public void AnUnclosedQuoteIsAnErrorNotAnException()
    {
        var (_, errors, _) = Read("email,first_name,last_name,role\n\"a@b.test,A,B,mentee\nc@d.test,C,D,mentee\n");
        Assert.NotEmpty(errors);
    }
}
