import { expect, html, waitUntil } from '@open-wc/testing';

import type { PublicConfig } from '../../src/shared/api.js';
import { resolvePasswordPolicy, resolveUsernamePolicy } from '../../src/shared/policy/index.js';
import { checklist, mount, part, startServer, statusText, submit, type } from './helpers.js';

const config: PublicConfig = {
  signup: { enabled: true },
  passwordReset: { enabled: true },
  username: resolveUsernamePolicy(),
  password: resolvePasswordPolicy({ minScore: 0, history: 3 }),
  social: [],
};

async function titleOf(element: HTMLElement & { updateComplete: Promise<boolean> }, expected: string): Promise<void> {
  await waitUntil(() => element.shadowRoot?.querySelector('#title')?.textContent === expected, `title never became ${expected}`);
}

describe('translations', () => {
  it('speaks English by default', async () => {
    const element = await mount(html`<provision-lock .config=${config} lang="en"></provision-lock>`);
    expect(part(element, '#title').textContent).to.equal('Log in');
  });

  it('loads German on demand, ARIA labels included', async () => {
    const element = await mount(html`<provision-lock .config=${config} lang="de" view="signup"></provision-lock>`);
    await titleOf(element, 'Konto erstellen');
    const labels = [
      part(element, '[role="tablist"]').getAttribute('aria-label'),
      part(element, '[part~="password-toggle"]').getAttribute('aria-label'),
      part(element, '#password-rules').getAttribute('aria-label'),
    ];
    for (const label of labels) expect(label).to.be.a('string').and.not.match(/password|log in|sign up/i);
    expect(part(element, '[data-rule="history"]').textContent).to.include('3');
  });

  for (const [lang, direction] of [
    ['fr', 'ltr'],
    ['es', 'ltr'],
    ['pt-BR', 'ltr'],
    ['ja', 'ltr'],
    ['ar', 'rtl'],
  ] as const) {
    it(`loads ${lang} (${direction})`, async () => {
      const element = await mount(html`<provision-lock .config=${config} lang=${lang}></provision-lock>`);
      await waitUntil(() => part(element, '#title').textContent !== 'Log in', `${lang} never loaded`);
      expect(part(element, '[part~="container"]').getAttribute('dir')).to.equal(direction);
      expect(part(element, '[part~="container"]').getAttribute('lang')).to.equal(lang);
    });
  }

  it('follows the page language when the element has none, and a region falls back to its language', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'de-AT';
    document.body.append(wrapper);
    const element = document.createElement('provision-lock');
    element.config = config;
    wrapper.append(element);
    await titleOf(element, 'Anmelden');
    wrapper.remove();
  });

  it('falls back to English for a language it does not have', async () => {
    const element = await mount(html`<provision-lock .config=${config} lang="tlh"></provision-lock>`);
    expect(part(element, '#title').textContent).to.equal('Log in');
  });

  it('switches language when the lang attribute changes', async () => {
    const element = await mount(html`<provision-lock .config=${config} lang="en"></provision-lock>`);
    element.setAttribute('lang', 'fr');
    await titleOf(element, 'Connexion');
  });

  it('lets the page override any string', async () => {
    const element = await mount(
      html`<provision-lock
        .config=${config}
        .translations=${{ loginTitle: 'Welcome back', rule_min_length: 'Use {count}+ characters' }}
        view="signup"
      ></provision-lock>`,
    );
    element.view = 'login';
    await element.updateComplete;
    expect(part(element, '#title').textContent).to.equal('Welcome back');
    element.view = 'signup';
    await element.updateComplete;
    expect(part(element, '[data-rule="min_length"]').textContent).to.include('Use 8+ characters');
  });

  it('translates server errors by their code', async () => {
    const base = await startServer();
    const element = await mount(html`<provision-lock server=${base} lang="es"></provision-lock>`);
    await waitUntil(() => part(element, '#title').textContent !== 'Log in');
    await type(element, 'identifier', 'nadie@example.com');
    await type(element, 'password', 'equivocada');
    await submit(element);
    await waitUntil(() => statusText(element) !== '' && !statusText(element).endsWith('…'));
    expect(statusText(element)).to.not.equal('Wrong email, username or password.');
    expect(part(element, '#password-error').textContent).to.equal(statusText(element));
  });

  it('re-words an error already on screen when the language changes', async () => {
    const element = await mount(html`<provision-lock .config=${config} lang="en"></provision-lock>`);
    await submit(element);
    await element.updateComplete;
    expect(statusText(element)).to.equal('Check the highlighted fields.');
    element.setAttribute('lang', 'de');
    await waitUntil(() => statusText(element) !== 'Check the highlighted fields.', 'the status stayed English');
    expect(part(element, '#identifier-error').textContent).to.not.equal('Enter your email address.');
  });

  it('uses plural forms by count', async () => {
    const one = await mount(
      html`<provision-lock
        view="signup"
        .config=${{ ...config, password: resolvePasswordPolicy({ strength: 'none', minScore: 0, history: 1 }) }}
      ></provision-lock>`,
    );
    expect(part(one, '[data-rule="min_length"]').textContent).to.include('At least 1 character:');
    expect(part(one, '[data-rule="history"]').textContent).to.include('Not your previous password');
    expect(checklist(one).history).to.equal('pending');
  });
});
