using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SurveyAnswerOrderAndPulseWatermark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SurveyResponses_SurveyId",
                table: "SurveyResponses");

            migrationBuilder.AddColumn<DateTime>(
                name: "MeetingsSeenUntil",
                table: "Surveys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Position",
                table: "SurveyResponses",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Answers already stored are numbered per survey by week, then id: PostgreSQL keeps no order of insertion.
            migrationBuilder.Sql("""
                UPDATE "SurveyResponses" AS r SET "Position" = n."Position"
                FROM (SELECT "Id", ROW_NUMBER() OVER (PARTITION BY "SurveyId" ORDER BY "Week", "Id") AS "Position" FROM "SurveyResponses") AS n
                WHERE r."Id" = n."Id";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_SurveyId_Position",
                table: "SurveyResponses",
                columns: new[] { "SurveyId", "Position" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SurveyResponses_SurveyId_Position",
                table: "SurveyResponses");

            migrationBuilder.DropColumn(
                name: "MeetingsSeenUntil",
                table: "Surveys");

            migrationBuilder.DropColumn(
                name: "Position",
                table: "SurveyResponses");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_SurveyId",
                table: "SurveyResponses",
                column: "SurveyId");
        }
    }
}
