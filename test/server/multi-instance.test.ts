/**
 * Several servers on one PostgreSQL database, as they run in production behind a load balancer:
 * three `provision-lock serve` processes, and in front of them a small round-robin reverse proxy
 * that appends the client's address to X-Forwarded-For (the servers trust one proxy hop) and
 * skips a server that refuses connections. Everything the servers share goes through the
 * database: sessions, sign-up races, brute-force blocks, rate limits, social login flows, job
 * claims, and the keys that sign cookies and download links.
 *
 * Runs only against PostgreSQL (`TEST_DATABASE_URL`); SQLite is one server's database.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import type { Kysely } from 'kysely';

import { openDatabase } from '../../src/server/store/database.js';
import { MIGRATIONS } from '../../src/server/store/migrations/index.js';
import type { Database } from '../../src/server/store/schema.js';
import { startGithubServer, type TestOAuthServer } from './identity-providers.js';
import { cookieHeaderFrom, createTestDatabase, createTestFolder, errorOf, STRONG_PASSWORD, TEST_ENGINE } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const SKIPPED =
  TEST_ENGINE === 'postgres'
    ? false
    : 'several servers need a shared PostgreSQL database: set TEST_DATABASE_URL=postgres://… or run .ci/with-postgres npm test';

const ADMIN_TOKEN = 'a-management-token-for-multi-instance-tests';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const GITHUB_CLIENT_ID = 'multi-instance-client';
const GITHUB_CLIENT_SECRET = 'a-client-secret-for-multi-instance-tests';
const MAX_LOGIN_ATTEMPTS = 3;
const RESET_BURST = 3;
/** The test tells the proxy which client it plays; the proxy puts that on X-Forwarded-For. */
const CLIENT_HEADER = 'x-test-client-ip';
/** The proxy names the server that answered, so that tests can see the spread. */
const SERVED_BY_HEADER = 'x-test-served-by';

