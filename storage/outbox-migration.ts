import type { MigrationInterface, QueryRunner } from 'typeorm'

/** Creates the outbox table. */
export class CreateOutbox1767000000310 implements MigrationInterface {
  name = 'CreateOutbox1767000000310'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "parley_outbox" ("id" varchar(36) PRIMARY KEY NOT NULL, ` +
        `"messageId" varchar(255) NOT NULL, "fromDid" varchar(2048) NOT NULL, ` +
        `"toDid" varchar(2048) NOT NULL, "thid" varchar(255), "form" varchar(32) NOT NULL, ` +
        `"message" text NOT NULL, "status" varchar(16) NOT NULL, ` +
        `"attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" bigint NOT NULL, ` +
        `"claimedBy" varchar(64), "claimedUntil" bigint, "lastError" text, ` +
        `"deliveredVia" varchar(2048), "createdAt" bigint NOT NULL, "expiresAt" bigint NOT NULL, ` +
        `"deliveredAt" bigint)`,
    )
    await queryRunner.query(
      `CREATE INDEX "IDX_parley_outbox_due" ON "parley_outbox" ("status", "nextAttemptAt")`,
    )
    await queryRunner.query(`CREATE INDEX "IDX_parley_outbox_toDid" ON "parley_outbox" ("toDid")`)
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "parley_outbox"`)
  }
}
