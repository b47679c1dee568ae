/**
 * Identity providers for social login tests, all real servers on loopback:
 * - a real OpenID Provider (the `oidc-provider` package) with its development login and consent
 *   pages, driven over HTTP here (and by Chromium in the end-to-end test);
 * - small servers speaking GitHub's and Facebook's documented OAuth 2.0 token and profile
 *   endpoints, checking client credentials, redirect URI, single-use codes and PKCE as they do.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider, { type Configuration } from 'oidc-provider';

export interface AccountClaims {
  [claim: string]: unknown;
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
}

export interface TestOpenIdProvider {
  issuer: string;
  /** Accounts by login name; tests may change them between logins. */
  accounts: Map<string, AccountClaims>;
  /**
   * Plays the user at the provider: opens the authorization URL, logs in as `login`, consents,
   * and returns the URL the provider sends the browser back to.
   */
  authenticate(authorizationUrl: string, login: string): Promise<string>;
  /** Opens the authorization URL and cancels at the login page instead. */
  cancel(authorizationUrl: string): Promise<string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startOpenIdProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  ttl?: Configuration['ttl'];
}): Promise<TestOpenIdProvider> {
  const server = createServer();
  const issuer = await listen(server);
  const accounts = new Map<string, AccountClaims>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    findAccount: (_context, id) => {
      const claims = [...accounts.values()].find((account) => account.sub === id);
      return claims ? { accountId: id, claims: () => claims } : undefined;
    },
    ...(options.ttl ? { ttl: options.ttl } : {}),
  });
  const handle = provider.callback();
  server.on('request', (request, response) => void handle(request, response));

  // Each visit is a fresh browser: no provider session carries over from one login to the next.
  const authenticate = async (authorizationUrl: string, login: string): Promise<string> => {
    const account = accounts.get(login);
    if (!account) throw new Error(`No test account ${login}`);
    const browser = cookieJarBrowser(issuer);
    let response = await browser.follow(authorizationUrl);
    for (let step = 0; step < 6; step += 1) {
      const location = response.headers.get('location');
      if (location && !location.startsWith(issuer) && !location.startsWith('/')) return location;
      const page = await response.text();
      const action = /action="([^"]+)"/.exec(page)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
      if (!action || !prompt) throw new Error(`Unexpected provider page: ${page.slice(0, 200)}`);
      const form: Record<string, string> = prompt === 'login' ? { prompt, login: account.sub, password: 'any' } : { prompt };
      response = await browser.follow(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    }
    throw new Error('The provider never sent the browser back');
  };
  const cancel = async (authorizationUrl: string): Promise<string> => {
    const browser = cookieJarBrowser(issuer);
    const page = await (await browser.follow(authorizationUrl)).text();
    const action = /action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error('No login page');
    const response = await browser.follow(`${action}/abort`);
    const location = response.headers.get('location');
    if (!location) throw new Error('The provider did not send the browser back');
    return location;
  };
  return { issuer, accounts, authenticate, cancel, close: () => close(server) };
}

/**
 * A browser in miniature for server-to-server tests: keeps the provider's cookies and follows its
 * redirects until the provider sends the browser elsewhere.
 */
function cookieJarBrowser(origin: string) {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const separator = pair.indexOf('=');
      jar.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  };
  return {
    async follow(url: string, init?: RequestInit): Promise<Response> {
      let response = await send(url, init);
      for (;;) {
        const location = response.headers.get('location');
        if (!location) return response;
        const next = new URL(location, origin);
        if (next.origin !== origin) return response;
        response = await send(next.href);
      }
    },
  };
}

// ------------------------------------------------------------------------------------------
// OAuth 2.0 servers shaped like GitHub's and Facebook's

interface OAuthServerOptions {
  clientId: string;
  clientSecret: string;
  /** What the profile endpoints answer, by path (query strings are ignored). */
  profiles: Record<string, unknown>;
  authorizePath: string;
  tokenPath: string;
}

export interface TestOAuthServer {
  base: string;
  /** Requests the server has seen, newest last: method and path. */
  requests: string[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return new URLSearchParams(text);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

async function startOAuthServer(options: OAuthServerOptions): Promise<TestOAuthServer> {
  const codes = new Map<string, { redirectUri: string; challenge: string }>();
  const tokens = new Set<string>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(`${request.method} ${url.pathname}`);
      if (url.pathname === options.authorizePath) {
        // The user approves at once: back to the app with a single-use code.
        const query = url.searchParams;
        if (query.get('client_id') !== options.clientId || query.get('code_challenge_method') !== 'S256') {
          return json(response, 400, { error: 'invalid_request' });
        }
        const code = randomBytes(16).toString('hex');
        codes.set(code, { redirectUri: query.get('redirect_uri') ?? '', challenge: query.get('code_challenge') ?? '' });
        const back = new URL(query.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', query.get('state') ?? '');
        response.writeHead(302, { location: back.href });
        return response.end();
      }
      if (url.pathname === options.tokenPath && request.method === 'POST') {
        const form = await body(request);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
          return json(response, 401, { error: 'invalid_client' });
        }
        if (!grant || grant.redirectUri !== form.get('redirect_uri') || grant.challenge !== challenge) {
          return json(response, 400, { error: 'invalid_grant' });
        }
        const token = randomBytes(16).toString('hex');
        tokens.add(token);
        return json(response, 200, { access_token: token, token_type: 'bearer', scope: 'email' });
      }
      const profile = options.profiles[url.pathname];
      if (profile !== undefined) {
        const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        if (!token || !tokens.has(token)) return json(response, 401, { message: 'Bad credentials' });
        return json(response, 200, profile);
      }
      json(response, 404, { message: 'Not Found' });
    })();
  });
  const base = await listen(server);
  return { base, requests, close: () => close(server) };
}

export interface GithubAccount {
  user: { id: number; login: string; name: string | null; email: string | null; avatar_url: string };
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
}

/** GitHub's OAuth app endpoints, with `/user` and `/user/emails` of the REST API. */
export function startGithubServer(clientId: string, clientSecret: string, account: GithubAccount): Promise<TestOAuthServer> {
  return startOAuthServer({
    clientId,
    clientSecret,
    authorizePath: '/login/oauth/authorize',
    tokenPath: '/login/oauth/access_token',
    profiles: { '/user': account.user, '/user/emails': account.emails },
  });
}

export interface FacebookAccount {
  id: string;
  name: string;
  email?: string;
  picture?: { data: { url: string } };
}

/** Facebook Login's manual flow endpoints and the Graph API's `/me`. */
export function startFacebookServer(clientId: string, clientSecret: string, account: FacebookAccount): Promise<TestOAuthServer> {
  return startOAuthServer({
    clientId,
    clientSecret,
    authorizePath: '/v21.0/dialog/oauth',
    tokenPath: '/v21.0/oauth/access_token',
    profiles: { '/v21.0/me': account },
  });
}
