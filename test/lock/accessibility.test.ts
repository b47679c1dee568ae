import { expect, html } from '@open-wc/testing';

import type { View } from '../../src/lock/events.js';
import { input, mount, part, startServer, STRONG_PASSWORD, submit } from './helpers.js';

describe('accessibility', () => {
  let base: string;
  before(async () => {
    base = await startServer({ username: { enabled: true } }, [{ email: 'axe@example.com', password: STRONG_PASSWORD }]);
  });

  const views: View[] = ['login', 'signup', 'reset-request', 'reset-confirm', 'set-password'];
  for (const view of views) {
    it(`${view} passes axe`, async () => {
      const element = await mount(html`<provision-lock server=${base} view=${view}></provision-lock>`);
      await expect(element).to.be.accessible();
    });
  }

  it('passes axe with errors showing and focus on the first invalid field', async () => {
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await submit(element);
    await element.updateComplete;
    expect(element.shadowRoot?.activeElement?.id).to.equal('email');
    expect(input(element, 'email').getAttribute('aria-invalid')).to.equal('true');
    expect(input(element, 'email').getAttribute('aria-describedby')).to.include('email-error');
    await expect(element).to.be.accessible();
  });

  it('passes axe in the signed-in view', async () => {
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    input(element, 'identifier').value = 'axe@example.com';
    input(element, 'identifier').dispatchEvent(new InputEvent('input'));
    input(element, 'password').value = STRONG_PASSWORD;
    input(element, 'password').dispatchEvent(new InputEvent('input'));
    element.addEventListener('provision-lock-login', (event) => event.preventDefault());
    await submit(element);
    await new Promise((resolve) => element.addEventListener('provision-lock-view-change', resolve, { once: true }));
    await element.updateComplete;
    expect(element.view).to.equal('signed-in');
    await expect(element).to.be.accessible();
  });

  it('passes axe right to left in Arabic', async () => {
    const element = await mount(html`<provision-lock server=${base} view="signup" lang="ar"></provision-lock>`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await element.updateComplete;
    expect(part(element, '[part~="container"]').getAttribute('dir')).to.equal('rtl');
    await expect(element).to.be.accessible();
  });
});

describe('password managers', () => {
  it('finds the login inputs inside one form, with the right autocomplete tokens', async () => {
    const base = await startServer();
    const element = await mount(html`<provision-lock server=${base}></provision-lock>`);
    const form = part<HTMLFormElement>(element, 'form');
    const identifier = input(element, 'identifier');
    const password = input(element, 'password');
    expect(identifier.form).to.equal(form);
    expect(password.form).to.equal(form);
    expect([...form.elements]).to.include.members([identifier, password]);
    expect(identifier.autocomplete).to.equal('username');
    expect(identifier.name).to.equal('username');
    expect(password.autocomplete).to.equal('current-password');
    expect(password.type).to.equal('password');
    expect(part(element, 'button[type="submit"]').closest('form')).to.equal(form);
  });

  it('marks the sign-up password as new, with passwordrules from the policy', async () => {
    const base = await startServer({ password: { strength: 'excellent', maxLength: 64 } });
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    const email = input(element, 'email');
    const password = input(element, 'password');
    expect(email.form).to.equal(password.form);
    expect(email.autocomplete).to.equal('username');
    expect(email.type).to.equal('email');
    expect(password.autocomplete).to.equal('new-password');
    expect(password.getAttribute('passwordrules')).to.equal(
      'minlength: 10; maxlength: 64; required: lower; required: upper; required: digit; allowed: special; max-consecutive: 2;',
    );
  });

  it('gives the email the email token when usernames are the login name', async () => {
    const base = await startServer({ username: { required: true } });
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    expect(input(element, 'email').autocomplete).to.equal('email');
    expect(input(element, 'username').autocomplete).to.equal('username');
  });
});
