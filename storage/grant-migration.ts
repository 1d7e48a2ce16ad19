/** Creates the `access_grant` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of access grants. */
export class CreateAccessGrants1767000000510 implements MigrationInterface {
  name = 'CreateAccessGrants1767000000510'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'access_grant',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'peerDid', type: 'varchar' },
          { name: 'resource', type: 'varchar' },
          { name: 'decisionId', type: 'varchar' },
          { name: 'rule', type: 'text' },
          { name: 'credentials', type: 'text' },
          { name: 'grantedAt', type: 'varchar' },
          { name: 'expiresAt', type: 'varchar' },
        ],
        indices: [{ columnNames: ['peerDid', 'resource', 'expiresAt'] }],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_grant', true)
  }
}
