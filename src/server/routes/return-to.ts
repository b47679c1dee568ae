/**
 * Where the browser may be sent after a login: a path on this server, or a page on one of the
 * configured `allowedOrigins`. Anything else (other hosts, `//evil.example`, `javascript:`,
 * backslash tricks) falls back to `/`, so no link can turn the login page into an open redirect.
 */
export function safeReturnTo(value: string | undefined, ownOrigin: string, allowedOrigins: readonly string[]): string {
  const fallback = '/';
  // Backslashes and control characters are read as slashes or dropped by some browsers.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  if (!value || /[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let target: URL;
  try {
    target = new URL(value, ownOrigin);
  } catch {
    return fallback;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return fallback;
  if (target.origin === ownOrigin) return `${target.pathname}${target.search}${target.hash}`;
  return allowedOrigins.includes(target.origin) ? target.href : fallback;
}

/**
 * Adds one query parameter to a target from `safeReturnTo` (a path or an absolute URL), keeping
 * its other parameters and fragment.
 */
export function withQueryParameter(target: string, name: string, value: string): string {
  const base = 'http://relative.invalid';
  const url = new URL(target, base);
  url.searchParams.set(name, value);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : url.href;
}
