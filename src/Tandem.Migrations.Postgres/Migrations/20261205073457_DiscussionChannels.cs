using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DiscussionChannels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DiscussionChannels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Audience = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RelationshipId = table.Column<Guid>(type: "uuid", nullable: true),
                    Key = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiscussionChannels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DiscussionChannels_AspNetUsers_CreatedByUserId",
                        column: x => x.CreatedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_DiscussionChannels_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DiscussionChannels_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ChannelMembers",
                columns: table => new
                {
                    ChannelId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    JoinedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    MutedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RemovedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelMembers", x => new { x.ChannelId, x.UserId });
                    table.ForeignKey(
                        name: "FK_ChannelMembers_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelMembers_DiscussionChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "DiscussionChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ChannelPosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ChannelId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    AuthorUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ParentPostId = table.Column<Guid>(type: "uuid", nullable: true),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    PostedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    HiddenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    HiddenByUserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelPosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChannelPosts_AspNetUsers_AuthorUserId",
                        column: x => x.AuthorUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelPosts_ChannelPosts_ParentPostId",
                        column: x => x.ParentPostId,
                        principalTable: "ChannelPosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelPosts_DiscussionChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "DiscussionChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ModerationEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChannelId = table.Column<Guid>(type: "uuid", nullable: false),
                    ModeratorUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SubjectUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    PostId = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModerationEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModerationEntries_AspNetUsers_ModeratorUserId",
                        column: x => x.ModeratorUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ModerationEntries_AspNetUsers_SubjectUserId",
                        column: x => x.SubjectUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ModerationEntries_DiscussionChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "DiscussionChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PostReports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PostId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChannelId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReporterUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ReportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedByUserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PostReports_AspNetUsers_ReporterUserId",
                        column: x => x.ReporterUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PostReports_ChannelPosts_PostId",
                        column: x => x.PostId,
                        principalTable: "ChannelPosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelMembers_UserId",
                table: "ChannelMembers",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_ChannelPosts_AuthorUserId",
                table: "ChannelPosts",
                column: "AuthorUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ChannelPosts_ChannelId_ParentPostId_PostedAt",
                table: "ChannelPosts",
                columns: new[] { "ChannelId", "ParentPostId", "PostedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelPosts_ParentPostId_PostedAt",
                table: "ChannelPosts",
                columns: new[] { "ParentPostId", "PostedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelPosts_ProgramId",
                table: "ChannelPosts",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_DiscussionChannels_CreatedByUserId",
                table: "DiscussionChannels",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_DiscussionChannels_ProgramId_Key",
                table: "DiscussionChannels",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DiscussionChannels_RelationshipId",
                table: "DiscussionChannels",
                column: "RelationshipId");

            migrationBuilder.CreateIndex(
                name: "IX_ModerationEntries_ChannelId",
                table: "ModerationEntries",
                column: "ChannelId");

            migrationBuilder.CreateIndex(
                name: "IX_ModerationEntries_ModeratorUserId",
                table: "ModerationEntries",
                column: "ModeratorUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ModerationEntries_ProgramId_At",
                table: "ModerationEntries",
                columns: new[] { "ProgramId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ModerationEntries_SubjectUserId",
                table: "ModerationEntries",
                column: "SubjectUserId");

            migrationBuilder.CreateIndex(
                name: "IX_PostReports_PostId_ReporterUserId",
                table: "PostReports",
                columns: new[] { "PostId", "ReporterUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PostReports_ProgramId_State_ReportedAt",
                table: "PostReports",
                columns: new[] { "ProgramId", "State", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PostReports_ReporterUserId",
                table: "PostReports",
                column: "ReporterUserId");

            // Those who turned e-mail off before notification choices (ADR 57) get the new kind in the app only, as they got
            // Events (ADR 62): everyone with every earlier kind in the app.
            migrationBuilder.Sql("""
                INSERT INTO "NotificationChoices" ("UserId", "Kind", "Choice", "UpdatedAt")
                SELECT "UserId", 'Discussions', 'InApp', MAX("UpdatedAt") FROM "NotificationChoices"
                WHERE "Choice" = 'InApp' AND "Kind" IN ('Meetings', 'Reminders', 'Messages', 'Matches', 'Announcements', 'Surveys', 'ProgramUpdates', 'Events')
                GROUP BY "UserId" HAVING COUNT(*) = 8
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "NotificationChoices" WHERE "Kind" = 'Discussions'""");

            migrationBuilder.DropTable(
                name: "ChannelMembers");

            migrationBuilder.DropTable(
                name: "ModerationEntries");

            migrationBuilder.DropTable(
                name: "PostReports");

            migrationBuilder.DropTable(
                name: "ChannelPosts");

            migrationBuilder.DropTable(
                name: "DiscussionChannels");
        }
    }
}
