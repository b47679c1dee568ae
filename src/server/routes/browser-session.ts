/**
 * The browser's side of a login: its cookies and who it is. Cookies are HttpOnly, SameSite=Lax,
 * path /, and when the server is public over https also Secure with the `__Host-` prefix (which
 * browsers only accept from a secure origin, for the whole host, and no subdomain can overwrite).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import type { AppEnv } from '../env.js';
import type { ClientMeta, SessionService } from '../services/sessions.js';

/** One cookie the server keeps in the browser. */
export class BrowserCookie {
  private readonly name: string;

  constructor(
    name: string,
    private readonly secure: boolean,
    private readonly maxAgeSeconds: number,
  ) {
    this.name = secure ? `__Host-${name}` : name;
  }

  read(c: Context): string | undefined {
    return getCookie(c, this.name) || undefined;
  }

  write(c: Context, value: string): void {
    setCookie(c, this.name, value, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: this.secure,
      path: '/',
      maxAge: this.maxAgeSeconds,
    });
  }

  clear(c: Context): void {
    deleteCookie(c, this.name, { path: '/', secure: this.secure, httpOnly: true, sameSite: 'Lax' });
  }
}

export function clientOf(c: Context<AppEnv>): ClientMeta {
  return { ip: c.get('clientIp'), userAgent: c.req.header('User-Agent') };
}

/** Issues a fresh session; whatever session this browser had before ends (no fixation). */
export async function startBrowserSession(
  c: Context<AppEnv>,
  sessions: SessionService,
  cookie: BrowserCookie,
  userId: string,
): Promise<void> {
  const previous = cookie.read(c);
  if (previous) await sessions.revoke(previous);
  const { token } = await sessions.start(userId, clientOf(c));
  cookie.write(c, token);
}
