using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MatchingGoal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Goal",
                table: "MatchSetups",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "BestTotal");

            migrationBuilder.AddColumn<string>(
                name: "FairnessStatement",
                table: "MatchDrafts",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Goal",
                table: "MatchDrafts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "BestTotal");

            migrationBuilder.AddColumn<long>(
                name: "LowestScore",
                table: "MatchDrafts",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Goal",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "FairnessStatement",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "Goal",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "LowestScore",
                table: "MatchDrafts");
        }
    }
}
