/**
 * Password reset end to end on the server: the request, the mail through a real SMTP server, the
 * one-time link, the new password under the policy, and what happens to old sessions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  cookieHeaderFrom,
  errorOf,
  recordingLogger,
  removeTestFolders,
  rowCount,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
} from './helpers.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

after(removeTestFolders);

const NEW_PASSWORD = 'Quiet-Harbour-Lantern-58';

/** The reset token in a mail's link, and the view the link opens. */
function linkIn(body: string): { view: string; token: string } {
  const match = /\/login\?view=([a-z-]+)#token=([A-Za-z0-9_-]+)/.exec(body);
  assert.ok(match, 'the mail has a reset link');
  return { view: match[1] ?? '', token: match[2] ?? '' };
}

describe('password reset through SMTP', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await startSmtpReceiver();
  });
  after(() => smtp.close());

  async function serverWithUser(config: object = {}): Promise<{ server: TestServer; cookie: string }> {
    const server = await startTestServer({
      config: { mail: { smtpUrl: smtp.url, from: 'Login <login@example.com>' }, ...config },
      env: { PUBLIC_URL: 'https://login.example.com' },
    });
    const signup = await server.post(
      '/api/signup',
      { email: 'reset.me@example.com', password: STRONG_PASSWORD },
      { headers: { origin: 'https://login.example.com' } },
    );
    assert.equal(signup.status, 201);
    return { server, cookie: cookieHeaderFrom(signup) };
  }

  it('answers 202 for any address and mails a one-time link only to an account that exists', async () => {
    const { server } = await serverWithUser();
    const before = smtp.mails.length;
    for (const email of ['nobody@example.com', 'reset.me@example.com']) {
      const response = await server.post('/api/password-reset', { email }, { headers: { origin: 'https://login.example.com' } });
      assert.equal(response.status, 202);
      assert.equal(await response.text(), '');
    }
    await server.services.passwordReset.idle();
    assert.equal(smtp.mails.length, before + 1, 'one mail, for the known address');
    const mail = await smtp.nextMail();
    assert.deepEqual(mail.to, ['reset.me@example.com']);
    assert.equal(mail.from, 'login@example.com');
    assert.equal(mail.subject, 'Reset your password');
    assert.match(mail.body, /https:\/\/login\.example\.com\/login\?view=reset-confirm#token=/);
    const { token } = linkIn(mail.body);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);

    const stored = await server.db.selectFrom('password_reset_tokens').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.id, token, 'only a hash of the token is stored');
    await server.close();
  });

  it('sets the new password, ends every session, and spends the link', async () => {
    const { server, cookie } = await serverWithUser();
    await server.post('/api/password-reset', { email: 'reset.me@example.com' });
    await server.services.passwordReset.idle();
    const { token } = linkIn((await smtp.nextMail()).body);

    const confirmed = await server.post('/api/password-reset/confirm', { token, password: NEW_PASSWORD });
    assert.equal(confirmed.status, 204);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 401, 'old sessions end');
    assert.equal((await server.post('/api/login', { identifier: 'reset.me@example.com', password: STRONG_PASSWORD })).status, 401);
    assert.equal((await server.post('/api/login', { identifier: 'reset.me@example.com', password: NEW_PASSWORD })).status, 200);

    const again = await server.post('/api/password-reset/confirm', { token, password: 'Another-Fine-Password-77' });
    assert.equal(again.status, 400);
    assert.equal((await errorOf(again)).code, 'invalid_token');
    await server.close();
  });

  it('refuses an expired link, a made-up one, and a link replaced by a newer one', async () => {
    const { server } = await serverWithUser({ passwordReset: { tokenTtlMinutes: 30 } });
    await server.post('/api/password-reset', { email: 'reset.me@example.com' });
    await server.services.passwordReset.idle();
    const first = linkIn((await smtp.nextMail()).body).token;
    await server.post('/api/password-reset', { email: 'reset.me@example.com' });
    await server.services.passwordReset.idle();
    const second = linkIn((await smtp.nextMail()).body).token;

    const replaced = await server.post('/api/password-reset/confirm', { token: first, password: NEW_PASSWORD });
    assert.equal((await errorOf(replaced)).code, 'invalid_token', 'only the newest link works');
    const madeUp = await server.post('/api/password-reset/confirm', { token: 'x'.repeat(43), password: NEW_PASSWORD });
    assert.equal((await errorOf(madeUp)).code, 'invalid_token');

    server.clock.advance(31 * 60_000);
    const late = await server.post('/api/password-reset/confirm', { token: second, password: NEW_PASSWORD });
    assert.equal((await errorOf(late)).code, 'invalid_token');
    await server.close();
  });

  it('holds the new password to the policy, history included, without spending the link', async () => {
    const { server } = await serverWithUser({ password: { history: 3 } });
    await server.post('/api/password-reset', { email: 'reset.me@example.com' });
    await server.services.passwordReset.idle();
    const { token } = linkIn((await smtp.nextMail()).body);

    const reused = await server.post('/api/password-reset/confirm', { token, password: STRONG_PASSWORD });
    assert.equal(reused.status, 400);
    const error = await errorOf(reused);
    assert.equal(error.code, 'invalid_password');
    assert.deepEqual(
      (error.rules as { id: string; ok: boolean }[]).filter((rule) => !rule.ok).map((rule) => rule.id),
      ['history'],
    );
    const weak = await server.post('/api/password-reset/confirm', { token, password: 'short' });
    assert.equal((await errorOf(weak)).code, 'invalid_password');

    assert.equal((await server.post('/api/password-reset/confirm', { token, password: NEW_PASSWORD })).status, 204, 'the link still works');
    assert.equal(await rowCount(server, 'password_history'), 1, 'the old hash joined the history');
    await server.close();
  });

  it('lets an account without a password choose one, and clears password_reset_required', async () => {
    const server = await startTestServer({ config: { mail: { smtpUrl: smtp.url } } });
    const admin = server.services.admin;
    const connection = server.services.connection.name;
    await admin.create({ connection, email: 'invited@example.com' });
    const blocked = await server.post('/api/login', { identifier: 'invited@example.com', password: 'anything' });
    assert.equal((await errorOf(blocked)).code, 'password_reset_required');

    await server.post('/api/password-reset', { email: 'invited@example.com' });
    await server.services.passwordReset.idle();
    const mail = await smtp.nextMail();
    assert.equal(mail.subject, 'Choose your password');
    const { view, token } = linkIn(mail.body);
    assert.equal(view, 'set-password');
    assert.equal((await server.post('/api/password-reset/confirm', { token, password: NEW_PASSWORD })).status, 204);
    assert.equal((await server.post('/api/login', { identifier: 'invited@example.com', password: NEW_PASSWORD })).status, 200);
    await server.close();
  });

  it('is off when configured so, and rate limited per address', async () => {
    const off = await startTestServer({ config: { passwordReset: { enabled: false } } });
    const refused = await off.post('/api/password-reset', { email: 'a@example.com' });
    assert.equal(refused.status, 403);
    assert.equal((await errorOf(refused)).code, 'password_reset_disabled');
    assert.deepEqual(((await (await off.request('/api/config')).json()) as { passwordReset: unknown }).passwordReset, { enabled: false });
    await off.close();

    const limited = await startTestServer({ config: { rateLimits: { passwordReset: { burst: 2, perMinute: 1 } } } });
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      statuses.push((await limited.post('/api/password-reset', { email: `x${attempt}@example.com` })).status);
    }
    assert.deepEqual(statuses, [202, 202, 429]);
    await limited.close();
  });
});

