/**
 * A legacy identity store for tests: an HTTP server that speaks the contract provision-lock
 * expects (`POST /login`, `GET /users/:identifier`, the secret as a bearer token), with users
 * and passwords of its own, a log of calls, and switches to misbehave.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LegacyUser {
  user_id: string | number;
  email: string;
  password: string;
  username?: string;
  name?: string;
  email_verified?: boolean;
  user_metadata?: Record<string, unknown>;
}

export interface LegacyStoreServer {
  url: string;
  secret: string;
  users: LegacyUser[];
  /** Every call: method, path, and for logins the identifier (never the password). */
  calls: string[];
  /** `ok` answers by the contract; `error` answers 500; `slow` never answers in time. */
  behaviour: 'ok' | 'error' | 'slow' | 'garbage';
  close(): Promise<void>;
}

function profileOf(user: LegacyUser): Record<string, unknown> {
  const { password: _password, ...profile } = user;
  return profile;
}

/**
 * How the store checks a password against the user's `password` field: plain comparison by
 * default; a benchmark passes a real hash verification (bcrypt), as a real legacy store does.
 */
export type LegacyPasswordCheck = (stored: string, password: string) => Promise<boolean>;

const samePassword: LegacyPasswordCheck = (stored, password) => Promise.resolve(stored === password);

export async function startLegacyStore(users: LegacyUser[], checkPassword: LegacyPasswordCheck = samePassword): Promise<LegacyStoreServer> {
  // One object, read by the handler and changed by the tests.
  const store: LegacyStoreServer = {
    url: '',
    secret: 'legacy-store-shared-secret',
    users,
    calls: [],
    behaviour: 'ok',
    close: () => Promise.resolve(),
  };
  const find = (identifier: string): LegacyUser | undefined =>
    store.users.find((user) => user.email === identifier.toLowerCase() || user.username === identifier);
  const server: Server = createServer((request, response) => {
    void (async () => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const reply = (status: number, value?: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (request.headers.authorization !== `Bearer ${store.secret}`) return reply(403, { error: 'forbidden' });
      if (store.behaviour === 'slow') return;
      if (store.behaviour === 'error') return reply(500, { error: 'boom' });
      if (store.behaviour === 'garbage') return reply(200, { not: 'a profile' });
      const url = new URL(request.url ?? '/', 'http://legacy');
      if (request.method === 'POST' && url.pathname === '/login') {
        const { identifier, password } = JSON.parse(body) as { identifier: string; password: string };
        store.calls.push(`POST /login ${identifier}`);
        const user = find(identifier);
        return user && (await checkPassword(user.password, password)) ? reply(200, profileOf(user)) : reply(401, { error: 'invalid' });
      }
      const lookup = /^\/users\/(.+)$/.exec(url.pathname);
      if (request.method === 'GET' && lookup) {
        const identifier = decodeURIComponent(lookup[1] ?? '');
        store.calls.push(`GET /users ${identifier}`);
        const user = find(identifier);
        return user ? reply(200, profileOf(user)) : reply(404, { error: 'not found' });
      }
      reply(404, { error: 'no such endpoint' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  store.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return store;
}
