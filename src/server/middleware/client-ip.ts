import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';

import type { AppEnv } from '../env.js';

/** Finds the client's address for one request; undefined when it cannot tell. */
export type ClientIpResolver = (c: Context) => string | undefined;

/** The TCP peer: the only address a client cannot forge. Proxies are trusted only when configured. */
export const socketPeerAddress: ClientIpResolver = (c) => {
  try {
    const address = getConnInfo(c).remote.address;
    // A dual-stack socket reports IPv4 peers as "::ffff:a.b.c.d"; one client, one spelling.
    return address?.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
  } catch {
    // Requests that did not come through a socket (app.request() in tests) have no peer.
    return undefined;
  }
};

export function resolveClientIp(resolver: ClientIpResolver): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('clientIp', resolver(c) ?? 'unknown');
    await next();
  };
}
