/**
 * Social sign-up and login through the real flow: the app redirects to a real OpenID Provider on
 * loopback (or GitHub- and Facebook-shaped servers), the provider authenticates and sends the
 * browser back, the app checks everything and logs the user in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { ConfigFile } from '../../src/server/config.js';
import { silentLogger } from '../../src/server/logger.js';
import { createServices } from '../../src/server/services/index.js';
import { seal } from '../../src/server/services/sealed-box.js';
import { ServerSecrets } from '../../src/server/services/secrets.js';
import type { SocialFlow } from '../../src/server/services/social.js';
import {
  startFacebookServer,
  startGithubServer,
  startOpenIdProvider,
  type TestOpenIdProvider,
} from './identity-providers.js';
import {
  cookieHeaderFrom,
  errorOf,
  removeTestFolders,
  rowCount,
  setCookies,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
} from './helpers.js';

after(removeTestFolders);

const CLIENT_ID = 'provision-lock-test';
const CLIENT_SECRET = 'a-client-secret-for-tests';
/** app.request() addresses the app as http://localhost, so this is the callback the app registers. */
const callbackOf = (providerId: string): string => `http://localhost/api/social/${providerId}/callback`;

interface Outcome {
  /** Where the app sent the browser at the end. */
  location: URL;
  /** The session cookie header, when the login succeeded. */
  cookie: string;
  response: Response;
}

/** Plays a browser through one social login: start at the app, the provider, back at the app. */
async function socialLogin(
  server: TestServer,
  providerId: string,
  atProvider: (authorizationUrl: string) => Promise<string>,
  options: { query?: string; tamper?: (callback: URL) => void; cookie?: (flowCookie: string) => string } = {},
): Promise<Outcome> {
  const start = await server.request(`/api/social/${providerId}${options.query ?? '?return_to=%2Fwelcome'}`);
  assert.equal(start.status, 302);
  const flowCookie = cookieHeaderFrom(start);
  const callback = new URL(await atProvider(start.headers.get('location') ?? ''));
  options.tamper?.(callback);
  const response = await server.request(`${callback.pathname}${callback.search}`, {
    headers: { cookie: options.cookie ? options.cookie(flowCookie) : flowCookie },
  });
  assert.equal(response.status, 302, 'the callback always redirects');
  const session = setCookies(response).find((cookie) => cookie.name === 'provision_lock_session' && cookie.value !== '');
  return {
    location: new URL(response.headers.get('location') ?? '', 'http://localhost'),
    cookie: session ? `${session.name}=${session.value}` : '',
    response,
  };
}

