import { expect, html, waitUntil } from '@open-wc/testing';

import { mount, part, startServer, statusText, STRONG_PASSWORD, submit, type } from './helpers.js';

const NEW_PASSWORD = 'Quiet-Harbour-Lantern-58';

interface OutboxMail {
  to: string;
  subject: string;
  text: string;
}

/** The reset token of the newest mail to `email` in the server's development outbox. */
async function tokenMailedTo(base: string, email: string): Promise<string> {
  let token = '';
  await waitUntil(
    async () => {
      const response = await fetch(`${base}/api/dev/outbox`);
      const { mails } = (await response.json()) as { mails: OutboxMail[] };
      const mail = mails.find((candidate) => candidate.to === email);
      token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
      return token !== '';
    },
    'no reset mail arrived',
    { timeout: 5000, interval: 50 },
  );
  return token;
}

async function logIn(base: string, identifier: string, password: string): Promise<number> {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  });
  await fetch(`${base}/api/logout`, { method: 'POST' });
  return response.status;
}

describe('password reset', () => {
  it('asks for a link, then sets the new password from it and says so on the login view', async () => {
    const base = await startServer({}, [{ email: 'forgetful@example.com', password: STRONG_PASSWORD }]);
    const request = await mount(html`<provision-lock server=${base} view="reset-request"></provision-lock>`);
    await type(request, 'email', 'forgetful@example.com');
    await submit(request);
    await waitUntil(() => statusText(request).startsWith('If an account exists'));
    expect(statusText(request)).to.equal('If an account exists for forgetful@example.com, a link to choose a new password is on its way.');

    const token = await tokenMailedTo(base, 'forgetful@example.com');
    const confirm = await mount(html`<provision-lock server=${base} view="reset-confirm" .resetToken=${token}></provision-lock>`);
    await type(confirm, 'password', NEW_PASSWORD);
    await submit(confirm);
    await waitUntil(() => confirm.view === 'login', 'the widget went back to login');
    await confirm.updateComplete;
    expect(statusText(confirm)).to.equal('Your new password is saved. Log in with it.');
    expect(await logIn(base, 'forgetful@example.com', NEW_PASSWORD)).to.equal(200);
    expect(await logIn(base, 'forgetful@example.com', STRONG_PASSWORD)).to.equal(401);
  });

  it('announces a spent link as an error', async () => {
    const base = await startServer({}, [{ email: 'twice@example.com', password: STRONG_PASSWORD }]);
    await fetch(`${base}/api/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'twice@example.com' }),
    });
    const token = await tokenMailedTo(base, 'twice@example.com');
    const spend = await fetch(`${base}/api/password-reset/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: NEW_PASSWORD }),
    });
    expect(spend.status).to.equal(204);

    const element = await mount(html`<provision-lock server=${base} view="reset-confirm" .resetToken=${token}></provision-lock>`);
    await type(element, 'password', 'Another-Fresh-Password-77');
    await submit(element);
    await waitUntil(() => statusText(element) !== '' && !statusText(element).startsWith('Saving'));
    expect(statusText(element)).to.equal('This link has expired or was already used. Ask for a new one.');
    expect(element.view).to.equal('reset-confirm');
  });

  it('hides the reset link and view when the server turns password reset off', async () => {
    const base = await startServer({ passwordReset: { enabled: false } });
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    const links = [...(element.shadowRoot?.querySelectorAll('[part~="link"]') ?? [])].map((link) => link.textContent?.trim());
    expect(links).not.to.include('Forgot your password?');
    const direct = await mount(html`<provision-lock server=${base} view="reset-request"></provision-lock>`);
    expect(direct.shadowRoot?.querySelector('#email')).to.equal(null);
    expect(part(direct, '#title').textContent).to.equal('Log in');
  });
});
