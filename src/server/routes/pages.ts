/**
 * What the server serves to browsers beside the API: the hosted login page, the widget's built
 * files under `/assets/`, and the demo page at `/`. Pages carry a strict Content-Security-Policy.
 */
import { Hono, type MiddlewareHandler } from 'hono';

import { matchLanguage, negotiateLanguage } from '../../shared/languages.js';
import type { ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { ownOrigin } from '../middleware/security.js';
import { LOGIN_PAGE_CSS, LOGIN_VIEWS, loginPageHtml, type LoginPageView } from '../pages/login-page.js';
import { ServiceError } from '../services/service-error.js';
import { safeReturnTo } from './return-to.js';
import { serveFile } from './static-files.js';

export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  c.header('X-Frame-Options', 'DENY');
};

function notFound(path: string): never {
  throw new ServiceError('not_found', `There is no GET ${path}.`);
}

export function pageRoutes(config: ServerConfig, distDir: string): Hono<AppEnv> {
  const isLoginView = (value: string | undefined): value is LoginPageView =>
    (LOGIN_VIEWS as readonly string[]).includes(value ?? '');

  const pages = new Hono<AppEnv>();
  // Only these paths: the sub-app is mounted at the root, beside the API with headers of its own.
  for (const path of ['/', '/login', '/login.css', '/assets/*', '/demo/*']) pages.use(path, pageHeaders);
  return pages
    .get('/login', (c) => {
      const view = c.req.query('view');
      const language = c.req.query('lang');
      c.header('Cache-Control', 'no-store');
      return c.html(
        loginPageHtml({
          language: language ? matchLanguage(language) : negotiateLanguage(c.req.header('Accept-Language')),
          view: isLoginView(view) ? view : 'login',
          returnTo: safeReturnTo(c.req.query('return_to'), ownOrigin(c, config.publicUrl), config.allowedOrigins),
        }),
      );
    })
    .get('/login.css', (c) => {
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(LOGIN_PAGE_CSS);
    })
    .get('/assets/*', async (c) => {
      // Any site may load the widget with a script tag: module scripts are fetched with CORS.
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      return (await serveFile(c, distDir, c.req.path.slice('/assets/'.length))) ?? notFound(c.req.path);
    })
    .get('/', async (c) => {
      if (!config.demo) return c.redirect('/login');
      return (await serveFile(c, `${distDir}/demo`, 'index.html')) ?? notFound(c.req.path);
    })
    .get('/demo/*', async (c) => {
      if (!config.demo) return notFound(c.req.path);
      return (await serveFile(c, `${distDir}/demo`, c.req.path.slice('/demo/'.length))) ?? notFound(c.req.path);
    });
}