async function sessionUser(server: TestServer, cookie: string): Promise<Record<string, unknown>> {
  const response = await server.request('/api/session', { headers: { cookie } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { user: Record<string, unknown> }).user;
}

function oidcConfig(provider: TestOpenIdProvider, extra: object = {}): ConfigFile {
  return {
    social: [
      { provider: 'oidc', id: 'corp', name: 'Corp SSO', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: provider.issuer, ...extra },
    ],
  };
}

describe('OpenID Connect login against a real provider', () => {
  let provider: TestOpenIdProvider;
  before(async () => {
    provider = await startOpenIdProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [callbackOf('corp'), callbackOf('google')],
    });
    provider.accounts.set('alice', {
      sub: 'alice-0001',
      email: 'Alice@Example.com',
      email_verified: true,
      name: 'Alice Liddell',
      picture: 'https://img.example.com/alice.png',
    });
    provider.accounts.set('bob', { sub: 'bob-0002', email: 'bob@example.com', email_verified: false, name: 'Bob' });
  });
  after(() => provider.close());

  it('sends the browser to the provider with state, PKCE S256 and a nonce, in a sealed HttpOnly cookie', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const start = await server.request('/api/social/corp?return_to=%2Fwelcome');
    assert.equal(start.status, 302);
    const location = new URL(start.headers.get('location') ?? '');
    assert.equal(location.origin, provider.issuer);
    assert.equal(location.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(location.searchParams.get('redirect_uri'), callbackOf('corp'));
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.match(location.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(location.searchParams.get('state'));
    assert.ok(location.searchParams.get('nonce'));
    assert.equal(location.searchParams.get('scope'), 'openid email profile');

    const [cookie] = setCookies(start);
    assert.equal(cookie?.name, 'provision_lock_social');
    assert.equal(cookie?.attributes.get('httponly'), true);
    assert.equal(cookie?.attributes.get('samesite'), 'Lax');
    assert.equal(cookie?.attributes.get('max-age'), '600');
    for (const secret of [location.searchParams.get('state'), location.searchParams.get('nonce'), CLIENT_SECRET]) {
      assert.equal(cookie?.value.includes(secret ?? ''), false, 'nothing readable in the cookie');
    }
    await server.close();
  });

  it('creates exactly one user on the first login, and reuses it on the next, refreshing the profile', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const first = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    assert.equal(first.location.pathname, '/welcome');
    assert.equal(first.location.searchParams.get('provision_lock'), 'login');
    assert.ok(first.cookie, 'a session cookie');
    const user = await sessionUser(server, first.cookie);
    assert.deepEqual(
      { ...user, created_at: undefined, updated_at: undefined, last_login: undefined },
      {
        user_id: 'corp|alice-0001',
        email: 'alice@example.com',
        email_verified: true,
        name: 'Alice Liddell',
        picture: 'https://img.example.com/alice.png',
        identities: [{ provider: 'corp', user_id: 'alice-0001' }],
        created_at: undefined,
        updated_at: undefined,
        last_login: undefined,
        logins_count: 1,
      },
    );
    assert.equal(await rowCount(server, 'users'), 1);
    assert.equal(await rowCount(server, 'credentials'), 0, 'no password');

    provider.accounts.set('alice', { ...provider.accounts.get('alice')!, name: 'Alice Pleasance Liddell' });
    const second = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    const again = await sessionUser(server, second.cookie);
    assert.equal(again.user_id, 'corp|alice-0001');
    assert.equal(again.logins_count, 2);
    assert.equal(again.name, 'Alice Pleasance Liddell');
    assert.equal(await rowCount(server, 'users'), 1, 'still one user');
    assert.equal(await rowCount(server, 'identities'), 1);
    provider.accounts.set('alice', { ...provider.accounts.get('alice')!, name: 'Alice Liddell' });
    await server.close();
  });

  it('works as google with every endpoint overridden, without discovery', async () => {
    const server = await startTestServer({
      config: {
      social: [
        {
          provider: 'google',
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          issuer: provider.issuer,
          authorizationEndpoint: `${provider.issuer}/auth`,
          tokenEndpoint: `${provider.issuer}/token`,
          userinfoEndpoint: `${provider.issuer}/me`,
          jwksUri: `${provider.issuer}/jwks`,
        },
      ],
      },
    });
    const outcome = await socialLogin(server, 'google', (url) => provider.authenticate(url, 'alice'));
    const user = await sessionUser(server, outcome.cookie);
    assert.equal(user.user_id, 'google|alice-0001');
    assert.deepEqual(user.identities, [{ provider: 'google', user_id: 'alice-0001' }]);
    await server.close();
  });

  it('refuses a forged state, a missing cookie, a replay and an expired flow, without a session or a user', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const refused = (outcome: Outcome): void => {
      assert.equal(outcome.cookie, '');
      assert.equal(outcome.location.searchParams.get('provision_lock_error'), 'social_login_failed');
      assert.equal(outcome.location.pathname, '/welcome', 'back where the login started');
    };
    refused(
      await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'), {
        tamper: (callback) => callback.searchParams.set('state', 'forged'),
      }),
    );
    const noCookie = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'), { cookie: () => '' });
    assert.equal(noCookie.location.pathname, '/login', 'without its cookie the flow ends on the login page');
    assert.equal(noCookie.location.searchParams.get('provision_lock_error'), 'social_login_failed');

    // A replay: the same callback with the same cookie, a second time.
    const start = await server.request('/api/social/corp?return_to=%2Fwelcome');
    const flowCookie = cookieHeaderFrom(start);
    const callback = new URL(await provider.authenticate(start.headers.get('location') ?? '', 'alice'));
    const once = await server.request(`${callback.pathname}${callback.search}`, { headers: { cookie: flowCookie } });
    assert.equal(new URL(once.headers.get('location') ?? '', 'http://localhost').searchParams.get('provision_lock'), 'login');
    const twice = await server.request(`${callback.pathname}${callback.search}`, { headers: { cookie: flowCookie } });
    assert.equal(new URL(twice.headers.get('location') ?? '', 'http://localhost').searchParams.get('provision_lock_error'), 'social_login_failed');
    assert.equal(setCookies(twice).some((cookie) => cookie.name === 'provision_lock_session' && cookie.value), false);

    const late = await socialLogin(server, 'corp', async (url) => {
      const back = await provider.authenticate(url, 'alice');
      server.clock.advance(11 * 60_000);
      return back;
    });
    refused(late);
    assert.equal(await rowCount(server, 'users'), 1, 'only the one legitimate login created a user');
    await server.close();
  });

  it('refuses an ID token whose nonce is not the one this flow sent', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const outcome = await socialLogin(server, 'corp', (url) => {
      const tampered = new URL(url);
      tampered.searchParams.set('nonce', 'a-nonce-someone-else-chose');
      return provider.authenticate(tampered.href, 'alice');
    });
    assert.equal(outcome.location.searchParams.get('provision_lock_error'), 'social_login_failed');
    assert.equal(outcome.cookie, '');
    assert.equal(await rowCount(server, 'users'), 0);
    await server.close();
  });

  it('refuses an expired code', async () => {
    const shortLived = await startOpenIdProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [callbackOf('corp')],
      ttl: { AuthorizationCode: 1 },
    });
    shortLived.accounts.set('alice', { sub: 'alice-0001', email: 'alice@example.com', email_verified: true });
    const server = await startTestServer({ config: oidcConfig(shortLived) });
    const outcome = await socialLogin(server, 'corp', async (url) => {
      const back = await shortLived.authenticate(url, 'alice');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      return back;
    });
    assert.equal(outcome.location.searchParams.get('provision_lock_error'), 'social_login_failed');
    assert.equal(await rowCount(server, 'users'), 0);
    await server.close();
    await shortLived.close();
  });

  it('tells the page that started the login when the user cancels at the provider', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const outcome = await socialLogin(server, 'corp', (url) => provider.cancel(url), {
      query: '?return_to=%2Faccount&error_to=%2Flogin%3Freturn_to%3D%252Faccount',
    });
    assert.equal(`${outcome.location.pathname}${outcome.location.search}`, '/login?return_to=%2Faccount&provision_lock_error=social_access_denied');
    assert.equal(outcome.cookie, '');
    await server.close();
  });

  it('never links an email that belongs to a password account: email_in_use', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    assert.equal((await server.post('/api/signup', { email: 'alice@example.com', password: STRONG_PASSWORD })).status, 201);
    const outcome = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    assert.equal(outcome.location.searchParams.get('provision_lock_error'), 'email_in_use');
    assert.equal(outcome.cookie, '');
    assert.equal(await rowCount(server, 'users'), 1);
    assert.equal(await rowCount(server, 'identities'), 0);
    await server.close();
  });

  it('links a verified email to a verified account when linkVerifiedEmails is on, and only then', async () => {
    const server = await startTestServer({ config: oidcConfig(provider, { linkVerifiedEmails: true }) });
    for (const email of ['alice@example.com', 'bob@example.com']) {
      assert.equal((await server.post('/api/signup', { email, password: STRONG_PASSWORD })).status, 201);
    }
    await server.db.updateTable('users').set({ email_verified: 1 }).execute();

    const linked = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    const user = await sessionUser(server, linked.cookie);
    assert.equal(user.email, 'alice@example.com');
    assert.match(String(user.user_id), /^auth0\|/, 'the existing account');
    assert.deepEqual(
      (user.identities as { provider: string }[]).map((identity) => identity.provider),
      ['auth0', 'corp'],
      'a password and a social identity',
    );
    const passwordLogin = await server.post('/api/login', { identifier: 'alice@example.com', password: STRONG_PASSWORD });
    assert.equal(passwordLogin.status, 200, 'the password still works');

    const unverified = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'bob'));
    assert.equal(unverified.location.searchParams.get('provision_lock_error'), 'email_in_use', 'the provider did not verify bob');
    assert.equal(await rowCount(server, 'users'), 2);
    await server.close();
  });

  it('keeps blocked users out', async () => {
    const server = await startTestServer({ config: oidcConfig(provider) });
    const first = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    assert.ok(first.cookie);
    await server.db.updateTable('users').set({ blocked: 1 }).execute();
    const blocked = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'));
    assert.equal(blocked.location.searchParams.get('provision_lock_error'), 'user_blocked');
    assert.equal(blocked.cookie, '');
    await server.close();
  });

  it('returns only to this server or allowed origins', async () => {
    const server = await startTestServer({ config: { ...oidcConfig(provider), allowedOrigins: ['https://app.example.com'] } });
    const evil = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'), {
      query: '?return_to=https%3A%2F%2Fevil.example%2Fsteal',
    });
    assert.equal(`${evil.location.pathname}${evil.location.search}`, '/?provision_lock=login');
    const allowed = await socialLogin(server, 'corp', (url) => provider.authenticate(url, 'alice'), {
      query: '?return_to=https%3A%2F%2Fapp.example.com%2Fhome',
    });
    assert.equal(allowed.location.href, 'https://app.example.com/home?provision_lock=login');
    await server.close();
  });
});

