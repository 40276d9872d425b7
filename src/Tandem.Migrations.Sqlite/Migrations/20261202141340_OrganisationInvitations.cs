using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations.TandemDbMigrations
{
    /// <inheritdoc />
    public partial class OrganisationInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Role",
                table: "Invitations",
                type: "TEXT",
                maxLength: 20,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 20);

            migrationBuilder.AlterColumn<Guid>(
                name: "ProgramId",
                table: "Invitations",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<Guid>(
                name: "OrganisationId",
                table: "Invitations",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "OrganisationRole",
                table: "Invitations",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Purpose",
                table: "Invitations",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Apply");

            // Every invitation so far was to apply to a program: it belongs to the program's organisation.
            migrationBuilder.Sql("""
                UPDATE "Invitations" SET "OrganisationId" = (SELECT "OrganisationId" FROM "Programs" WHERE "Programs"."Id" = "Invitations"."ProgramId");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_OrganisationId_NormalizedEmail",
                table: "Invitations",
                columns: new[] { "OrganisationId", "NormalizedEmail" });

            migrationBuilder.AddForeignKey(
                name: "FK_Invitations_Organisations_OrganisationId",
                table: "Invitations",
                column: "OrganisationId",
                principalTable: "Organisations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Invitations_Organisations_OrganisationId",
                table: "Invitations");

            migrationBuilder.DropIndex(
                name: "IX_Invitations_OrganisationId_NormalizedEmail",
                table: "Invitations");

            migrationBuilder.DropColumn(
                name: "OrganisationId",
                table: "Invitations");

            migrationBuilder.DropColumn(
                name: "OrganisationRole",
                table: "Invitations");

            migrationBuilder.DropColumn(
                name: "Purpose",
                table: "Invitations");

            migrationBuilder.AlterColumn<string>(
                name: "Role",
                table: "Invitations",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 20,
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "ProgramId",
                table: "Invitations",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
