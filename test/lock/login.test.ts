import { expect, html, waitUntil } from '@open-wc/testing';

import { input, mount, nextEvent, part, startServer, statusText, STRONG_PASSWORD, submit, type } from './helpers.js';

describe('login', () => {
  let base: string;
  before(async () => {
    base = await startServer({ username: { enabled: true } }, [
      { email: 'ada@example.com', password: STRONG_PASSWORD, username: 'ada' },
      { email: 'blocked@example.com', password: STRONG_PASSWORD, blocked: true },
      { email: 'imported@example.com', password: STRONG_PASSWORD, passwordResetRequired: true },
    ]);
  });

  afterEach(async () => {
    await fetch(`${base}/api/logout`, { method: 'POST' });
  });

  it('logs in by email, fires provision-lock-login with the user, then shows who is logged in', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'ada@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    setTimeout(() => void submit(element));
    const event = await nextEvent(element, 'provision-lock-login');
    expect(event.detail.user).to.include({ email: 'ada@example.com', username: 'ada' });
    expect(event.cancelable).to.equal(true);
    await waitUntil(() => element.view === 'signed-in');
    await element.updateComplete;
    expect(part(element, '[part~="intro"]').textContent).to.equal('Logged in as ada@example.com.');
    expect(part(element, '#title').textContent).to.equal('You are logged in');
    expect(element.shadowRoot?.activeElement?.id).to.equal('title');
    expect((await fetch(`${base}/api/session`)).status).to.equal(200);
  });

  it('logs in by username and out again, firing provision-lock-logout', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'ADA');
    await type(element, 'password', STRONG_PASSWORD);
    await submit(element);
    await waitUntil(() => element.view === 'signed-in');
    await element.updateComplete;
    const logout = nextEvent(element, 'provision-lock-logout');
    part<HTMLButtonElement>(element, 'button[part~="button"]').click();
    expect((await logout).detail.user?.email).to.equal('ada@example.com');
    await waitUntil(() => element.view === 'login');
    await element.updateComplete;
    expect(statusText(element)).to.equal('You are logged out.');
    expect((await fetch(`${base}/api/session`)).status).to.equal(401);
  });

  it('opens in the signed-in view when a session exists', async () => {
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'ada@example.com', password: STRONG_PASSWORD }),
    });
    expect(login.status).to.equal(200);
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await waitUntil(() => element.view === 'signed-in');
    await element.updateComplete;
    expect(part(element, '[part~="intro"]').textContent).to.include('ada@example.com');
  });

  it('shows invalid_credentials on the password, selects it for retyping, and fires provision-lock-error', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'ada@example.com');
    await type(element, 'password', 'wrong password');
    const failed = nextEvent(element, 'provision-lock-error');
    await submit(element);
    expect((await failed).detail.code).to.equal('invalid_credentials');
    await element.updateComplete;
    expect(part(element, '#password-error').textContent).to.equal('Wrong email, username or password.');
    expect(statusText(element)).to.equal('Wrong email, username or password.');
    const password = input(element, 'password');
    expect(element.shadowRoot?.activeElement).to.equal(password);
    expect(password.getAttribute('aria-invalid')).to.equal('true');
    expect(password.selectionEnd! - password.selectionStart!).to.equal('wrong password'.length);
  });

  it('tells a blocked user, only after the right password', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'blocked@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    await submit(element);
    await waitUntil(() => statusText(element).includes('blocked'));
    expect(statusText(element)).to.equal('This account is blocked. Contact support for help.');
  });

  it('moves an account that must reset its password to the reset view, email filled in', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'imported@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    const changed = nextEvent(element, 'provision-lock-view-change');
    await submit(element);
    expect((await changed).detail).to.deep.equal({ view: 'reset-request', previous: 'login' });
    await element.updateComplete;
    expect(input(element, 'email').value).to.equal('imported@example.com');
    expect(statusText(element)).to.equal('You need to choose a new password. We can email you a link.');
  });

  it('asks for the missing fields before sending anything', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await submit(element);
    await element.updateComplete;
    expect(part(element, '#identifier-error').textContent).to.equal('Enter your email or username.');
    expect(part(element, 'label[for="identifier"]').textContent?.trim()).to.equal('Email or username');
    expect(part(element, '#password-error').textContent).to.equal('Enter your password.');
    expect(statusText(element)).to.equal('Check the highlighted fields.');
    expect(element.shadowRoot?.activeElement?.id).to.equal('identifier');
  });

  it('shows too_many_attempts with the minutes to wait', async () => {
    const guarded = await startServer({ bruteForce: { maxAttempts: 1, blockMinutes: 5 } });
    const element = await mount(html`<provision-lock server=${guarded}></provision-lock>`);
    await type(element, 'identifier', 'someone@example.com');
    await type(element, 'password', 'nope');
    await submit(element);
    await waitUntil(() => statusText(element).startsWith('Wrong'));
    await submit(element);
    await waitUntil(() => statusText(element).startsWith('Too many'));
    expect(statusText(element)).to.equal('Too many failed attempts. Try again in 5 minutes or reset your password.');
  });

  it('reports an unreachable server as a network error', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    element.server = 'http://127.0.0.1:9';
    await waitUntil(() => element.shadowRoot?.querySelector('[part~="error"]'), 'no failure shown', { timeout: 5000 });
    expect(part(element, '[part~="error"]').textContent).to.include('The login server cannot be reached.');
    const retry = part<HTMLButtonElement>(element, 'button[part~="button"]');
    expect(retry.textContent?.trim()).to.equal('Try again');
    element.server = base;
    await waitUntil(() => element.shadowRoot?.querySelector('form'), 'no form after the server came back');
  });
});
