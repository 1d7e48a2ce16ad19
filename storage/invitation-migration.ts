/** Creates the `invitation` table. Released: never change, add a new migration instead. */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/** The first schema of out-of-band invitations. */
export class CreateInvitations1767000000430 implements MigrationInterface {
  name = 'CreateInvitations1767000000430'

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'invitation',
        columns: [
          { name: 'id', type: 'varchar', isPrimary: true },
          { name: 'ourDid', type: 'varchar' },
          { name: 'goalCode', type: 'varchar', isNullable: true },
          { name: 'multiUse', type: 'boolean' },
          { name: 'useCount', type: 'integer' },
          { name: 'expiresAt', type: 'varchar', isNullable: true },
          { name: 'message', type: 'text' },
          { name: 'createdAt', type: 'varchar' },
          { name: 'lastUsedAt', type: 'varchar', isNullable: true },
        ],
      }),
      true,
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('invitation', true)
  }
}
