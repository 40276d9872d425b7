using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ObjectiveMeasures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AtMost",
                table: "ProgramObjectives",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Measure",
                table: "ProgramObjectives",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeMeasure",
                table: "ProgramObjectives",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QuestionId",
                table: "ProgramObjectives",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SurveyId",
                table: "ProgramObjectives",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Threshold",
                table: "ProgramObjectives",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AtMost",
                table: "ProgramObjectives");

            migrationBuilder.DropColumn(
                name: "Measure",
                table: "ProgramObjectives");

            migrationBuilder.DropColumn(
                name: "OutcomeMeasure",
                table: "ProgramObjectives");

            migrationBuilder.DropColumn(
                name: "QuestionId",
                table: "ProgramObjectives");

            migrationBuilder.DropColumn(
                name: "SurveyId",
                table: "ProgramObjectives");

            migrationBuilder.DropColumn(
                name: "Threshold",
                table: "ProgramObjectives");
        }
    }
}
