/**
 * The legacy identity store, reached over HTTP like Auth0's custom database scripts:
 * - `POST {url}/login` with `{identifier, password}`: 200 and the user's profile, or 401;
 * - `GET {url}/users/{identifier}`: 200 and the profile, or 404.
 * Requests carry `Authorization: Bearer <secret>`. Anything else (another status, a malformed
 * profile, a timeout, a refused connection) fails closed with `legacy_store_unavailable`.
 */
import { z } from 'zod';

import type { LegacyStoreSettings } from '../config.js';
import type { Logger } from '../logger.js';
import { findJsonFlaw, MAX_JSON_DEPTH } from './json-flaws.js';
import { ServiceError } from './service-error.js';

const metadataSchema = z.record(z.string(), z.unknown());

export const legacyProfileSchema = z.object({
  user_id: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  email: z.string().trim().toLowerCase().pipe(z.email()),
  email_verified: z.boolean().optional(),
  username: z.string().min(1).max(128).optional(),
  name: z.string().max(300).optional(),
  given_name: z.string().max(150).optional(),
  family_name: z.string().max(150).optional(),
  nickname: z.string().max(300).optional(),
  picture: z.string().max(2000).optional(),
  app_metadata: metadataSchema.optional(),
  user_metadata: metadataSchema.optional(),
});
export type LegacyProfile = z.infer<typeof legacyProfileSchema>;

export class LegacyStore {
  constructor(
    readonly settings: LegacyStoreSettings,
    private readonly logger: Logger,
  ) {}

  get mode(): LegacyStoreSettings['mode'] {
    return this.settings.mode;
  }

  /** The profile when the store accepts these credentials, null when it refuses them. */
  async login(identifier: string, password: string): Promise<LegacyProfile | null> {
    return this.call('login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier, password }),
    }, 401);
  }

  /** The profile of a user the store knows, null when it does not. */
  async findUser(identifier: string): Promise<LegacyProfile | null> {
    return this.call(`users/${encodeURIComponent(identifier)}`, { method: 'GET' }, 404);
  }

  private async call(path: string, init: RequestInit, notFoundStatus: number): Promise<LegacyProfile | null> {
    const url = `${this.settings.url.replace(/\/+$/, '')}/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.settings.secret}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw this.unavailable(path, error instanceof Error ? error.name : 'network error');
    }
    if (response.status === notFoundStatus) {
      await response.body?.cancel();
      return null;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw this.unavailable(path, `status ${response.status}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const profile = legacyProfileSchema.safeParse(body);
    if (!profile.success || findJsonFlaw(body, MAX_JSON_DEPTH)) throw this.unavailable(path, 'a profile that is not valid');
    return profile.data;
  }

  private unavailable(path: string, reason: string): ServiceError {
    // The path names the operation; the body (with the password) is never logged.
    this.logger.warn('legacy identity store failed', { operation: path.split('/')[0], reason });
    return new ServiceError('legacy_store_unavailable', 'The identity store cannot be reached. Try again later.');
  }
}
