import type { MigrationInterface, QueryRunner } from 'typeorm'

/** Creates the inbox table. */
export class CreateInbox1767000000320 implements MigrationInterface {
  name = 'CreateInbox1767000000320'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "parley_inbox" ("id" varchar(36) PRIMARY KEY NOT NULL, ` +
        `"messageId" varchar(255) NOT NULL, "sender" varchar(2048) NOT NULL, ` +
        `"received" text NOT NULL, "receivedAt" bigint NOT NULL, "processedAt" bigint, ` +
        `"attempts" integer NOT NULL DEFAULT (0), "lastError" text)`,
    )
    await queryRunner.query(
      `CREATE INDEX "IDX_parley_inbox_processedAt" ON "parley_inbox" ("processedAt")`,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "parley_inbox"`)
  }
}
