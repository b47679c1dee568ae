import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import type { PublicConfig } from '../../src/shared/api.js';
import { resolvePasswordPolicy, resolveUsernamePolicy } from '../../src/shared/policy/index.js';
import { input, mount, nextEvent, part, startServer, statusText, submit, type } from './helpers.js';

const config: PublicConfig = {
  signup: { enabled: true },
  passwordReset: { enabled: true },
  username: resolveUsernamePolicy(),
  password: resolvePasswordPolicy({ minScore: 0 }),
  social: [
    { id: 'google', name: 'Google', type: 'google' },
    { id: 'github', name: 'GitHub', type: 'github' },
    { id: 'corp-sso', name: 'Corp SSO', type: 'oidc' },
  ],
};

describe('views and navigation', () => {
  it('switches between log in and sign up with the tabs, by keyboard, firing provision-lock-view-change', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    const loginTab = part(element, '#tab-login');
    expect(loginTab.getAttribute('aria-selected')).to.equal('true');
    loginTab.focus();
    setTimeout(() => void sendKeys({ press: 'ArrowRight' }));
    const event = await nextEvent(element, 'provision-lock-view-change');
    expect(event.detail).to.deep.equal({ view: 'signup', previous: 'login' });
    await element.updateComplete;
    expect(element.view).to.equal('signup');
    expect(part(element, '#tab-signup').getAttribute('aria-selected')).to.equal('true');
    expect(element.shadowRoot?.activeElement?.id).to.equal('tab-signup');
    expect(part(element, '[role="tabpanel"]').getAttribute('aria-labelledby')).to.equal('tab-signup');
    await sendKeys({ press: 'Home' });
    await element.updateComplete;
    expect(element.view).to.equal('login');
  });

  it('fires no event for a view set by the page', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    let fired = 0;
    element.addEventListener('provision-lock-view-change', () => (fired += 1));
    element.view = 'signup';
    await element.updateComplete;
    expect(input(element, 'email')).to.exist;
    expect(fired).to.equal(0);
  });

  it('goes to the reset request with the email carried over, and back', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    await type(element, 'identifier', 'sam@example.com');
    part<HTMLButtonElement>(element, '[part~="link"]').click();
    await element.updateComplete;
    expect(element.view).to.equal('reset-request');
    expect(input(element, 'email').value).to.equal('sam@example.com');
    await element.updateComplete;
    expect(element.shadowRoot?.activeElement?.id).to.equal('email');
    part<HTMLButtonElement>(element, '[part~="link"]').click();
    await element.updateComplete;
    expect(element.view).to.equal('login');
  });

  it('honours no-signup, no-reset and no-social', async () => {
    const element = await mount(
      html`<provision-lock .config=${config} no-signup no-reset no-social view="signup"></provision-lock>`,
    );
    expect(element.shadowRoot?.querySelector('[role="tablist"]')).to.equal(null);
    expect(element.shadowRoot?.querySelector('[part~="link"]')).to.equal(null);
    expect(element.shadowRoot?.querySelector('[part~="social-buttons"]')).to.equal(null);
    expect(input(element, 'identifier'), 'sign-up falls back to log in').to.exist;
  });

  it('hides sign-up when the server has it turned off', async () => {
    const base = await startServer({ signup: { enabled: false } });
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    expect(element.shadowRoot?.querySelector('[role="tablist"]')).to.equal(null);
    expect(input(element, 'identifier')).to.exist;
  });

  it('renders a social button per provider, pointing at the server with the return address', async () => {
    const element = await mount(
      html`<provision-lock .config=${config} server="https://login.example.com" return-to="/after"></provision-lock>`,
    );
    const buttons = [...(element.shadowRoot?.querySelectorAll<HTMLAnchorElement>('[part~="social-button"]') ?? [])];
    expect(buttons.map((button) => button.textContent?.trim())).to.deep.equal([
      'Continue with Google',
      'Continue with GitHub',
      'Continue with Corp SSO',
    ]);
    const start = new URL(buttons[0]?.href ?? '');
    expect(`${start.origin}${start.pathname}`).to.equal('https://login.example.com/api/social/google');
    expect(start.searchParams.get('return_to')).to.equal('/after');
    expect(start.searchParams.get('error_to'), 'failures come back to this page').to.equal(location.href);
    expect(buttons[2]?.getAttribute('part')).to.include('social-button-corp-sso');
    expect(buttons.every((button) => button.querySelector('svg[aria-hidden="true"]'))).to.equal(true);
  });

  it('shows and hides the password with a pressed toggle', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    const toggle = part<HTMLButtonElement>(element, '[part~="password-toggle"]');
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    expect(toggle.getAttribute('aria-label')).to.equal('Show password');
    toggle.click();
    await element.updateComplete;
    expect(input(element, 'password').type).to.equal('text');
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    toggle.click();
    await element.updateComplete;
    expect(input(element, 'password').type).to.equal('password');
  });

  it('warns about Caps Lock and describes the password with the warning', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    const password = input(element, 'password');
    password.dispatchEvent(new KeyboardEvent('keydown', { key: 'A', modifierCapsLock: true }));
    await element.updateComplete;
    expect(part(element, '#caps-lock').textContent).to.equal('Caps Lock is on.');
    expect(password.getAttribute('aria-describedby')).to.include('caps-lock');
    password.dispatchEvent(new KeyboardEvent('keyup', { key: 'a', modifierCapsLock: false }));
    await element.updateComplete;
    expect(element.shadowRoot?.querySelector('#caps-lock')).to.equal(null);
  });

  it('asks for the email, not a username, when usernames are off', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    await submit(element);
    await element.updateComplete;
    expect(part(element, 'label[for="identifier"]').textContent?.trim()).to.equal('Email');
    expect(input(element, 'identifier').type).to.equal('email');
    expect(part(element, '#identifier-error').textContent).to.equal('Enter your email address.');
  });

  it('fills prefill-email into the email fields', async () => {
    const element = await mount(html`<provision-lock .config=${config} prefill-email="pre@example.com"></provision-lock>`);
    expect(input(element, 'identifier').value).to.equal('pre@example.com');
  });

  it('reset-confirm reads the token from the fragment and explains a missing one', async () => {
    const element = await mount(html`<provision-lock .config=${config} view="reset-confirm"></provision-lock>`);
    await type(element, 'password', 'Fresh-Password-2026');
    await submit(element);
    await element.updateComplete;
    expect(part(element, '#password-error').textContent).to.equal('This link is incomplete. Ask for a new one.');
    expect(input(element, 'password').autocomplete).to.equal('new-password');
    expect(part(element, '#title').textContent).to.equal('Choose a new password');
  });

  it('set-password explains why a new password is needed', async () => {
    const element = await mount(html`<provision-lock .config=${config} view="set-password"></provision-lock>`);
    expect(part(element, '[part~="intro"]').textContent).to.equal('Your account needs a new password before you can log in.');
    expect(part(element, 'label[for="password"]').textContent?.trim()).to.equal('New password');
  });

  it('is usable by keyboard alone: tab order reaches every control of the login view', async () => {
    const element = await mount(html`<provision-lock .config=${config}></provision-lock>`);
    part(element, '#tab-login').focus();
    const visited: string[] = [];
    for (let step = 0; step < 8; step += 1) {
      await sendKeys({ press: 'Tab' });
      const active = element.shadowRoot?.activeElement;
      visited.push(active?.id || active?.getAttribute('part') || active?.tagName || '');
    }
    expect(visited).to.deep.equal([
      'social-button social-button-google',
      'social-button social-button-github',
      'social-button social-button-corp-sso',
      'identifier',
      'password',
      'password-toggle',
      'submit',
      'link',
    ]);
  });

  it('submits with Enter from the password field', async () => {
    const base = await startServer();
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    await type(element, 'identifier', 'nobody@example.com');
    await type(element, 'password', 'whatever');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => statusText(element).startsWith('Wrong'), 'Enter did not submit');
  });
});
