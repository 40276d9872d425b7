using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MatchingAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UnmatchedJson",
                table: "MatchDrafts");

            migrationBuilder.AddColumn<string>(
                name: "Goal",
                table: "MatchSetups",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "BestTotal");

            migrationBuilder.AddColumn<int>(
                name: "MixAtLeast",
                table: "MatchSetups",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MixQuestionId",
                table: "MatchSetups",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ComparisonJson",
                table: "MatchDrafts",
                type: "text",
                nullable: true);

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

            migrationBuilder.AddColumn<string>(
                name: "GroupStatement",
                table: "MatchDrafts",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LowestScore",
                table: "MatchDrafts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ProvenOptimal",
                table: "MatchDrafts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "MatchDrafts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Engine");

            migrationBuilder.AddColumn<long>(
                name: "TotalScore",
                table: "MatchDrafts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "MatchDraftCertificates",
                columns: table => new
                {
                    DraftId = table.Column<Guid>(type: "uuid", nullable: false),
                    CardinalityBonus = table.Column<long>(type: "bigint", nullable: false),
                    PrimalWeight = table.Column<long>(type: "bigint", nullable: false),
                    DualObjective = table.Column<long>(type: "bigint", nullable: false),
                    PairsChecked = table.Column<long>(type: "bigint", nullable: false),
                    DualsJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchDraftCertificates", x => x.DraftId);
                    table.ForeignKey(
                        name: "FK_MatchDraftCertificates_MatchDrafts_DraftId",
                        column: x => x.DraftId,
                        principalTable: "MatchDrafts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MatchDraftUnmatched",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DraftId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    EnrolmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchDraftUnmatched", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MatchDraftUnmatched_MatchDrafts_DraftId",
                        column: x => x.DraftId,
                        principalTable: "MatchDrafts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MatchingExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    MenteeIdsJson = table.Column<string>(type: "text", nullable: false),
                    MentorIdsJson = table.Column<string>(type: "text", nullable: false),
                    Pairs = table.Column<long>(type: "bigint", nullable: false),
                    Candidates = table.Column<int>(type: "integer", nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchingExports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MatchingExports_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MatchingRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Phase = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ClaimedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DraftId = table.Column<Guid>(type: "uuid", nullable: true),
                    Failure = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PhaseTimingsJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchingRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MatchingRuns_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MatchDraftUnmatched_DraftId_Position",
                table: "MatchDraftUnmatched",
                columns: new[] { "DraftId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MatchingExports_ProgramId_CreatedAt",
                table: "MatchingExports",
                columns: new[] { "ProgramId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchingRuns_ProgramId_Active",
                table: "MatchingRuns",
                column: "ProgramId",
                unique: true,
                filter: "\"Status\" IN ('Queued', 'Running')");

            migrationBuilder.CreateIndex(
                name: "IX_MatchingRuns_ProgramId_RequestedAt",
                table: "MatchingRuns",
                columns: new[] { "ProgramId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchingRuns_Status_RequestedAt",
                table: "MatchingRuns",
                columns: new[] { "Status", "RequestedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MatchDraftCertificates");

            migrationBuilder.DropTable(
                name: "MatchDraftUnmatched");

            migrationBuilder.DropTable(
                name: "MatchingExports");

            migrationBuilder.DropTable(
                name: "MatchingRuns");

            migrationBuilder.DropColumn(
                name: "Goal",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "MixAtLeast",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "MixQuestionId",
                table: "MatchSetups");

            migrationBuilder.DropColumn(
                name: "ComparisonJson",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "FairnessStatement",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "Goal",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "GroupStatement",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "LowestScore",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "ProvenOptimal",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "MatchDrafts");

            migrationBuilder.DropColumn(
                name: "TotalScore",
                table: "MatchDrafts");

            migrationBuilder.AddColumn<string>(
                name: "UnmatchedJson",
                table: "MatchDrafts",
                type: "text",
                nullable: false,
                defaultValue: "");
        }
    }
}
