using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NotificationChoicesAndDigest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand (ADR 57): the one-flag table becomes one row per person and kind. Whoever had turned e-mail off
            // keeps every changeable kind in the app only; whoever had it on (or no row) needs no row: the default is e-mail.
            migrationBuilder.CreateTable(
                name: "NotificationChoices",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Choice = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationChoices", x => new { x.UserId, x.Kind });
                    table.ForeignKey(
                        name: "FK_NotificationChoices_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql(@"INSERT INTO ""NotificationChoices"" (""UserId"", ""Kind"", ""Choice"", ""UpdatedAt"")
SELECT p.""UserId"", k.""Kind"", 'InApp', p.""UpdatedAt""
FROM ""NotificationPreferences"" p CROSS JOIN (SELECT 'Meetings' AS ""Kind"" UNION ALL SELECT 'Reminders' AS ""Kind"" UNION ALL SELECT 'Messages' AS ""Kind"" UNION ALL SELECT 'Matches' AS ""Kind"" UNION ALL SELECT 'Announcements' AS ""Kind"" UNION ALL SELECT 'Surveys' AS ""Kind"" UNION ALL SELECT 'ProgramUpdates' AS ""Kind"") k
WHERE p.""Email"" = FALSE;");

            migrationBuilder.DropTable(
                name: "NotificationPreferences");

            // Notifications from before kinds existed: "program updates", e-mailed at once if they were e-mailed.
            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "Notifications",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "ProgramUpdates");

            migrationBuilder.AddColumn<string>(
                name: "Choice",
                table: "Notifications",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "InApp");

            migrationBuilder.Sql(@"UPDATE ""Notifications"" SET ""Choice"" = 'Email' WHERE ""EmailedAt"" IS NOT NULL;");

            migrationBuilder.AddColumn<Guid>(
                name: "DigestId",
                table: "Notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "NotificationDigests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationDigests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationDigests_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_WaitingForDigest",
                table: "Notifications",
                columns: new[] { "UserId", "CreatedAt" },
                filter: "\"Choice\" = 'DailyDigest' AND \"DigestId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDigests_UserId_DueAt",
                table: "NotificationDigests",
                columns: new[] { "UserId", "DueAt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NotificationPreferences",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationPreferences", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_NotificationPreferences_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Back to one flag: e-mail stays on for whoever has any kind e-mailed at once.
            migrationBuilder.Sql(@"INSERT INTO ""NotificationPreferences"" (""UserId"", ""Email"", ""UpdatedAt"")
SELECT c.""UserId"", CASE WHEN SUM(CASE WHEN c.""Choice"" = 'Email' THEN 1 ELSE 0 END) > 0 THEN TRUE ELSE FALSE END, MAX(c.""UpdatedAt"")
FROM ""NotificationChoices"" c GROUP BY c.""UserId"";");

            migrationBuilder.DropTable(
                name: "NotificationChoices");

            migrationBuilder.DropTable(
                name: "NotificationDigests");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_WaitingForDigest",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Choice",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "DigestId",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "Notifications");
        }
    }
}