describe('the link in the mail', () => {
  it('never takes its host from the request: without PUBLIC_URL only localhost gets a link', async () => {
    const server = await startTestServer();
    await server.post('/api/signup', { email: 'victim@example.com', password: STRONG_PASSWORD });
    const poisoned = await server.request('http://evil.example/api/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ email: 'victim@example.com' }),
    });
    assert.equal(poisoned.status, 403);
    assert.match((await errorOf(poisoned)).message, /PUBLIC_URL/);
    await server.services.passwordReset.idle();
    assert.equal(await rowCount(server, 'outbox'), 0, 'no mail with a link to evil.example');

    const local = await server.post('/api/password-reset', { email: 'victim@example.com' });
    assert.equal(local.status, 202);
    await server.services.passwordReset.idle();
    const [mail] = await server.db.selectFrom('outbox').selectAll().execute();
    assert.match(mail?.text ?? '', /http:\/\/localhost\/login\?view=reset-confirm#token=/);
    await server.close();
  });
});

describe('mail without SMTP', () => {
  it('goes to the outbox and the log notes it without the link, and the demo can read it from this machine only', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ logger });
    assert.equal((await server.post('/api/signup', { email: 'outbox@example.com', password: STRONG_PASSWORD })).status, 201);
    await server.post('/api/password-reset', { email: 'outbox@example.com' });
    await server.services.passwordReset.idle();

    const mails = await server.db.selectFrom('outbox').selectAll().execute();
    assert.equal(mails.length, 1);
    const token = linkIn(mails[0]?.text ?? '').token;
    const logged = logger.lines.join('\n');
    assert.match(logged, /mail written to the outbox/);
    assert.match(logged, /o\*\*\*@example\.com/, 'the address is masked');
    assert.doesNotMatch(logged, new RegExp(token), 'no token in the log');

    const local = await server.request('/api/dev/outbox', { ip: '127.0.0.1' });
    assert.equal(local.status, 200);
    const { mails: shown } = (await local.json()) as { mails: { to: string; text: string }[] };
    assert.equal(shown[0]?.to, 'outbox@example.com');
    assert.equal((await server.request('/api/dev/outbox', { ip: '203.0.113.9' })).status, 404, 'not from elsewhere');
    await server.close();

    const production = await startTestServer({ config: { demo: false } });
    assert.equal((await production.request('/api/dev/outbox', { ip: '127.0.0.1' })).status, 404, 'not without the demo');
    await production.close();
  });
});
