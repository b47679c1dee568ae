/**
 * Serves built files (the widget bundle, its chunks, the demo) from a folder, refusing any path
 * that would leave it.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

import type { Context } from 'hono';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Vite names built chunks `name-<hash>.ext`: their content never changes under that name. */
const HASHED_NAME = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export async function serveFile(c: Context, folder: string, relativePath: string): Promise<Response | undefined> {
  try {
    const root = resolve(folder);
    const path = resolve(root, `.${sep}${decodeURIComponent(relativePath)}`);
    const type = CONTENT_TYPES[extname(path)];
    if (!path.startsWith(root + sep) || !type || !(await stat(path)).isFile()) return undefined;
    const body = await readFile(path);
    c.header('Content-Type', type);
    c.header('Cache-Control', HASHED_NAME.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(body);
  } catch {
    // Malformed escapes, missing files and unreadable ones all end as "not here".
    return undefined;
  }
}