interface LoadBalancer {
  url: string;
  /** Servers answered in turn; changed as servers start. */
  backends: string[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Round robin over `backends`, as nginx's `proxy_pass` to an upstream group: a server that
 * refuses the connection is skipped (nothing reached it, so any request may go to the next).
 */
async function startLoadBalancer(): Promise<LoadBalancer> {
  const balancer: LoadBalancer = { url: '', backends: [], close: () => Promise.resolve() };
  let next = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const client = request.headers[CLIENT_HEADER];
      const headers: IncomingHttpHeaders = { ...request.headers };
      delete headers[CLIENT_HEADER];
      const peer = typeof client === 'string' ? client : (request.socket.remoteAddress ?? '');
      headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${peer}` : peer;
      headers['x-forwarded-proto'] = 'http';
      for (let tried = 0; tried < balancer.backends.length; tried += 1) {
        const backend = balancer.backends[next++ % balancer.backends.length] ?? '';
        const answered = await new Promise<boolean>((resolve) => {
          const upstream = forward(
            new URL(request.url ?? '/', backend),
            { method: request.method, headers, agent: false },
            (reply) => {
              response.writeHead(reply.statusCode ?? 502, { ...reply.headers, [SERVED_BY_HEADER]: backend });
              reply.pipe(response);
              resolve(true);
            },
          );
          upstream.on('error', (error: NodeJS.ErrnoException) => {
            if (error.code === 'ECONNREFUSED') resolve(false);
            else {
              response.destroy(error);
              resolve(true);
            }
          });
          upstream.end(body);
        });
        if (answered) return;
      }
      response.writeHead(502).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  balancer.close = () => new Promise((resolve) => server.close(() => resolve()));
  return balancer;
}

interface JobView {
  id: string;
  status: string;
  location?: string;
  summary: { inserted?: number; updated?: number; failed?: number; total: number };
}

describe('three servers on one PostgreSQL database behind a load balancer', { skip: SKIPPED }, () => {
  const folder = createTestFolder();
  let balancer: LoadBalancer;
  let github: TestOAuthServer;
  let servers: ServerProcess[] = [];
  let db: Kysely<Database>;
  let connectionId = '';

  /** A request through the load balancer, as the client at `ip`. */
  const viaBalancer = (path: string, init: RequestInit & { ip?: string } = {}): Promise<Response> => {
    const { ip = '203.0.113.1', ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set(CLIENT_HEADER, ip);
    return fetch(`${balancer.url}${path}`, { redirect: 'manual', ...rest, headers });
  };
  const postJson = (path: string, body: unknown, init: RequestInit & { ip?: string } = {}): Promise<Response> =>
    viaBalancer(path, { ...init, method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) });
  /** A request straight to one server, as a client at `ip` behind the proxy. */
  const toServer = (server: ServerProcess, path: string, init: RequestInit & { ip: string }): Promise<Response> => {
    const { ip, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('x-forwarded-for', ip);
    return fetch(`${server.url}${path}`, { redirect: 'manual', ...rest, headers });
  };
  const servedBy = (response: Response): string => response.headers.get(SERVED_BY_HEADER) ?? '';

  async function createImport(server: ServerProcess, rows: readonly object[]): Promise<string> {
    const form = new FormData();
    form.set('users', new Blob([rows.map((row) => JSON.stringify(row)).join('\n')]), 'users.ndjson');
    form.set('connection_id', connectionId);
    const created = await fetch(`${server.url}/api/v2/jobs/users-imports`, { method: 'POST', headers: ADMIN, body: form });
    assert.equal(created.status, 202, await created.clone().text());
    return ((await created.json()) as { id: string }).id;
  }

  async function jobOf(id: string): Promise<JobView> {
    const response = await viaBalancer(`/api/v2/jobs/${id}`, { headers: ADMIN });
    assert.equal(response.status, 200);
    return (await response.json()) as JobView;
  }

  async function finished(id: string, timeoutMs: number): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    let job = await jobOf(id);
    while (job.status !== 'completed' && job.status !== 'failed' && Date.now() < deadline) {
      await sleep(100);
      job = await jobOf(id);
    }
    return job;
  }

  before(async () => {
    const database = await createTestDatabase();
    db = openDatabase(database.url);
    balancer = await startLoadBalancer();
    github = await startGithubServer(GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, {
      user: { id: 4242, login: 'hubber', name: 'Hub Ber', email: null, avatar_url: 'https://avatars.example/u/4242' },
      emails: [{ email: 'hubber@github.example', primary: true, verified: true, visibility: 'public' }],
    });
    const configFile = join(folder, 'config.json');
    const generous = { burst: 10_000, perMinute: 10_000 };
    writeFileSync(
      configFile,
      JSON.stringify({
        trustProxy: 1,
        bruteForce: { maxAttempts: MAX_LOGIN_ATTEMPTS },
        rateLimits: { login: generous, signup: generous, social: generous, management: generous, passwordReset: { burst: RESET_BURST, perMinute: 1 } },
        // Upload and export files must be where every server can read them: one shared folder.
        imports: { directory: join(folder, 'jobs') },
        social: [
          {
            provider: 'github',
            clientId: GITHUB_CLIENT_ID,
            clientSecret: GITHUB_CLIENT_SECRET,
            authorizationEndpoint: `${github.base}/login/oauth/authorize`,
            tokenEndpoint: `${github.base}/login/oauth/access_token`,
            userinfoEndpoint: `${github.base}/user`,
            emailsEndpoint: `${github.base}/user/emails`,
          },
        ],
      }),
    );
    const env = { DATABASE_URL: database.url, PROVISION_LOCK_CONFIG: configFile, ADMIN_TOKEN, PUBLIC_URL: balancer.url };
    // All three at once on an empty database: their migrations race, as in a rolling deploy.
    servers = await Promise.all([1, 2, 3].map(() => startServerProcess(env)));
    balancer.backends = servers.map((server) => server.url);
    const listed = await viaBalancer('/api/v2/connections', { headers: ADMIN });
    assert.equal(listed.status, 200, await listed.clone().text());
    connectionId = ((await listed.json()) as { id: string }[])[0]?.id ?? '';
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await balancer.close();
    await github.close();
    await db.destroy();
  });

  it('start together on an empty database: migrated once, one connection id for all', async () => {
    const applied = await db.selectFrom('kysely_migration' as never).selectAll().execute();
    assert.equal(applied.length, Object.keys(MIGRATIONS).length);
    const ids = await Promise.all(
      servers.map(async (server) => {
        const response = await fetch(`${server.url}/api/v2/connections`, { headers: ADMIN });
        return ((await response.json()) as { id: string }[])[0]?.id;
      }),
    );
    assert.deepEqual(ids, [connectionId, connectionId, connectionId]);
    assert.match(connectionId, /^con_/);
  });

  it('spread requests over all three, and a session made on one is good on every one until logout on any', async () => {
    const signup = await postJson('/api/signup', { email: 'spread@example.com', password: STRONG_PASSWORD });
    assert.equal(signup.status, 201);
    const cookie = cookieHeaderFrom(signup);
    const checks = [];
    for (let index = 0; index < 6; index += 1) checks.push(await viaBalancer('/api/session', { headers: { cookie } }));
    assert.deepEqual(
      checks.map((response) => response.status),
      [200, 200, 200, 200, 200, 200],
    );
    assert.deepEqual(new Set(checks.map(servedBy)), new Set(balancer.backends), 'every server answered');

    const logout = await postJson('/api/logout', {}, { headers: { cookie } });
    assert.equal(logout.status, 204);
    for (const server of servers) {
      assert.equal((await fetch(`${server.url}/api/session`, { headers: { cookie } })).status, 401, 'revoked everywhere');
    }
  });

  it('sign-ups of one email racing across the servers create exactly one user', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_unused, index) =>
        postJson('/api/signup', { email: 'Racer@Example.com', password: `${STRONG_PASSWORD}-${index}` }, { ip: `198.51.100.${index + 1}` }),
      ),
    );
    const outcomes = await Promise.all(
      responses.map(async (response) => (response.status === 201 ? '201' : `${response.status} ${(await errorOf(response)).code}`)),
    );
    assert.deepEqual(
      outcomes.filter((outcome) => outcome !== '409 user_exists'),
      ['201'],
    );
    assert.deepEqual(new Set(responses.map(servedBy)), new Set(balancer.backends), 'the race spanned every server');
    const users = await db.selectFrom('users').select('id').where('email', '=', 'racer@example.com').execute();
    assert.equal(users.length, 1);
    const credentials = await db.selectFrom('credentials').select('user_id').where('user_id', '=', users[0]?.id ?? '').execute();
    assert.equal(credentials.length, 1);
  });

  it('a brute-force block made on one server holds on the others', async () => {
    const [first, second, third] = servers as [ServerProcess, ServerProcess, ServerProcess];
    const ip = '198.51.100.200';
    assert.equal((await postJson('/api/signup', { email: 'target@example.com', password: STRONG_PASSWORD })).status, 201);
    const login = (server: ServerProcess, password: string, from = ip): Promise<Response> =>
      toServer(server, '/api/login', {
        ip: from,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'target@example.com', password }),
      });
    for (let attempt = 0; attempt < MAX_LOGIN_ATTEMPTS; attempt += 1) {
      assert.equal((await login(first, 'wrong-password')).status, 401);
    }
    for (const other of [second, third]) {
      const refused = await login(other, STRONG_PASSWORD);
      assert.equal(refused.status, 429, 'blocked on a server that saw none of the failures');
      assert.equal((await errorOf(refused)).code, 'too_many_attempts');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    }
    assert.equal((await login(third, STRONG_PASSWORD, '198.51.100.201')).status, 200, 'the block is for that address only');
  });

  it('rate limits count requests on every server together', async () => {
    const ip = '198.51.100.250';
    const statuses: number[] = [];
    for (let index = 0; index <= RESET_BURST; index += 1) {
      const response = await toServer(servers[index % servers.length] as ServerProcess, '/api/password-reset', {
        ip,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com' }),
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [...Array<number>(RESET_BURST).fill(202), 429]);
  });

  it('a social login started on one server finishes on another: the flow cookie is sealed with the shared key', async () => {
    const start = await viaBalancer('/api/social/github?return_to=%2Fwelcome');
    assert.equal(start.status, 302);
    const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location') ?? '');
    assert.equal(callback.origin, balancer.url, 'the provider sends the browser back to the public URL');
    const finish = await viaBalancer(`${callback.pathname}${callback.search}`, { headers: { cookie: cookieHeaderFrom(start) } });
    assert.notEqual(servedBy(finish), servedBy(start), 'another server finished the flow');
    assert.equal(finish.status, 302);
    assert.equal(new URL(finish.headers.get('location') ?? '', balancer.url).searchParams.get('provision_lock'), 'login');
    const session = await viaBalancer('/api/session', { headers: { cookie: cookieHeaderFrom(finish) } });
    assert.equal(session.status, 200);
    assert.equal(((await session.json()) as { user: { user_id: string } }).user.user_id, 'github|4242');
  });

  it('runs every import job exactly once, whichever server takes it', async () => {
    const jobsCount = 6;
    const rowsPerJob = 400;
    const ids = await Promise.all(
      Array.from({ length: jobsCount }, (_unused, job) =>
        createImport(
          servers[job % servers.length] as ServerProcess,
          Array.from({ length: rowsPerJob }, (_row, row) => ({ email: `job${job}-row${row}@import.example` })),
        ),
      ),
    );
    const results = await Promise.all(ids.map((id) => finished(id, 120_000)));
    for (const job of results) {
      assert.equal(job.status, 'completed');
      assert.deepEqual(job.summary, { inserted: rowsPerJob, updated: 0, failed: 0, total: rowsPerJob });
    }
    const imported = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('import_job_id', 'in', ids)
      .executeTakeFirstOrThrow();
    assert.equal(Number(imported.count), jobsCount * rowsPerJob);
    assert.deepEqual(await db.selectFrom('job_errors').select('job_id').where('job_id', 'in', ids).execute(), []);

    // An export's download link, signed by whichever server ran it, opens on any of them.
    const exported = await postJson('/api/v2/jobs/users-exports', { format: 'json', fields: [{ name: 'email' }] }, { headers: ADMIN });
    assert.equal(exported.status, 202);
    const exportJob = await finished(((await exported.json()) as { id: string }).id, 60_000);
    assert.equal(exportJob.status, 'completed');
    const link = new URL(exportJob.location ?? '');
    for (const server of servers) {
      const download = await fetch(`${server.url}${link.pathname}${link.search}`);
      assert.equal(download.status, 200);
      await download.arrayBuffer();
    }
  });

  it('loses nothing when one server is killed: its users, its sessions and the import it was running', async () => {
    const total = 20_000;
    const rows = Array.from({ length: total }, (_unused, index) => ({ email: `survivor${index}@import.example` }));
    const id = await createImport(servers[0] as ServerProcess, rows);
    let holder: string | null = null;
    for (let poll = 0; poll < 3000 && holder === null; poll += 1) {
      const job = await db.selectFrom('jobs').select(['status', 'rows_done', 'claimed_by']).where('id', '=', id).executeTakeFirstOrThrow();
      if (job.status === 'processing' && job.rows_done > 0) holder = job.claimed_by;
      else await sleep(10);
    }
    assert.ok(holder, 'a server took the job');
    const doomed = servers.find((server) => holder?.endsWith(`:${server.child.pid}`));
    assert.ok(doomed, `the job is held by one of the three (${holder})`);

    // The doomed server's own work, confirmed before it dies.
    const signup = await toServer(doomed, '/api/signup', {
      ip: '203.0.113.50',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'confirmed@example.com', password: STRONG_PASSWORD }),
    });
    assert.equal(signup.status, 201);
    const cookie = cookieHeaderFrom(signup);

    await doomed.crash();
    servers = servers.filter((server) => server !== doomed);

    for (let index = 0; index < 6; index += 1) {
      const answer = await viaBalancer('/api/session', { headers: { cookie } });
      assert.equal(answer.status, 200, 'the session lives on the other servers');
      assert.notEqual(servedBy(answer), doomed.url);
    }
    assert.equal((await postJson('/api/login', { identifier: 'confirmed@example.com', password: STRONG_PASSWORD })).status, 200);

    // Another server takes the job over once its heartbeat is stale, and resumes it where the last
    // committed batch ended.
    const job = await finished(id, 180_000);
    assert.equal(job.status, 'completed');
    assert.deepEqual(job.summary, { inserted: total, updated: 0, failed: 0, total });
    const imported = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('import_job_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(imported.count), total);
    const finalHolder = await db.selectFrom('jobs').select('claimed_by').where('id', '=', id).executeTakeFirstOrThrow();
    assert.notEqual(finalHolder.claimed_by, holder, 'a surviving server finished it');
  });
});
