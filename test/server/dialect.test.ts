/**
 * What `store/dialect.ts` promises, on whichever engine the suite runs (SQLite, or PostgreSQL
 * with TEST_DATABASE_URL): which URLs name which engine, numbers that come back as numbers, text
 * neither engine may be handed, and prepared statements that the server's fixed SQL texts reuse.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import Sqlite from 'better-sqlite3';

import { createEngineSetup, parseDatabaseUrl, StatementCache, UnstorableTextError } from '../../src/server/store/dialect.js';
import { preparedQuery } from '../../src/server/store/prepared-query.js';
import { cookieHeaderFrom, errorOf, removeTestFolders, startTestServer, STRONG_PASSWORD } from './helpers.js';

after(removeTestFolders);

const ADMIN_TOKEN = 'a-management-token-for-dialect-tests-000';

describe('DATABASE_URL', () => {
  it('names SQLite or PostgreSQL, and nothing else', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:./data/x.db'), { engine: 'sqlite', file: './data/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { engine: 'sqlite', file: ':memory:' });
    for (const url of ['postgres://u:p@db:5432/app', 'postgresql://db/app?sslmode=require']) {
      assert.deepEqual(parseDatabaseUrl(url), { engine: 'postgres', url });
    }
    for (const url of ['sqlite:', 'mysql://u:p@db/app', 'postgres:/db', '']) assert.equal(parseDatabaseUrl(url), undefined, url);
  });

  it('refuses another engine without repeating the password of its URL', () => {
    assert.throws(() => createEngineSetup('mysql://admin:hunter2-secret@db/app'), (error: Error) => {
      assert.match(error.message, /Unsupported DATABASE_URL "mysql:…"/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });
});

describe('values on either engine', () => {
  it('returns epoch milliseconds and counts as numbers', async () => {
    const server = await startTestServer();
    assert.equal((await server.post('/api/signup', { email: 'numbers@example.com', password: STRONG_PASSWORD })).status, 201);
    const session = await server.db.selectFrom('sessions').select(['expires_at', 'created_at']).executeTakeFirstOrThrow();
    assert.equal(typeof session.expires_at, 'number');
    assert.equal(session.created_at, server.clock());
    const counted = await server.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(counted.count, 1);
    await server.close();
  });

  it('answers text with U+0000, which PostgreSQL cannot hold, with 400 invalid_body on both engines', async () => {
    const server = await startTestServer({ env: { ADMIN_TOKEN } });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const lookup = await server.request('/api/v2/users/auth0%7C%00', { headers: admin });
    assert.equal(lookup.status, 400);
    assert.equal((await errorOf(lookup)).code, 'invalid_body');

    const signup = await server.post('/api/signup', { email: 'nul@example.com', password: STRONG_PASSWORD, name: 'Nul\u0000Name' });
    assert.ok(signup.status === 400, `refused, not stored or failed (${signup.status})`);
    const login = await server.post('/api/login', { identifier: 'nul\u0000@example.com', password: STRONG_PASSWORD });
    assert.ok([400, 401].includes(login.status), `refused (${login.status})`);
    await server.close();
  });
});

describe('the SQLite statement cache', () => {
  it('prepares a repeated query once, keeps at most its capacity, and answers like a fresh statement', () => {
    const sqlite = new Sqlite(':memory:');
    let prepared = 0;
    const counting = {
      prepare: (sql: string) => {
        prepared++;
        return sqlite.prepare(sql);
      },
      close: () => sqlite.close(),
    };
    const cache = new StatementCache(counting, 3);
    cache.prepare('create table t (n integer)').run([]);
    for (let n = 0; n < 10; n++) cache.prepare('insert into t (n) values (?)').run([n]);
    assert.equal(prepared, 2, 'ten inserts of one SQL text prepared once');
    assert.deepEqual(cache.prepare('select count(*) as c from t where n >= ?').all([5]), [{ c: 5 }]);
    cache.prepare('select 1 as one').all([]);
    cache.prepare('select 2 as two').all([]);
    assert.equal(cache.size, 3, 'the least recently used statement left');

    // A stream holds its statement while it is read; the same SQL runs beside it meanwhile.
    const stream = cache.prepare('select n from t order by n').iterate([]);
    const first = stream.next();
    assert.deepEqual(first.value, { n: 0 });
    assert.equal(cache.prepare('select n from t order by n').all([]).length, 10);
    assert.equal([...stream].length, 9);

    // A schema change after a statement was prepared: SQLite re-prepares it underneath.
    assert.deepEqual(cache.prepare('select * from t where n = ?').all([3]), [{ n: 3 }]);
    cache.prepare('alter table t add column label text').run([]);
    const before = prepared;
    assert.deepEqual(cache.prepare('select * from t where n = ?').all([3]), [{ n: 3, label: null }]);
    assert.equal(prepared, before, 'served from the cache');
    cache.close();
  });
});

describe("the server's SQL", () => {
  it('is the same text from one visit to the next, only the values differ, so each statement is prepared once', async () => {
    const texts = new Set<string>();
    let recording = false;
    // Production's defaults: rate limits and brute-force counting on, as every login pays them.
    const server = await startTestServer({
      onQuery: (sql) => {
        if (recording) texts.add(sql);
      },
    });
    const visit = async (round: number): Promise<void> => {
      const email = `visitor-${round}@example.com`;
      const ip = `203.0.113.${20 + round}`;
      assert.equal((await server.post('/api/signup', { email, password: STRONG_PASSWORD }, { ip })).status, 201);
      for (const password of ['Wrong-Password-One-1', 'Wrong-Password-Two-2']) {
        assert.equal((await server.post('/api/login', { identifier: email, password }, { ip })).status, 401);
      }
      const login = await server.post('/api/login', { identifier: email, password: STRONG_PASSWORD }, { ip });
      assert.equal(login.status, 200);
      const cookie = cookieHeaderFrom(login);
      // A minute on, the session's read also slides its idle deadline.
      server.clock.advance(61_000);
      assert.equal((await server.request('/api/session', { headers: { cookie }, ip })).status, 200);
      assert.equal((await server.request('/api/logout', { method: 'POST', headers: { cookie }, ip })).status, 204);
    };

    recording = true;
    await visit(1);
    const firstVisit = new Set(texts);
    await visit(2);
    assert.deepEqual(
      [...texts].filter((text) => !firstVisit.has(text)),
      [],
      'the second visit ran SQL texts the first did not: a value went into the text instead of the parameters',
    );
    await server.close();
  });
});

describe('prepared queries', () => {
  const usersByEmailDomain = preparedQuery(2, (db, pattern: string, limit: number) =>
    db.selectFrom('users').select('email').where('email', 'like', pattern).orderBy('email').limit(limit),
  );

  it("compile once and run with each call's own values, in and out of transactions, on either engine", async () => {
    const server = await startTestServer();
    for (const email of ['a@one.example', 'b@one.example', 'c@two.example']) {
      assert.equal((await server.post('/api/signup', { email, password: STRONG_PASSWORD })).status, 201);
    }
    assert.deepEqual(await usersByEmailDomain(server.db, '%@one.example', 10), [{ email: 'a@one.example' }, { email: 'b@one.example' }]);
    assert.deepEqual(await usersByEmailDomain(server.db, '%@two.example', 10), [{ email: 'c@two.example' }]);
    assert.deepEqual(await usersByEmailDomain(server.db, '%.example', 1), [{ email: 'a@one.example' }]);
    const inTransaction = await server.db.transaction().execute((trx) => usersByEmailDomain(trx, '%@two.example', 5));
    assert.deepEqual(inTransaction, [{ email: 'c@two.example' }]);
    await assert.rejects(usersByEmailDomain(server.db, '%\u0000', 1), UnstorableTextError);
    await server.close();
  });

  it('refuse a build that does not pass every value through as a parameter', async () => {
    const server = await startTestServer();
    const dropsItsValue = preparedQuery(1, (db, _email: string) => db.selectFrom('users').select('email'));
    await assert.rejects(dropsItsValue(server.db, 'x@example.com'), /placed 0 of its 1 values/);
    await server.close();
  });
});
