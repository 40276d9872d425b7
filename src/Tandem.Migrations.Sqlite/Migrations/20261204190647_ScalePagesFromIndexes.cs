using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ScalePagesFromIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CheckedIn",
                table: "Meetings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Meetings someone has already checked in about (ADR 50), before the partial index is built over the rest.
            migrationBuilder.Sql("UPDATE \"Meetings\" SET \"CheckedIn\" = TRUE WHERE EXISTS (SELECT 1 FROM \"CheckIns\" c WHERE c.\"MeetingId\" = \"Meetings\".\"Id\")");

            migrationBuilder.CreateIndex(
                name: "IX_Relationships_ProgramId_CreatedAt_Id",
                table: "Relationships",
                columns: new[] { "ProgramId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Meetings_NotCheckedIn",
                table: "Meetings",
                columns: new[] { "ProgramId", "StartsAt" },
                filter: "\"Status\" = 'Accepted' AND NOT \"CheckedIn\"");

            migrationBuilder.CreateIndex(
                name: "IX_Enrolments_ProgramId_Role_EnrolledAt_Id",
                table: "Enrolments",
                columns: new[] { "ProgramId", "Role", "EnrolledAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Relationships_ProgramId_CreatedAt_Id",
                table: "Relationships");

            migrationBuilder.DropIndex(
                name: "IX_Meetings_NotCheckedIn",
                table: "Meetings");

            migrationBuilder.DropIndex(
                name: "IX_Enrolments_ProgramId_Role_EnrolledAt_Id",
                table: "Enrolments");

            migrationBuilder.DropColumn(
                name: "CheckedIn",
                table: "Meetings");
        }
    }
}
