import { randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { Database } from '../store/schema.js';
import { getOrCreateSetting } from '../store/settings-repository.js';
import { isoTime, type Clock } from './clock.js';

/**
 * Keys the server makes for itself. They live in the database, so a restart keeps them and every
 * server on the same database uses the same ones.
 */
export class ServerSecrets {
  private cookieKeyLoading: Promise<Buffer> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** 256 bits for sealing cookies. */
  cookieKey(): Promise<Buffer> {
    this.cookieKeyLoading ??= getOrCreateSetting(
      this.db,
      'cookie-key',
      () => randomBytes(32).toString('base64url'),
      isoTime(this.clock),
    ).then(
      (value) => Buffer.from(value, 'base64url'),
      (error: unknown) => {
        this.cookieKeyLoading = undefined;
        throw error;
      },
    );
    return this.cookieKeyLoading;
  }
}
