import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { cookieHeaderFrom, errorOf, listenOnLoopback, removeTestFolders, startTestServer, STRONG_PASSWORD } from './helpers.js';

after(removeTestFolders);

describe('origin checks (CSRF)', () => {
  it('refuses state-changing requests from foreign origins and writes nothing', async () => {
    const server = await startTestServer();
    const response = await server.post(
      '/api/signup',
      { email: 'csrf@example.com', password: STRONG_PASSWORD },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'forbidden_origin');
    assert.equal((await server.db.selectFrom('users').selectAll().execute()).length, 0);
    await server.close();
  });

  it('refuses a logout forced by another site', async () => {
    const server = await startTestServer();
    const signup = await server.post('/api/signup', { email: 'keep@example.com', password: STRONG_PASSWORD });
    const cookie = cookieHeaderFrom(signup);
    const forced = await server.request('/api/logout', {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(forced.status, 403);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 200, 'still logged in');
    await server.close();
  });

  it('accepts its own origin, configured origins and clients that send no Origin', async () => {
    const server = await startTestServer({ config: { allowedOrigins: ['https://app.example.com'] } });
    const own = await server.post(
      '/api/login',
      { identifier: 'a@example.com', password: 'x' },
      { headers: { origin: 'http://localhost' } },
    );
    assert.equal(own.status, 401, 'reaches the login check');
    const allowed = await server.post(
      '/api/login',
      { identifier: 'a@example.com', password: 'x' },
      { headers: { origin: 'https://app.example.com' } },
    );
    assert.equal(allowed.status, 401);
    const noOrigin = await server.post('/api/login', { identifier: 'a@example.com', password: 'x' });
    assert.equal(noOrigin.status, 401);
    const nullOrigin = await server.post(
      '/api/login',
      { identifier: 'a@example.com', password: 'x' },
      { headers: { origin: 'null' } },
    );
    assert.equal(nullOrigin.status, 403, 'sandboxed frames and file: pages are not trusted');
    await server.close();
  });

  it('trusts PUBLIC_URL as its own origin behind a proxy', async () => {
    const server = await startTestServer({ env: { PUBLIC_URL: 'https://login.example.com' } });
    const response = await server.post(
      '/api/login',
      { identifier: 'a@example.com', password: 'x' },
      { headers: { origin: 'https://login.example.com' } },
    );
    assert.equal(response.status, 401);
    const localhost = await server.post(
      '/api/login',
      { identifier: 'a@example.com', password: 'x' },
      { headers: { origin: 'http://localhost' } },
    );
    assert.equal(localhost.status, 403);
    await server.close();
  });
});

describe('CORS', () => {
  it('allows configured origins with credentials and nobody else', async () => {
    const server = await startTestServer({ config: { allowedOrigins: ['https://app.example.com'] } });
    const preflight = await server.request('/api/login', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');

    const config = await server.request('/api/config', { headers: { origin: 'https://app.example.com' } });
    assert.equal(config.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(config.headers.get('vary') ?? '', /origin/i);

    const stranger = await server.request('/api/config', { headers: { origin: 'https://evil.example' } });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    const strangerPreflight = await server.request('/api/login', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(strangerPreflight.headers.get('access-control-allow-origin'), null);
    assert.equal(strangerPreflight.headers.get('access-control-allow-methods'), null);

    // Errors carry the CORS headers too, or the widget on another origin could not read them.
    const refused = await server.post('/api/login', { identifier: 'nobody@example.com' }, { headers: { origin: 'https://app.example.com' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('access-control-allow-origin'), 'https://app.example.com');
    await server.close();
  });
});

describe('responses', () => {
  it('carry security headers', async () => {
    const server = await startTestServer();
    const response = await server.request('/api/config');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(response.headers.get('cache-control'), 'no-store');
    for (const failed of [await server.request('/api/nothing-here'), await server.post('/api/login', {})]) {
      assert.ok(failed.status >= 400);
      assert.equal(failed.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(failed.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
      assert.equal(failed.headers.get('cache-control'), 'no-store');
    }
    await server.close();
  });

  it('carry the same headers, once each, when Node serves them over a socket', async () => {
    // Served by Node, the API's headers go onto Node's response rather than through Hono.
    const server = await startTestServer({ config: { allowedOrigins: ['https://app.example.com'] } });
    const listener = await listenOnLoopback(server);
    const { origin } = listener;
    const send = (path: string, init: RequestInit = {}): Promise<Response> => fetch(new URL(path, origin), init);
    try {
      const signup = await send('/api/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: 'socket@example.com', password: STRONG_PASSWORD }),
      });
      const cookie = cookieHeaderFrom(signup);
      const answers = {
        config: await send('/api/config'),
        signup,
        session: await send('/api/session', { headers: { cookie } }),
        'no session': await send('/api/session'),
        'unknown path': await send('/api/nothing-here'),
        'wrong method': await send('/api/login'),
        preflight: await send('/api/login', {
          method: 'OPTIONS',
          headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
        }),
        'allowed origin': await send('/api/config', { headers: { origin: 'https://app.example.com' } }),
      };
      const statuses = Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status]));
      assert.deepEqual(statuses, {
        config: 200,
        signup: 201,
        session: 200,
        'no session': 401,
        'unknown path': 404,
        'wrong method': 405,
        preflight: 204,
        'allowed origin': 200,
      });
      for (const [name, answer] of Object.entries(answers)) {
        const headers = Object.fromEntries(
          ['cache-control', 'x-content-type-options', 'referrer-policy', 'content-security-policy', 'x-frame-options', 'vary'].map(
            (header) => [header, answer.headers.get(header)],
          ),
        );
        assert.deepEqual(
          headers,
          {
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            'referrer-policy': 'no-referrer',
            'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
            'x-frame-options': 'DENY',
            vary: 'Origin',
          },
          name,
        );
      }
      // What Hono's answers set themselves arrives beside them.
      assert.equal(answers.config.headers.get('content-type'), 'application/json');
      assert.deepEqual(await answers.config.json(), await (await server.request('/api/config')).json());
      assert.match(signup.headers.get('set-cookie') ?? '', /HttpOnly/);
      assert.equal(answers['wrong method'].headers.get('allow'), 'POST');
      assert.equal(answers.preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.equal(answers['allowed origin'].headers.get('access-control-allow-credentials'), 'true');
      assert.equal(answers.config.headers.get('access-control-allow-origin'), null);
    } finally {
      await listener.close();
      await server.close();
    }
  });

  it('answer unknown paths with not_found and wrong methods with method_not_allowed', async () => {
    const server = await startTestServer();
    const missing = await server.request('/api/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal((await errorOf(missing)).code, 'not_found');

    const wrongMethod = await server.request('/api/login');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.equal((await errorOf(wrongMethod)).code, 'method_not_allowed');
    const deleteConfig = await server.request('/api/config', { method: 'DELETE' });
    assert.equal(deleteConfig.status, 405);
    await server.close();
  });
});

describe('GET /api/config', () => {
  it('shows the policies the server enforces and no secret', async () => {
    const server = await startTestServer({
      config: {
        password: { strength: 'excellent', minScore: 3, dictionary: { custom: ['acme'] }, history: 5 },
        username: { enabled: true, maxLength: 20 },
        signup: { enabled: false },
      },
      env: { ADMIN_TOKEN: 'secret-admin-token-that-is-long-enough' },
    });
    const response = await server.request('/api/config');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      signup: { enabled: false },
      passwordReset: { enabled: true },
      username: { enabled: true, required: false, minLength: 1, maxLength: 20 },
      password: {
        strength: 'excellent',
        minLength: 10,
        maxLength: 128,
        minScore: 3,
        dictionary: { common: true, custom: ['acme'] },
        noPersonalInfo: true,
        history: 5,
      },
      social: [],
    });
    await server.close();
  });
});
