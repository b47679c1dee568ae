/**
 * The session cookie: HttpOnly, SameSite=Lax, path /, and when the server is public over https
 * also Secure with the `__Host-` prefix (which browsers only accept from a secure origin, for the
 * whole host, and which no subdomain can overwrite).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

const COOKIE_NAME = 'provision_lock_session';

export interface SessionCookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
}

function cookieName(secure: boolean): string {
  return secure ? `__Host-${COOKIE_NAME}` : COOKIE_NAME;
}

export function readSessionCookie(c: Context, settings: SessionCookieSettings): string | undefined {
  return getCookie(c, cookieName(settings.secure)) || undefined;
}

export function writeSessionCookie(c: Context, token: string, settings: SessionCookieSettings): void {
  setCookie(c, cookieName(settings.secure), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: settings.secure,
    path: '/',
    maxAge: settings.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, settings: SessionCookieSettings): void {
  deleteCookie(c, cookieName(settings.secure), { path: '/', secure: settings.secure, httpOnly: true, sameSite: 'Lax' });
}
