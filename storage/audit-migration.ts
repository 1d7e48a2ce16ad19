import type { MigrationInterface, QueryRunner } from 'typeorm'

/** Creates the audit log table. */
export class CreateAudit1767000000300 implements MigrationInterface {
  name = 'CreateAudit1767000000300'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "parley_audit" ("seq" integer PRIMARY KEY NOT NULL, "at" bigint NOT NULL, ` +
        `"kind" varchar(64) NOT NULL, "data" text NOT NULL, "prevHash" varchar(64) NOT NULL, ` +
        `"hash" varchar(64) NOT NULL)`,
    )
    await queryRunner.query(`CREATE INDEX "IDX_parley_audit_kind" ON "parley_audit" ("kind")`)
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "parley_audit"`)
  }
}
