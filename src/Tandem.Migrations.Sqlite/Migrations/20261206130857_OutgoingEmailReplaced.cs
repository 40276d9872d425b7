using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OutgoingEmailReplaced : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ReplacedAt",
                table: "OutgoingEmails",
                type: "TEXT",
                nullable: true);

            // Messages superseded before the column existed are known by their last error, written by MailOutbox alone.
            migrationBuilder.Sql("""
                UPDATE "OutgoingEmails" SET "ReplacedAt" = "GaveUpAt"
                WHERE "SentAt" IS NULL AND "GaveUpAt" IS NOT NULL AND "LastError" = 'Replaced by a newer message.';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReplacedAt",
                table: "OutgoingEmails");
        }
    }
}
