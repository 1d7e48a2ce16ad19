/** Creates the `connection` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of connections. */
export class CreateConnections1767000000420 implements MigrationInterface {
  name = 'CreateConnections1767000000420'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'connection',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'theirDid', type: 'varchar' },
          { name: 'ourDid', type: 'varchar' },
          { name: 'label', type: 'varchar', isNullable: true },
          { name: 'origin', type: 'varchar' },
          { name: 'invitationId', type: 'varchar', isNullable: true },
          { name: 'certificateFingerprint', type: 'varchar', isNullable: true },
          { name: 'firstSeen', type: 'varchar' },
          { name: 'lastSeen', type: 'varchar' },
        ],
        indices: [
          { columnNames: ['ourDid', 'theirDid'], isUnique: true },
          { columnNames: ['theirDid'] },
        ],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('connection', true)
  }
}
