/**
 * Parley's own TypeORM entities and migrations, in the order the migrations must run.
 *
 * Each area of the agent keeps its entity and its migration beside each other under `storage/`
 * and adds them here; a migration's class name carries its timestamp and is never changed once
 * released.
 */

/** Entity classes, as TypeORM takes them. */
export const parleyEntities: (new () => object)[] = []

/** Migration classes, oldest first. */
export const parleyMigrations: (new () => object)[] = []
