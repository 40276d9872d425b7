using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StableMatching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ChoiceNote",
                table: "MatchProposals",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MenteeChoice",
                table: "MatchProposals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MentorChoice",
                table: "MatchProposals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StabilityStatement",
                table: "MatchDrafts",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RankingOffers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MenteeEnrolmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MentorEnrolmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Score = table.Column<long>(type: "INTEGER", nullable: false),
                    ReasonsJson = table.Column<string>(type: "TEXT", nullable: false),
                    MenteeRank = table.Column<int>(type: "INTEGER", nullable: true),
                    MentorRank = table.Column<int>(type: "INTEGER", nullable: true),
                    OfferedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingOffers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RankingOffers_Enrolments_MenteeEnrolmentId",
                        column: x => x.MenteeEnrolmentId,
                        principalTable: "Enrolments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RankingOffers_Enrolments_MentorEnrolmentId",
                        column: x => x.MentorEnrolmentId,
                        principalTable: "Enrolments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RankingOffers_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RankingOffers_MenteeEnrolmentId",
                table: "RankingOffers",
                column: "MenteeEnrolmentId");

            migrationBuilder.CreateIndex(
                name: "IX_RankingOffers_MentorEnrolmentId",
                table: "RankingOffers",
                column: "MentorEnrolmentId");

            migrationBuilder.CreateIndex(
                name: "IX_RankingOffers_ProgramId_MenteeEnrolmentId_MentorEnrolmentId",
                table: "RankingOffers",
                columns: new[] { "ProgramId", "MenteeEnrolmentId", "MentorEnrolmentId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RankingOffers");

            migrationBuilder.DropColumn(
                name: "ChoiceNote",
                table: "MatchProposals");

            migrationBuilder.DropColumn(
                name: "MenteeChoice",
                table: "MatchProposals");

            migrationBuilder.DropColumn(
                name: "MentorChoice",
                table: "MatchProposals");

            migrationBuilder.DropColumn(
                name: "StabilityStatement",
                table: "MatchDrafts");
        }
    }
}
