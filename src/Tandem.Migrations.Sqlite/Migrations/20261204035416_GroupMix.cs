using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GroupMix : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MixAtLeast",
                table: "MatchSetups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MixQuestionId",
                table: "MatchSetups",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GroupStatement",
                table: "MatchDrafts",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MixAtLeast",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "MixQuestionId",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "GroupStatement",
                table: "MatchDrafts");
        }
    }
}
