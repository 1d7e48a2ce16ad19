/** Creates the `protocol_record` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of protocol thread records. */
export class CreateProtocolRecords1767000000400 implements MigrationInterface {
  name = 'CreateProtocolRecords1767000000400'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'protocol_record',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'thid', type: 'varchar' },
          { name: 'pthid', type: 'varchar', isNullable: true },
          { name: 'protocol', type: 'varchar' },
          { name: 'role', type: 'varchar' },
          { name: 'state', type: 'varchar' },
          { name: 'ourDid', type: 'varchar' },
          { name: 'peerDid', type: 'varchar' },
          { name: 'data', type: 'text' },
          { name: 'problem', type: 'text', isNullable: true },
          { name: 'createdAt', type: 'varchar' },
          { name: 'updatedAt', type: 'varchar' },
          { name: 'timeoutAt', type: 'varchar', isNullable: true },
          { name: 'version', type: 'integer' },
        ],
        indices: [
          { columnNames: ['ourDid', 'thid'], isUnique: true },
          { columnNames: ['thid'] },
          { columnNames: ['pthid'] },
          { columnNames: ['role'] },
          { columnNames: ['state'] },
          { columnNames: ['peerDid'] },
          { columnNames: ['timeoutAt'] },
        ],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('protocol_record', true)
  }
}
