import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { createApp } from '../../src/server/app.js';
import { resolveConfig, type ConfigFile } from '../../src/server/config.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../src/server/routes/pages.js';
import { safeReturnTo } from '../../src/server/routes/return-to.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';
import { negotiateLanguage } from '../../src/shared/languages.js';
import { errorOf } from './helpers.js';

/** A dist/ folder with stand-ins for the built files, so these tests do not need a build. */
const dist = mkdtempSync(join(tmpdir(), 'provision-lock-dist-'));
mkdirSync(join(dist, 'chunks'), { recursive: true });
mkdirSync(join(dist, 'demo', 'assets'), { recursive: true });
writeFileSync(join(dist, 'provision-lock.js'), 'export {};\n');
writeFileSync(join(dist, 'chunks', 'de-AbCdEf12.js'), 'export default {};\n');
writeFileSync(join(dist, 'demo', 'index.html'), '<!doctype html><title>demo</title>\n');
writeFileSync(join(dist, 'demo', 'assets', 'index-XyZ98765.css'), 'body{}\n');
writeFileSync(join(dist, 'secret.txt'), 'not served\n');

const databases: { destroy(): Promise<void> }[] = [];
after(async () => {
  for (const db of databases) await db.destroy();
});

async function appWith(config: ConfigFile = {}, env: Record<string, string> = {}) {
  const resolved = resolveConfig(config, { DATABASE_URL: 'sqlite::memory:', ...env });
  const db = openDatabase(resolved.databaseUrl);
  databases.push(db);
  await migrateToLatest(db);
  return createApp({ config: resolved, db, distDir: dist });
}

function attribute(html: string, name: string): string | undefined {
  return new RegExp(`<provision-lock[^>]* ${name}="([^"]*)"`).exec(html)?.[1];
}

describe('GET /login', () => {
  it('serves the widget under a strict Content-Security-Policy', async () => {
    const app = await appWith();
    const response = await app.request('/login');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('content-security-policy'), PAGE_CONTENT_SECURITY_POLICY);
    assert.match(PAGE_CONTENT_SECURITY_POLICY, /default-src 'self'/);
    assert.match(PAGE_CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    const html = await response.text();
    assert.match(html, /<script type="module" src="\/assets\/provision-lock\.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|<style>|\sstyle="|\son\w+="/, 'no inline script, style or handler');
    assert.equal(attribute(html, 'view'), 'login');
    assert.equal(attribute(html, 'return-to'), '/');
  });

  it('passes a safe return_to and the view, escaped', async () => {
    const app = await appWith({ allowedOrigins: ['https://app.example.com'] });
    const local = await (await app.request('/login?return_to=%2Faccount%3Fa%3D1%26b%3D%22x%22&view=signup')).text();
    assert.equal(attribute(local, 'return-to'), '/account?a=1&amp;b=%22x%22');
    assert.equal(attribute(local, 'view'), 'signup');
    const allowed = await (await app.request('/login?return_to=https%3A%2F%2Fapp.example.com%2Fhome')).text();
    assert.equal(attribute(allowed, 'return-to'), 'https://app.example.com/home');
    const unknownView = await (await app.request('/login?view=%22%3E%3Cscript%3E')).text();
    assert.equal(attribute(unknownView, 'view'), 'login');
    assert.doesNotMatch(unknownView, /<script>/);
  });

  it('picks the page language from Accept-Language or ?lang', async () => {
    const app = await appWith();
    const german = await (await app.request('/login', { headers: { 'accept-language': 'fr;q=0.5, de-CH, en;q=0.8' } })).text();
    assert.match(german, /<html lang="de" dir="ltr">/);
    const arabic = await (await app.request('/login?lang=ar')).text();
    assert.match(arabic, /<html lang="ar" dir="rtl">/);
  });
});

describe('safeReturnTo', () => {
  const own = 'https://login.example.com';
  const allowed = ['https://app.example.com'];
  const cases: [string | undefined, string][] = [
    [undefined, '/'],
    ['', '/'],
    ['/dashboard?x=1#y', '/dashboard?x=1#y'],
    ['https://login.example.com/a', '/a'],
    ['https://app.example.com/callback?c=1', 'https://app.example.com/callback?c=1'],
    ['https://app.example.com.evil.example/', '/'],
    ['http://app.example.com/', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
    ['/\n/evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['data:text/html,hi', '/'],
    ['  https://evil.example', '/'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(safeReturnTo(input, own, allowed), expected);
    });
  }
});

describe('negotiateLanguage', () => {
  it('honours quality, order and regional variants', () => {
    assert.equal(negotiateLanguage('pt-PT,pt;q=0.9'), 'pt-BR');
    assert.equal(negotiateLanguage('xx, ja;q=0.1'), 'ja');
    assert.equal(negotiateLanguage('de;q=0.2, fr;q=0.9'), 'fr');
    assert.equal(negotiateLanguage('*'), 'en');
    assert.equal(negotiateLanguage(undefined), 'en');
    assert.equal(negotiateLanguage('de;q=0'), 'en', 'q=0 means "not this one"');
  });
});

describe('assets and demo', () => {
  it('serves the widget bundle to any site, revalidated, and hashed chunks for a year', async () => {
    const app = await appWith();
    const bundle = await app.request('/assets/provision-lock.js');
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
    assert.equal(bundle.headers.get('cache-control'), 'no-cache');
    const chunk = await app.request('/assets/chunks/de-AbCdEf12.js');
    assert.equal(chunk.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('refuses paths outside the build folder and unknown file types', async () => {
    const app = await appWith();
    for (const path of ['/assets/../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/secret.txt', '/assets/%E0%A4%A', '/assets/nope.js']) {
      const response = await app.request(path);
      assert.equal(response.status, 404, path);
      assert.equal((await errorOf(response)).code, 'not_found');
    }
  });

  it('serves the demo at / with its assets, or leads to /login when the demo is off', async () => {
    const app = await appWith();
    const demo = await app.request('/');
    assert.equal(demo.status, 200);
    assert.match(await demo.text(), /<title>demo<\/title>/);
    assert.equal(demo.headers.get('content-security-policy'), PAGE_CONTENT_SECURITY_POLICY);
    assert.equal((await app.request('/demo/assets/index-XyZ98765.css')).headers.get('content-type'), 'text/css; charset=utf-8');

    const production = await appWith({ demo: false });
    const root = await production.request('/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/login');
    assert.equal((await production.request('/demo/assets/index-XyZ98765.css')).status, 404);
  });

  it('keeps the API headers on API responses', async () => {
    const app = await appWith();
    const response = await app.request('/api/config');
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  });
});
