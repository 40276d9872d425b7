using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Position",
                table: "SurveyResponses",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Answers already stored are numbered in the order they came in (SQLite's rowid), per survey.
            migrationBuilder.Sql("""
                UPDATE "SurveyResponses" SET "Position" = (
                    SELECT COUNT(*) FROM "SurveyResponses" AS r
                    WHERE r."SurveyId" = "SurveyResponses"."SurveyId" AND r.rowid <= "SurveyResponses".rowid);
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
