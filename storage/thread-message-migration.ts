/** Creates the `thread_message` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of the per-thread message log. */
export class CreateThreadMessages1767000000410 implements MigrationInterface {
  name = 'CreateThreadMessages1767000000410'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'thread_message',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'messageId', type: 'varchar' },
          { name: 'messageKey', type: 'varchar' },
          { name: 'direction', type: 'varchar' },
          { name: 'thid', type: 'varchar' },
          { name: 'recordId', type: 'varchar', isNullable: true },
          { name: 'type', type: 'varchar' },
          { name: 'peerDid', type: 'varchar' },
          { name: 'message', type: 'text' },
          { name: 'createdAt', type: 'varchar' },
        ],
        indices: [
          { columnNames: ['direction', 'peerDid', 'messageKey'], isUnique: true },
          { columnNames: ['thid'] },
          { columnNames: ['recordId'] },
        ],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('thread_message', true)
  }
}
