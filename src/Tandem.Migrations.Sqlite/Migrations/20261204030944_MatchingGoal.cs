using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "BestTotal");

            migrationBuilder.AddColumn<string>(
                name: "FairnessStatement",
                table: "MatchDrafts",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Goal",
                table: "MatchDrafts",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "BestTotal");

            migrationBuilder.AddColumn<long>(
                name: "LowestScore",
                table: "MatchDrafts",
                type: "INTEGER",
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
