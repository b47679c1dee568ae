/**
 * Many requests at once for the same thing: the unique indexes and atomic updates decide, so
 * racing sign-ups make one account, racing logins count every login, one reset link is spent
 * once, and racing imports of overlapping files store each user once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { errorOf, removeTestFolders, rowCount, startTestServer, STRONG_PASSWORD, type TestServer } from './helpers.js';

after(removeTestFolders);

const ADMIN_TOKEN = 'a-management-token-for-racing-tests-000';

function racing<T>(count: number, request: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_unused, index) => request(index)));
}

async function statusCounts(responses: readonly Response[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const key = response.status >= 400 ? `${response.status} ${(await errorOf(response)).code}` : String(response.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function quietServer(): Promise<TestServer> {
  return startTestServer({ config: { rateLimits: { enabled: false }, username: { enabled: true } }, env: { ADMIN_TOKEN } });
}

describe('racing requests', () => {
  it('50 simultaneous sign-ups of one email make exactly one user', async () => {
    const server = await quietServer();
    const responses = await racing(50, (index) =>
      server.post('/api/signup', { email: 'Race@Example.com', password: `${STRONG_PASSWORD}-${index}` }, { ip: `198.51.100.${index}` }),
    );
    assert.deepEqual(await statusCounts(responses), { 201: 1, '409 user_exists': 49 });
    assert.equal(await rowCount(server, 'users'), 1);
    assert.equal(await rowCount(server, 'credentials'), 1);
    await server.close();
  });

  it('50 simultaneous sign-ups of one username make exactly one user', async () => {
    const server = await quietServer();
    const responses = await racing(50, (index) =>
      server.post('/api/signup', { email: `racer${index}@example.com`, username: index % 2 ? 'Speedy' : 'speedy', password: STRONG_PASSWORD }),
    );
    assert.deepEqual(await statusCounts(responses), { 201: 1, '409 user_exists': 49 });
    assert.equal(await rowCount(server, 'users'), 1);
    await server.close();
  });

  it('simultaneous logins all succeed, each with its own session, and all are counted', async () => {
    const server = await quietServer();
    await server.post('/api/signup', { email: 'busy@example.com', password: STRONG_PASSWORD });
    await server.post('/api/logout', {});
    const before = await rowCount(server, 'sessions');
    const responses = await racing(20, (index) =>
      server.post('/api/login', { identifier: 'busy@example.com', password: STRONG_PASSWORD }, { ip: `198.51.100.${index}` }),
    );
    assert.deepEqual(await statusCounts(responses), { 200: 20 });
    assert.equal(await rowCount(server, 'sessions'), before + 20);
    const user = await server.db.selectFrom('users').select('logins_count').where('email', '=', 'busy@example.com').executeTakeFirstOrThrow();
    assert.equal(user.logins_count, 21, 'the sign-up login and 20 more, none lost to a race');
    await server.close();
  });

  it('simultaneous failed logins block the pair at exactly maxAttempts', async () => {
    const server = await startTestServer({ config: { rateLimits: { enabled: false }, bruteForce: { maxAttempts: 10 } } });
    await server.post('/api/signup', { email: 'target@example.com', password: STRONG_PASSWORD });
    const responses = await racing(25, () => server.post('/api/login', { identifier: 'target@example.com', password: 'wrong' }));
    const counts = await statusCounts(responses);
    assert.equal(counts['401 invalid_credentials'], 10, JSON.stringify(counts));
    assert.equal(counts['429 too_many_attempts'], 15);
    await server.services.background.idle();
    assert.equal(await rowCount(server, 'outbox'), 1, 'one block, one mail');
    await server.close();
  });

  it('one reset link spent by ten simultaneous requests sets the password once', async () => {
    const server = await quietServer();
    await server.post('/api/signup', { email: 'reset@example.com', password: STRONG_PASSWORD });
    await racing(5, () => server.post('/api/password-reset', { email: 'reset@example.com' }));
    await server.services.background.idle();
    assert.equal(await rowCount(server, 'password_reset_tokens'), 1, 'each request replaced the previous link');
    const mails = await server.db.selectFrom('outbox').select(['text', 'created_at']).orderBy('created_at').execute();
    const tokens = mails.map((mail) => /#token=([\w-]+)/.exec(mail.text)?.[1] ?? '');
    const outcomes = await racing(tokens.length * 2, (index) =>
      server.post('/api/password-reset/confirm', { token: tokens[index % tokens.length], password: `Fresh-Harbour-Lantern-${index}` }),
    );
    assert.deepEqual(await statusCounts(outcomes), { 204: 1, '400 invalid_token': tokens.length * 2 - 1 });
    await server.close();
  });

  it('two import jobs of overlapping files, run at once, store each user once', async () => {
    const server = await quietServer();
    const connectionId = await server.services.connection.id();
    const upload = async (emails: number[]): Promise<string> => {
      const form = new FormData();
      form.set('users', new Blob([JSON.stringify(emails.map((index) => ({ email: `shared${index}@example.com` })))]), 'users.json');
      form.set('connection_id', connectionId);
      const response = await server.request('/api/v2/jobs/users-imports', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: form });
      return ((await response.json()) as { id: string }).id;
    };
    const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_unused, index) => from + index);
    const jobs = [await upload(range(0, 1500)), await upload(range(1000, 2500))];
    await racing(3, () => server.services.jobs.runUntilIdle());

    const summaries = await Promise.all(
      jobs.map(async (id) => (await server.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow())),
    );
    assert.deepEqual(summaries.map((job) => job.status), ['completed', 'completed']);
    assert.equal(summaries.reduce((sum, job) => sum + job.inserted, 0), 2500, 'every email inserted once');
    assert.equal(summaries.reduce((sum, job) => sum + job.failed, 0), 500, 'the overlap reported as duplicates');
    assert.equal(await rowCount(server, 'users'), 2500);
    await server.close();
  });
});