describe('social login edges', () => {
  it('lets each flow finish once, whatever the provider would accept', async () => {
    const server = await startTestServer({
      config: { social: [{ provider: 'oidc', id: 'corp', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: 'https://sso.example' }] },
    });
    const services = createServices(server.db, server.config, server.clock, silentLogger);
    const secrets = new ServerSecrets(server.db, server.clock);
    const flow: SocialFlow = {
      flow: 'flow-1',
      provider: 'corp',
      state: 's',
      verifier: 'v',
      redirectUri: callbackOf('corp'),
      returnTo: '/',
      errorTo: '/',
      expiresAt: server.clock() + 60_000,
    };
    const sealed = seal(flow, await secrets.cookieKey());
    const read = await services.social.readFlow(sealed);
    assert.deepEqual(read, flow, 'the cookie key is shared through the database');
    assert.deepEqual(await services.social.checkFlow('corp', read), flow);
    await assert.rejects(services.social.checkFlow('corp', read), { code: 'social_login_failed' });
    assert.equal(await services.social.readFlow(`${sealed.slice(0, -2)}AA`), undefined, 'a tampered cookie reads as nothing');
    await server.close();
  });

  it('answers unknown_provider for a provider that is not configured', async () => {
    const server = await startTestServer();
    const response = await server.request('/api/social/myspace');
    assert.equal(response.status, 404);
    assert.equal((await errorOf(response)).code, 'unknown_provider');
    await server.close();
  });

  it('sends the browser back with social_login_failed when the provider cannot be reached', async () => {
    const server = await startTestServer({
      config: {
      social: [{ provider: 'oidc', id: 'down', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: 'http://127.0.0.1:9' }],
      },
    });
    const response = await server.request('/api/social/down?return_to=%2Fhere');
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/here?provision_lock_error=social_login_failed');
    await server.close();
  });

  it('lists providers in GET /api/config without secrets', async () => {
    const server = await startTestServer({
      config: {
      social: [
        { provider: 'google', clientId: 'g-id', clientSecret: 'g-secret' },
        { provider: 'oidc', id: 'corp', name: 'Corp SSO', clientId: 'c-id', clientSecret: 'c-secret', issuer: 'https://sso.corp.example' },
      ],
      },
    });
    const response = await server.request('/api/config');
    const text = await response.text();
    assert.deepEqual((JSON.parse(text) as { social: unknown }).social, [
      { id: 'google', name: 'Google', type: 'google' },
      { id: 'corp', name: 'Corp SSO', type: 'oidc' },
    ]);
    assert.doesNotMatch(text, /secret|g-id|c-id/);
    await server.close();
  });
});

