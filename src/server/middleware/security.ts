/**
 * Cross-origin rules for the API: CORS with credentials for configured origins only, and an
 * Origin check on every state-changing request so that another site cannot act with the user's
 * cookie (CSRF), plus the headers every API response carries.
 */
import { ServerResponse } from 'node:http';

import type { Context, MiddlewareHandler } from 'hono';

import type { AppEnv } from '../env.js';
import { ServiceError } from '../services/service-error.js';

/** This server's origin as browsers see it: the public URL's, else the one the request was sent to. */
export function ownOrigin(c: Context, publicUrl: URL | undefined): string {
  return publicUrl?.origin ?? new URL(c.req.url).origin;
}

const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The origin for links that leave by mail. Whoever sends a request chooses its Host header, so
 * without PUBLIC_URL only a loopback origin (a developer's machine) is trusted: otherwise anyone
 * could have a victim's reset link point at their own host. Undefined when there is none.
 */
export function mailLinkOrigin(c: Context, publicUrl: URL | undefined): string | undefined {
  if (publicUrl) return publicUrl.origin;
  const requested = new URL(c.req.url);
  return LOOPBACK_HOSTNAMES.has(requested.hostname) ? requested.origin : undefined;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The headers every API answer carries. */
const API_RESPONSE_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['X-Frame-Options', 'DENY'],
  // Answers differ by Origin (CORS), so caches must keep them apart.
  ['Vary', 'Origin'],
];

/** Node's response to the request, when @hono/node-server serves it; undefined under `app.request()`. */
function nodeResponseOf(c: Context): ServerResponse | undefined {
  const bindings: unknown = c.env;
  if (typeof bindings !== 'object' || bindings === null || !('outgoing' in bindings)) return undefined;
  return bindings.outgoing instanceof ServerResponse ? bindings.outgoing : undefined;
}

/** Sets one header of the answer to the request. */
type SetAnswerHeader = (name: string, value: string) => void;

/**
 * How the API sets its headers, before the handler runs, so that errors and 404s carry them too.
 * Served by Node, they go straight onto Node's response: Node merges them into the head that Hono
 * writes, Hono's headers winning, so a route can still override one (but not remove it). Through
 * Hono (`c.header`) they would make a WHATWG Headers object that the adapter copies into a plain
 * one again, which cost a cheap GET a tenth of its time (Server, tenth round, in BENCHMARKS.md).
 * Without Node (`app.request()`) they go through Hono.
 */
function answerHeaderSetter(c: Context): SetAnswerHeader {
  const nodeResponse = nodeResponseOf(c);
  if (nodeResponse) {
    return (name, value) => {
      nodeResponse.setHeader(name, value);
    };
  }
  return (name, value) => {
    c.header(name, value);
  };
}

/** Puts the headers every API answer carries on the answer; the benchmark's bare app sets them with this too. */
export function setApiResponseHeaders(c: Context, setHeader: SetAnswerHeader = answerHeaderSetter(c)): void {
  for (const [name, value] of API_RESPONSE_HEADERS) setHeader(name, value);
}

const CORS_ALLOWED_METHODS = 'GET,POST,PATCH,DELETE';
const CORS_ALLOWED_HEADERS = 'Content-Type';
const CORS_EXPOSED_HEADERS = 'Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset';
const CORS_PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS with credentials for the configured origins and nobody else. Preflight requests are
 * answered here with 204 (the returned response); another origin's preflight gets no
 * Access-Control-Allow-* header, so the browser stops there.
 */
function applyCors(c: Context, allowed: ReadonlySet<string>, setHeader: SetAnswerHeader): Response | undefined {
  const origin = c.req.header('Origin');
  const permitted = origin !== undefined && allowed.has(origin);
  if (permitted) {
    setHeader('Access-Control-Allow-Origin', origin);
    setHeader('Access-Control-Allow-Credentials', 'true');
    setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
  }
  if (c.req.method !== 'OPTIONS') return undefined;
  if (permitted) {
    setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
    setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
    setHeader('Access-Control-Max-Age', CORS_PREFLIGHT_MAX_AGE_SECONDS);
  }
  return c.body(null, 204);
}

/**
 * Refuses unsafe requests that a browser sent from an origin other than this server's own (the
 * public URL's, or the one the request was addressed to) and the allowed ones. Browsers always
 * send Origin on such requests; clients without one (curl, server-to-server) are not browsers and
 * carry no ambient cookie, unless the browser's own Sec-Fetch-Site header says it is cross-site.
 */
function assertTrustedOrigin(c: Context, publicUrl: URL | undefined, allowed: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header('Origin');
  const trusted =
    origin === undefined
      ? !['cross-site', 'same-site'].includes(c.req.header('Sec-Fetch-Site') ?? '')
      : origin === ownOrigin(c, publicUrl) || allowed.has(origin);
  if (!trusted) {
    throw new ServiceError('forbidden_origin', 'This request came from an origin this server does not trust.');
  }
}

export interface ApiGateOptions {
  publicUrl: URL | undefined;
  allowedOrigins: readonly string[];
  /** What guards a request's body (its size), for requests that have one; undefined for those that do not. */
  bodyGuard: (c: Context<AppEnv>) => MiddlewareHandler<AppEnv> | undefined;
}

/**
 * What every API request goes through before its handler, in this order: the response headers
 * every API answer carries, CORS (a preflight is answered here), the Origin check, the body's
 * limit. One middleware, not four: each Hono middleware layer costs a request about 1 to 4 µs of
 * the event loop besides its own work (its dispatch, its promise), and a cheap GET costs the
 * server only about 26 µs in all (Server, tenth round, in BENCHMARKS.md).
 */
export function apiGate({ publicUrl, allowedOrigins, bodyGuard }: ApiGateOptions): MiddlewareHandler<AppEnv> {
  const allowed: ReadonlySet<string> = new Set(allowedOrigins);
  return (c, next) => {
    const setHeader = answerHeaderSetter(c);
    setApiResponseHeaders(c, setHeader);
    const preflightAnswer = applyCors(c, allowed, setHeader);
    if (preflightAnswer) return Promise.resolve(preflightAnswer);
    assertTrustedOrigin(c, publicUrl, allowed);
    const guard = bodyGuard(c);
    return guard ? guard(c, next) : next();
  };
}
