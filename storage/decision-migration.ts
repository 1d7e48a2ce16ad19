/** Creates the `policy_decision` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of policy decisions. */
export class CreatePolicyDecisions1767000000500 implements MigrationInterface {
  name = 'CreatePolicyDecisions1767000000500'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'policy_decision',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'peerDid', type: 'varchar' },
          { name: 'resource', type: 'varchar' },
          { name: 'result', type: 'varchar' },
          { name: 'rule', type: 'text' },
          { name: 'credentials', type: 'text' },
          { name: 'outcomes', type: 'text' },
          { name: 'thid', type: 'varchar', isNullable: true },
          { name: 'decidedAt', type: 'varchar' },
        ],
        indices: [{ columnNames: ['peerDid'] }, { columnNames: ['resource'] }],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('policy_decision', true)
  }
}
