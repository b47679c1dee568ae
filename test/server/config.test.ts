import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ConfigError, DEFAULT_DATABASE_URL, loadConfig, resolveConfig } from '../../src/server/config.js';

function configErrorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration', () => {
  it('has a safe default for every key', () => {
    const config = resolveConfig({}, {});
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, DEFAULT_DATABASE_URL);
    assert.equal(config.adminToken, undefined);
    assert.equal(config.publicUrl, undefined);
    assert.deepEqual(config.signup, { enabled: true, loginAfterSignup: true, revealExisting: true });
    assert.equal(config.password.strength, 'good');
    assert.equal(config.username.enabled, false);
    assert.deepEqual(config.bruteForce, { enabled: true, maxAttempts: 10, blockMinutes: 15 });
    assert.deepEqual(config.session, { ttlHours: 168, idleHours: 72 });
    assert.deepEqual(config.allowedOrigins, []);
    assert.equal(config.trustProxy, 0, 'X-Forwarded-For is ignored unless proxies are named');
  });

  it('reads the environment', () => {
    const config = resolveConfig(
      {},
      {
        PORT: '8080',
        DATABASE_URL: 'sqlite::memory:',
        ADMIN_TOKEN: 'a'.repeat(40),
        PUBLIC_URL: 'https://login.example.com',
        UNRELATED: 'x',
      },
    );
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, 'sqlite::memory:');
    assert.equal(config.adminToken, 'a'.repeat(40));
    assert.equal(config.publicUrl?.origin, 'https://login.example.com');
  });

  it('treats empty environment variables as unset', () => {
    assert.equal(resolveConfig({}, { PORT: '', ADMIN_TOKEN: '' }).port, 3000);
  });

  it('names each bad key and its problem', () => {
    const message = configErrorMessage(() =>
      resolveConfig({ password: { minLength: 500, strenght: 'good' }, signup: { enabled: 'yes' } }),
    );
    assert.match(message, /password\.minLength: .*<=128/);
    assert.match(message, /password\.strenght: unknown key/);
    assert.match(message, /signup\.enabled: .*boolean/);
  });

  it('refuses unknown top-level keys and bad origins', () => {
    const message = configErrorMessage(() => resolveConfig({ colour: 'blue', allowedOrigins: ['https://a.example/path'] }));
    assert.match(message, /colour: unknown key/);
    assert.match(message, /allowedOrigins\[0\]: must be an origin/);
  });

  it('checks the policies after defaults are applied', () => {
    const message = configErrorMessage(() => resolveConfig({ password: { maxLength: 6 } }));
    assert.match(message, /password\.maxLength: maxLength must be at least minLength/);
  });

  it('names bad environment variables', () => {
    const message = configErrorMessage(() =>
      resolveConfig({}, { PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short', PUBLIC_URL: 'ftp://x' }),
    );
    assert.match(message, /environment PORT/);
    assert.match(message, /environment DATABASE_URL: must be "sqlite:PATH"/);
    assert.match(message, /environment ADMIN_TOKEN: must be at least 32 characters/);
    assert.match(message, /environment PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('fills social provider defaults and reads env: secrets from the environment', () => {
    const config = resolveConfig(
      {
        social: [
          { provider: 'google', clientId: 'g', clientSecret: 'env:GOOGLE_SECRET' },
          { provider: 'oidc', id: 'corp', clientId: 'c', clientSecret: 'inline', issuer: 'https://sso.corp.example' },
        ],
      },
      { GOOGLE_SECRET: 'from-the-environment' },
    );
    assert.deepEqual(
      config.social.map(({ id, name, kind, clientSecret, linkVerifiedEmails }) => ({ id, name, kind, clientSecret, linkVerifiedEmails })),
      [
        { id: 'google', name: 'Google', kind: 'google', clientSecret: 'from-the-environment', linkVerifiedEmails: false },
        { id: 'corp', name: 'OpenID Connect', kind: 'oidc', clientSecret: 'inline', linkVerifiedEmails: false },
      ],
    );
  });

  it('names what is wrong with a social provider', () => {
    const message = configErrorMessage(() =>
      resolveConfig({
        social: [
          { provider: 'oidc', clientId: 'c', clientSecret: 's' },
          { provider: 'github', clientId: 'c', clientSecret: 'env:MISSING_SECRET' },
          { provider: 'facebook', id: 'auth0', clientId: 'c', clientSecret: 's', tokenEndpoint: 'http://graph.example/token' },
          { provider: 'myspace', clientId: 'c', clientSecret: 's' },
        ],
      }),
    );
    assert.match(message, /social\[0\]\.id: an oidc provider needs an id/);
    assert.match(message, /social\[0\]\.issuer: an oidc provider needs its issuer/);
    assert.match(message, /social\[2\]\.id: is reserved/);
    assert.match(message, /social\[2\]\.tokenEndpoint: must use https/);
    assert.match(message, /social\[3\]\.provider: /);
    const secret = configErrorMessage(() =>
      resolveConfig({ social: [{ provider: 'github', clientId: 'c', clientSecret: 'env:MISSING_SECRET' }] }, {}),
    );
    assert.match(secret, /social\[0\]\.clientSecret: the environment variable MISSING_SECRET is not set/);
    const twice = configErrorMessage(() =>
      resolveConfig({
        social: [
          { provider: 'google', clientId: 'a', clientSecret: 's' },
          { provider: 'google', clientId: 'b', clientSecret: 's' },
        ],
      }),
    );
    assert.match(twice, /social: two providers share an id/);
    assert.equal(
      resolveConfig({ social: [{ provider: 'oidc', id: 'dev', clientId: 'c', clientSecret: 's', issuer: 'http://127.0.0.1:9000' }] })
        .social[0]?.issuer,
      'http://127.0.0.1:9000',
      'plain http is fine on loopback',
    );
  });

  it('loads a file named by --config or PROVISION_LOCK_CONFIG', () => {
    const folder = mkdtempSync(join(tmpdir(), 'provision-lock-config-'));
    const file = join(folder, 'config.json');
    writeFileSync(file, JSON.stringify({ password: { strength: 'excellent' }, username: { required: true } }));
    assert.equal(loadConfig({ configPath: file, env: {} }).password.minLength, 10);
    assert.equal(loadConfig({ env: { PROVISION_LOCK_CONFIG: file } }).username.required, true);
  });

  it('explains unreadable and malformed files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'provision-lock-config-'));
    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{ "password": ');
    assert.match(configErrorMessage(() => loadConfig({ configPath: broken, env: {} })), /is not valid JSON/);
    assert.match(
      configErrorMessage(() => loadConfig({ configPath: join(folder, 'missing.json'), env: {} })),
      /Cannot read the configuration file/,
    );
  });
});