describe('GitHub and Facebook over OAuth 2.0', () => {
  it('GitHub: takes the primary verified email from /user/emails', async () => {
    const github = await startGithubServer(CLIENT_ID, CLIENT_SECRET, {
      user: { id: 583231, login: 'octocat', name: 'The Octocat', email: null, avatar_url: 'https://avatars.example/u/583231' },
      emails: [
        { email: 'old@example.com', primary: false, verified: true, visibility: null },
        { email: 'Octocat@GitHub.example', primary: true, verified: true, visibility: 'public' },
      ],
    });
    const server = await startTestServer({
      config: {
      social: [
        {
          provider: 'github',
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          authorizationEndpoint: `${github.base}/login/oauth/authorize`,
          tokenEndpoint: `${github.base}/login/oauth/access_token`,
          userinfoEndpoint: `${github.base}/user`,
          emailsEndpoint: `${github.base}/user/emails`,
        },
      ],
      },
    });
    const outcome = await socialLogin(server, 'github', async (url) => {
      const response = await fetch(url, { redirect: 'manual' });
      return response.headers.get('location') ?? '';
    });
    const user = await sessionUser(server, outcome.cookie);
    assert.equal(user.user_id, 'github|583231');
    assert.equal(user.email, 'octocat@github.example');
    assert.equal(user.email_verified, true);
    assert.equal(user.name, 'The Octocat');
    assert.equal(user.picture, 'https://avatars.example/u/583231');
    assert.ok(github.requests.includes('POST /login/oauth/access_token'));
    await server.close();
    await github.close();
  });

  it('GitHub: refuses an account without any usable email with social_email_missing', async () => {
    const github = await startGithubServer(CLIENT_ID, CLIENT_SECRET, {
      user: { id: 7, login: 'ghost', name: null, email: null, avatar_url: '' },
      emails: [],
    });
    const server = await startTestServer({
      config: {
      social: [
        {
          provider: 'github',
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          authorizationEndpoint: `${github.base}/login/oauth/authorize`,
          tokenEndpoint: `${github.base}/login/oauth/access_token`,
          userinfoEndpoint: `${github.base}/user`,
          emailsEndpoint: `${github.base}/user/emails`,
        },
      ],
      },
    });
    const outcome = await socialLogin(server, 'github', async (url) => (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    assert.equal(outcome.location.searchParams.get('provision_lock_error'), 'social_email_missing');
    assert.equal(await rowCount(server, 'users'), 0);
    await server.close();
    await github.close();
  });

  it('Facebook: logs in with the Graph profile, never treating its email as verified', async () => {
    const facebook = await startFacebookServer(CLIENT_ID, CLIENT_SECRET, {
      id: '10224211111111111',
      name: 'Mark Example',
      email: 'mark@example.com',
      picture: { data: { url: 'https://graph.example/picture.jpg' } },
    });
    const server = await startTestServer({
      config: {
      social: [
        {
          provider: 'facebook',
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          authorizationEndpoint: `${facebook.base}/v21.0/dialog/oauth`,
          tokenEndpoint: `${facebook.base}/v21.0/oauth/access_token`,
          userinfoEndpoint: `${facebook.base}/v21.0/me?fields=id,name,email,picture`,
        },
      ],
      },
    });
    const outcome = await socialLogin(server, 'facebook', async (url) => (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    const user = await sessionUser(server, outcome.cookie);
    assert.equal(user.user_id, 'facebook|10224211111111111');
    assert.equal(user.email, 'mark@example.com');
    assert.equal(user.email_verified, false);
    assert.equal(user.picture, 'https://graph.example/picture.jpg');
    await server.close();
    await facebook.close();
  });
});
