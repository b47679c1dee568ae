/**
 * Bulk inserts in fixed shapes (store/bulk-insert.ts) end with the rows Kysely's own multi-row
 * insert would have written, on whichever engine the suite runs, and refuse what it refuses.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import type { Insertable, Kysely } from 'kysely';

import { newUserRow } from '../../src/server/services/user-records.js';
import { CHUNK_ROWS, chunkRows, insertInChunks } from '../../src/server/store/bulk-insert.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';
import { UnstorableTextError } from '../../src/server/store/dialect.js';
import type { CredentialsTable, Database, UsersTable } from '../../src/server/store/schema.js';
import { createTestDatabase, removeTestFolders } from './test-database.js';

after(removeTestFolders);

async function freshDatabase(): Promise<Kysely<Database>> {
  const db = openDatabase((await createTestDatabase()).url);
  await migrateToLatest(db);
  return db;
}

function users(count: number, prefix: string): Insertable<UsersTable>[] {
  return Array.from({ length: count }, (_, i) =>
    newUserRow({
      id: `auth0|${prefix}-${String(i).padStart(5, '0')}`,
      email: `${prefix}-${i}@bulk.example`,
      origin: 'import',
      created_at: '2026-12-03T00:00:00.000Z',
      username: i % 3 === 0 ? null : `${prefix}${i}`,
      name: i % 2 === 0 ? `Name ${i} ☃` : null,
      email_verified: i % 2,
      app_metadata: JSON.stringify({ i }),
    }),
  );
}

function credentials(of: readonly Insertable<UsersTable>[]): Insertable<CredentialsTable>[] {
  return of.map((user, i) => ({
    user_id: user.id,
    password_hash: `hash-${i}`,
    hash_format: 'imported',
    created_at: '2026-12-03T00:00:00.000Z',
    updated_at: '2026-12-03T00:00:00.000Z',
  }));
}

describe('insertInChunks', () => {
  it('splits any count into statements of CHUNK_ROWS and powers of two', () => {
    for (let count = 1; count <= 3 * CHUNK_ROWS + 7; count++) {
      const sizes: number[] = [];
      for (let left = count; left > 0; left -= sizes.at(-1) ?? left) sizes.push(chunkRows(left));
      assert.equal(
        sizes.reduce((sum, size) => sum + size, 0),
        count,
      );
      assert.ok(sizes.every((size) => size === CHUNK_ROWS || (size < CHUNK_ROWS && Number.isInteger(Math.log2(size)))));
      assert.ok(sizes.length <= Math.floor(count / CHUNK_ROWS) + Math.ceil(Math.log2(CHUNK_ROWS)));
    }
  });

  it('writes the rows as given, in batches of every size, with the same SQL shapes reused', async () => {
    const db = await freshDatabase();
    try {
      const written: Insertable<UsersTable>[] = [];
      for (const [batch, count] of [1, 2, 3, 99, 100, 101, 237, 500, 37].entries()) {
        const rows = users(count, `b${batch}`);
        await db.transaction().execute(async (trx) => {
          await insertInChunks(trx, 'users', rows);
          await insertInChunks(trx, 'credentials', credentials(rows));
        });
        written.push(...rows);
      }
      const stored = await db.selectFrom('users').selectAll().orderBy('id').execute();
      const expected = [...written].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      assert.equal(stored.length, expected.length);
      stored.forEach((row, i) => {
        const given = expected[i];
        assert.ok(given);
        for (const [column, value] of Object.entries(given)) assert.deepStrictEqual(row[column as keyof typeof row], value, `${given.id}.${column}`);
      });
      const hashes = await db.selectFrom('credentials').select(['user_id', 'password_hash']).execute();
      assert.equal(hashes.length, written.length);
    } finally {
      await db.destroy();
    }
  });

  it('takes rows whose keys differ through Kysely, with the columns left out at their defaults', async () => {
    const db = await freshDatabase();
    try {
      const [first, second] = users(2, 'mixed');
      assert.ok(first && second);
      const { name: _name, ...withoutName } = second;
      await insertInChunks(db, 'users', [first, withoutName]);
      const stored = await db.selectFrom('users').select(['id', 'name']).orderBy('id').execute();
      assert.deepStrictEqual(stored, [
        { id: first.id, name: first.name },
        { id: second.id, name: null },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses text with U+0000 as Kysely does, and the transaction writes nothing', async () => {
    const db = await freshDatabase();
    try {
      const rows = users(150, 'nul');
      const bad = rows[120];
      assert.ok(bad);
      bad.nickname = 'a\u0000b';
      await assert.rejects(
        db.transaction().execute((trx) => insertInChunks(trx, 'users', rows)),
        UnstorableTextError,
      );
      assert.equal((await db.selectFrom('users').select('id').execute()).length, 0);
    } finally {
      await db.destroy();
    }
  });
});
