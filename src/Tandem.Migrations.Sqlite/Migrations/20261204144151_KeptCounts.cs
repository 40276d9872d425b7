using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class KeptCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Relationships_ProgramId_Status",
                table: "Relationships");

            migrationBuilder.AddColumn<int>(
                name: "CheckInsLogged",
                table: "Relationships",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastContactAt",
                table: "Relationships",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MeetingsHeld",
                table: "Relationships",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "QuietSince",
                table: "Relationships",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<int>(
                name: "ParticipantCount",
                table: "Programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // The counts as the check-ins and enrolments say (ADR 46), before the index is built over them.
            migrationBuilder.Sql("""
                UPDATE "Relationships" AS r SET "CheckInsLogged" = c.logged, "MeetingsHeld" = c.held, "LastContactAt" = c.last
                FROM (SELECT "RelationshipId", COUNT(*) AS logged,
                             COUNT(DISTINCT CASE WHEN "Happened" THEN COALESCE("MeetingId", "Id") END) AS held,
                             MAX(CASE WHEN "Happened" THEN "OccurredAt" END) AS last
                      FROM "CheckIns" GROUP BY "RelationshipId") AS c
                WHERE c."RelationshipId" = r."Id";
                """);
            migrationBuilder.Sql("""
                UPDATE "Relationships" SET "QuietSince" = COALESCE("LastContactAt", "StartsOn" || ' 00:00:00');
                """);
            migrationBuilder.Sql("""
                UPDATE "Programs" AS p SET "ParticipantCount" = e.n
                FROM (SELECT "ProgramId", COUNT(*) AS n FROM "Enrolments" WHERE "Role" IN ('Mentor', 'Mentee', 'Peer') GROUP BY "ProgramId") AS e
                WHERE e."ProgramId" = p."Id";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Relationships_Health",
                table: "Relationships",
                columns: new[] { "ProgramId", "Status", "QuietSince", "StartsOn", "MeetingsHeld", "PoorFitFlaggedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Relationships_Health",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "CheckInsLogged",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "LastContactAt",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "MeetingsHeld",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "QuietSince",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "ParticipantCount",
                table: "Programs");

            migrationBuilder.CreateIndex(
                name: "IX_Relationships_ProgramId_Status",
                table: "Relationships",
                columns: new[] { "ProgramId", "Status" });
        }
    }
}
