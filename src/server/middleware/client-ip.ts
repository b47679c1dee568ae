import { isIP } from 'node:net';

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

/**
 * Behind `hops` trusted reverse proxies, each appending the address it saw to X-Forwarded-For:
 * the client is the entry `hops` steps back from the TCP peer. Entries further left were written
 * by the client and prove nothing. A header too short (the request skipped a proxy) or malformed
 * yields its leftmost valid entry at most; no header, the peer.
 */
export function forwardedClientAddress(hops: number, peer: ClientIpResolver = socketPeerAddress): ClientIpResolver {
  if (hops === 0) return peer;
  return (c) => {
    const socket = peer(c);
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const chain = socket === undefined ? forwarded : [...forwarded, socket];
    for (let index = Math.max(0, chain.length - 1 - hops); index < chain.length; index += 1) {
      const candidate = chain[index] ?? '';
      if (isIP(candidate) !== 0) return candidate;
    }
    return socket;
  };
}

export function resolveClientIp(resolver: ClientIpResolver): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('clientIp', resolver(c) ?? 'unknown');
    await next();
  };
}
