import type { Migration } from 'kysely';

import * as usersSessionsCounters from './0001-users-sessions-counters.js';
import * as socialIdentities from './0002-social-identities.js';
import * as migrationJobsReset from './0003-migration-jobs-reset.js';
import * as blocksAndJobOwners from './0004-blocks-and-job-owners.js';

/**
 * Every migration, in order. Listed by hand rather than read from the folder so that the list
 * survives bundling and a missing file is a type error, not a silent skip.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-users-sessions-counters': usersSessionsCounters,
  '0002-social-identities': socialIdentities,
  '0003-migration-jobs-reset': migrationJobsReset,
  '0004-blocks-and-job-owners': blocksAndJobOwners,
};
