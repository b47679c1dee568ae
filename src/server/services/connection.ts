/**
 * The database connection, in Auth0's terms: every password account here belongs to it. Its id
 * (`con_` and 16 characters) is made once and kept in the database, so it never changes and
 * every server reports the same one.
 */
import type { Kysely } from 'kysely';

import type { PasswordPolicy, UsernamePolicy } from '../../shared/api.js';
import type { Database } from '../store/schema.js';
import { getOrCreateSetting } from '../store/settings-repository.js';
import { isoTime, type Clock } from './clock.js';
import { randomAlphanumericId } from './ids.js';
import { ServiceError } from './service-error.js';

const newConnectionId = (): string => randomAlphanumericId('con_', 16);

export interface ConnectionSettings {
  name: string;
  password: PasswordPolicy;
  username: UsernamePolicy;
  bruteForce: boolean;
}

export class DatabaseConnection {
  private idLoading: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: ConnectionSettings,
    private readonly clock: Clock,
  ) {}

  get name(): string {
    return this.settings.name;
  }

  id(): Promise<string> {
    this.idLoading ??= getOrCreateSetting(this.db, 'connection-id', newConnectionId, isoTime(this.clock)).catch(
      (error: unknown) => {
        this.idLoading = undefined;
        throw error;
      },
    );
    return this.idLoading;
  }

  /** Checks a `connection` name or `connection_id` given by a caller; either may be omitted where optional. */
  async assertIsThis(reference: { connection?: string | undefined; connectionId?: string | undefined }): Promise<void> {
    if (reference.connection !== undefined && reference.connection !== this.name) {
      throw new ServiceError('not_found', `There is no connection named "${reference.connection}".`, { path: 'connection' });
    }
    if (reference.connectionId !== undefined && reference.connectionId !== (await this.id())) {
      throw new ServiceError('not_found', `There is no connection with id "${reference.connectionId}".`, {
        path: 'connection_id',
      });
    }
  }

  /** Auth0's connection object, with the policies spelled out the way Auth0 names them. */
  async describe(): Promise<Record<string, unknown>> {
    const { password, username } = this.settings;
    return {
      id: await this.id(),
      name: this.name,
      display_name: this.name,
      strategy: 'auth0',
      enabled_clients: [],
      realms: [this.name],
      is_domain_connection: false,
      options: {
        passwordPolicy: password.strength,
        password_complexity_options: { min_length: password.minLength },
        password_dictionary: { enable: password.dictionary.common || password.dictionary.custom.length > 0, dictionary: password.dictionary.custom },
        password_no_personal_info: { enable: password.noPersonalInfo },
        password_history: { enable: password.history > 0, size: password.history },
        requires_username: username.required,
        validation: { username: { min: username.minLength, max: username.maxLength } },
        brute_force_protection: this.settings.bruteForce,
      },
    };
  }
}
