import type { MigrationInterface, QueryRunner } from 'typeorm'

/** Creates the replay cache table. */
export class CreateReplay1767000000330 implements MigrationInterface {
  name = 'CreateReplay1767000000330'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "parley_replay" ("sender" varchar(2048) NOT NULL, ` +
        `"messageId" varchar(255) NOT NULL, "receivedAt" bigint NOT NULL, ` +
        `PRIMARY KEY ("sender", "messageId"))`,
    )
    await queryRunner.query(
      `CREATE INDEX "IDX_parley_replay_receivedAt" ON "parley_replay" ("receivedAt")`,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "parley_replay"`)
  }
}
