/**
 * Export of every user, streamed page by page into a file: newline-delimited JSON (by default in
 * the import format, so the file imports again as it is, hashes included when asked for) or CSV
 * of chosen fields, with spreadsheet formulas neutralised.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

import type { Kysely } from 'kysely';
import { z } from 'zod';

import { findCredentialsOf } from '../store/credentials-repository.js';
import { findIdentitiesOfUsers } from '../store/identities-repository.js';
import type { Database } from '../store/schema.js';
import { usersAfter, type UserRow } from '../store/users-repository.js';
import type { ImportedHash } from './imported-hashes.js';
import { DATABASE_PROVIDER, parseMetadata, toManagementUser } from './user-records.js';

const PAGE_SIZE = 1000;

export const exportFieldSchema = z.strictObject({
  name: z.string().min(1).max(200),
  export_as: z.string().min(1).max(200).optional(),
});
export type ExportField = z.infer<typeof exportFieldSchema>;

export const exportOptionsSchema = z
  .strictObject({
    format: z.enum(['json', 'csv']).default('json'),
    fields: z.array(exportFieldSchema).min(1).max(100).optional(),
    /** Include each password hash in the import format (`password_hash` or `custom_password_hash`). */
    include_password_hashes: z.boolean().default(false),
    /** Export at most this many users (in user id order), as Auth0's `limit`. */
    limit: z.int().min(1).optional(),
  })
  .refine((options) => !(options.include_password_hashes && options.format === 'csv'), {
    message: 'password hashes are exported in the JSON format only',
    path: ['include_password_hashes'],
  });
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

/** The CSV columns when none are chosen. */
const DEFAULT_CSV_FIELDS: readonly ExportField[] = [
  'user_id',
  'email',
  'email_verified',
  'username',
  'name',
  'given_name',
  'family_name',
  'created_at',
  'last_login',
  'logins_count',
  'blocked',
].map((name) => ({ name }));

/** Cells a spreadsheet would run as a formula start with one of these; a quote makes them text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = Record<string, unknown>;

/** A row in Auth0's import format, which `users-imports` takes back as it is. */
function importFormat(user: UserRow, hash: ImportedHash | undefined): Row {
  const id = user.id.startsWith(`${DATABASE_PROVIDER}|`) ? user.id.slice(DATABASE_PROVIDER.length + 1) : undefined;
  const optional = (key: string, value: string | null): Row => (value === null ? {} : { [key]: value });
  const appMetadata = parseMetadata(user.app_metadata);
  const userMetadata = parseMetadata(user.user_metadata);
  return {
    email: user.email,
    email_verified: user.email_verified === 1,
    ...(id === undefined ? {} : { user_id: id }),
    ...optional('username', user.username),
    ...optional('given_name', user.given_name),
    ...optional('family_name', user.family_name),
    ...optional('name', user.name),
    ...optional('nickname', user.nickname),
    ...optional('picture', user.picture),
    blocked: user.blocked === 1,
    ...(Object.keys(appMetadata).length > 0 ? { app_metadata: appMetadata } : {}),
    ...(Object.keys(userMetadata).length > 0 ? { user_metadata: userMetadata } : {}),
    ...hashFields(hash),
  };
}

function hashFields(hash: ImportedHash | undefined): Row {
  if (!hash) return {};
  return hash.kind === 'bcrypt' ? { password_hash: hash.value } : { custom_password_hash: hash.format };
}

/** A stored password as an importable hash: ours is argon2 in Auth0's terms. */
function asImportedHash(stored: { password_hash: string; hash_format: string }): ImportedHash {
  return stored.hash_format === 'argon2id'
    ? { kind: 'custom', format: { algorithm: 'argon2', hash: { value: stored.password_hash } } }
    : (JSON.parse(stored.password_hash) as ImportedHash);
}

/** Reads `app_metadata.plan` and the like out of a described user. */
function fieldValue(user: Row, name: string): unknown {
  return name.split('.').reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Row)[key] : undefined),
    user,
  );
}

export class UserExporter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly connectionName: string,
  ) {}

  /** Writes every user to `path`; returns how many. `onPage` hears after each page (heartbeats). */
  async run(path: string, options: ExportOptions, onPage: (written: number) => Promise<void>): Promise<number> {
    const file = createWriteStream(path, { encoding: 'utf8' });
    const write = async (text: string): Promise<void> => {
      if (!file.write(text)) await once(file, 'drain');
    };
    const fields = options.fields ?? (options.format === 'csv' ? DEFAULT_CSV_FIELDS : undefined);
    try {
      if (options.format === 'csv' && fields) {
        await write(`${fields.map((field) => csvCell(field.export_as ?? field.name)).join(',')}\r\n`);
      }
      let written = 0;
      let after = '';
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      while (written < limit) {
        const users = await usersAfter(this.db, after, Math.min(PAGE_SIZE, limit - written));
        if (users.length === 0) break;
        const ids = users.map((user) => user.id);
        // Social identities only show in the Management API shape that chosen fields read from.
        const [credentials, identities] = await Promise.all([
          findCredentialsOf(this.db, ids),
          fields ? findIdentitiesOfUsers(this.db, ids) : Promise.resolve([]),
        ]);
        const credentialOf = new Map(credentials.map((credential) => [credential.user_id, credential]));
        let text = '';
        for (const user of users) {
          const stored = credentialOf.get(user.id);
          const hash = options.include_password_hashes && stored ? asImportedHash(stored) : undefined;
          let row: Row;
          if (fields) {
            const described = toManagementUser(
              user,
              this.connectionName,
              stored !== undefined,
              identities.filter((identity) => identity.user_id === user.id),
            ) as unknown as Row;
            row = Object.fromEntries(fields.map((field) => [field.export_as ?? field.name, fieldValue(described, field.name)]));
            Object.assign(row, hashFields(hash));
          } else {
            row = importFormat(user, hash);
          }
          text +=
            options.format === 'csv'
              ? `${Object.values(row).map(csvCell).join(',')}\r\n`
              : `${JSON.stringify(row)}\n`;
        }
        await write(text);
        written += users.length;
        after = users.at(-1)?.id ?? after;
        await onPage(written);
      }
      file.end();
      await once(file, 'finish');
      return written;
    } catch (error) {
      file.destroy();
      throw error;
    }
  }
}
