/**
 * Auth0's own Node SDK (`auth0` on npm) against this server, unchanged: the migration scripts
 * people already have use its ManagementClient for users and jobs. Its `fetch` option sends each
 * request to the app instead of to an Auth0 tenant.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { ManagementClient } from 'auth0';
import bcryptjs from 'bcryptjs';

import { removeTestFolders, startTestServer, STRONG_PASSWORD, type TestServer } from './helpers.js';

const ADMIN_TOKEN = 'a-management-token-for-the-auth0-sdk-00';
const folder = mkdtempSync(join(tmpdir(), 'provision-lock-sdk-'));
after(() => {
  rmSync(folder, { recursive: true, force: true });
  removeTestFolders();
});

/** A ManagementClient for a made-up tenant whose requests all reach `server`. */
function sdkFor(server: TestServer): ManagementClient {
  const toServer = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    assert.equal(url.host, 'tenant.example', 'the SDK builds its URLs from the domain');
    return server.request(`${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: request.body, duplex: 'half' } : {}),
    });
  };
  return new ManagementClient({ domain: 'tenant.example', token: ADMIN_TOKEN, fetch: toServer, maxRetries: 0 });
}

describe("Auth0's Node SDK", () => {
  it('manages users: create, get, list with search and pages, update, block, by email, delete', async () => {
    const server = await startTestServer({ env: { ADMIN_TOKEN } });
    const auth0 = sdkFor(server);
    const [connection] = (await auth0.connections.list({ strategy: ['auth0'] })).data;
    assert.equal(connection?.name, 'Username-Password-Authentication');
    assert.match(connection.id ?? '', /^con_[A-Za-z0-9]{16}$/);

    const created = await auth0.users.create({
      connection: 'Username-Password-Authentication',
      email: 'sdk@example.com',
      password: STRONG_PASSWORD,
      given_name: 'Sdk',
      app_metadata: { plan: 'pro' },
    });
    assert.match(created.user_id ?? '', /^auth0\|/);
    assert.equal(created.email, 'sdk@example.com');
    for (const index of [1, 2, 3]) {
      await auth0.users.create({ connection: 'Username-Password-Authentication', email: `other${index}@example.com`, password: STRONG_PASSWORD });
    }

    const fetched = await auth0.users.get(created.user_id ?? '');
    assert.deepEqual(fetched.app_metadata, { plan: 'pro' });

    const firstPage = await auth0.users.list({ page: 0, per_page: 2, include_totals: true, sort: 'email:1' });
    assert.deepEqual(
      firstPage.data.map((user) => user.email),
      ['other1@example.com', 'other2@example.com'],
    );
    assert.equal(firstPage.hasNextPage(), true);
    const secondPage = await firstPage.getNextPage();
    assert.deepEqual(
      secondPage.data.map((user) => user.email),
      ['other3@example.com', 'sdk@example.com'],
    );
    const everyone: string[] = [];
    for await (const user of await auth0.users.list({ per_page: 3, include_totals: true, sort: 'email:1' })) everyone.push(user.email ?? '');
    assert.equal(everyone.length, 4, 'the SDK pages through every user');

    const found = await auth0.users.list({ q: 'email:"sdk@example.com"', search_engine: 'v3' });
    assert.deepEqual(found.data.map((user) => user.user_id), [created.user_id]);
    const byEmail = await auth0.users.listUsersByEmail({ email: 'SDK@example.com' });
    assert.deepEqual(byEmail.map((user) => user.user_id), [created.user_id]);

    const blocked = await auth0.users.update(created.user_id ?? '', { blocked: true, user_metadata: { theme: 'dark' } });
    assert.equal(blocked.blocked, true);
    assert.deepEqual(blocked.user_metadata, { theme: 'dark' });
    const login = await server.post('/api/login', { identifier: 'sdk@example.com', password: STRONG_PASSWORD });
    assert.equal(login.status, 403);

    await auth0.users.delete(created.user_id ?? '');
    await assert.rejects(auth0.users.get(created.user_id ?? ''), (error: Error & { statusCode?: number }) => error.statusCode === 404);
    await server.close();
  });

  it('runs an import job from a file stream, reads its status and error report, and an export job', async () => {
    const server = await startTestServer({ env: { ADMIN_TOKEN } });
    const auth0 = sdkFor(server);
    const [connection] = (await auth0.connections.list({ name: 'Username-Password-Authentication' })).data;
    const file = join(folder, 'users.json');
    writeFileSync(
      file,
      JSON.stringify([
        { email: 'imported@example.com', email_verified: true, password_hash: bcryptjs.hashSync('An-Old-Password-9', 4) },
        { email: 'no-at-sign', name: 'Broken' },
      ]),
    );

    const job = await auth0.jobs.usersImports.create({ users: createReadStream(file), connection_id: connection?.id ?? '', upsert: false });
    assert.equal(job.status, 'pending');
    assert.equal(job.connection_id, connection?.id);
    await server.services.jobs.runUntilIdle();

    const done = await auth0.jobs.get(job.id);
    assert.equal(done.status, 'completed');
    assert.deepEqual((done as { summary?: unknown }).summary, { inserted: 1, updated: 0, failed: 1, total: 2 });
    const report = await auth0.jobs.errors.get(job.id);
    assert.ok(Array.isArray(report));
    assert.deepEqual(
      report.map((entry) => [entry.user?.email, entry.errors?.map((error) => error.code)]),
      [['no-at-sign', ['FORMAT']]],
    );
    const login = await server.post('/api/login', { identifier: 'imported@example.com', password: 'An-Old-Password-9' });
    assert.equal(login.status, 200);

    const exportJob = await auth0.jobs.usersExports.create({ connection_id: connection?.id ?? '', format: 'csv', fields: [{ name: 'email' }] });
    await server.services.jobs.runUntilIdle();
    const exported = await auth0.jobs.get(exportJob.id);
    assert.equal(exported.status, 'completed');
    const location = new URL(String((exported as { location?: string }).location));
    const download = await server.request(`${location.pathname}${location.search}`);
    assert.equal(await download.text(), 'email\r\nimported@example.com\r\n');
    await server.close();
  });
});
