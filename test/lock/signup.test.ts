import { expect, html, waitUntil } from '@open-wc/testing';

import type { PublicConfig } from '../../src/shared/api.js';
import { resolvePasswordPolicy, resolveUsernamePolicy } from '../../src/shared/policy/index.js';
import {
  checklist,
  clear,
  input,
  mount,
  nextEvent,
  part,
  startServer,
  statusText,
  STRONG_PASSWORD,
  submit,
  type,
} from './helpers.js';

function configWith(password: Parameters<typeof resolvePasswordPolicy>[0], username = {}): PublicConfig {
  return {
    signup: { enabled: true },
    passwordReset: { enabled: true },
    username: resolveUsernamePolicy(username),
    password: resolvePasswordPolicy(password),
    social: [],
  };
}

describe('sign-up checklist', () => {
  it('shows every rule of the server policy before typing, then follows each keystroke', async () => {
    const base = await startServer({ password: { strength: 'excellent', minScore: 0, dictionary: false } });
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    expect(checklist(element)).to.deep.equal({
      min_length: 'unmet',
      max_length: 'met',
      character_classes: 'unmet',
      identical_characters: 'met',
      personal_info: 'pending',
    });
    await type(element, 'email', 'kim@example.com');
    await type(element, 'password', 'aaa');
    expect(checklist(element)).to.include({ min_length: 'unmet', identical_characters: 'unmet', personal_info: 'met' });
    await type(element, 'password', 'Bc1!xyz9');
    expect(checklist(element)).to.deep.equal({
      min_length: 'met',
      max_length: 'met',
      character_classes: 'met',
      identical_characters: 'unmet',
      personal_info: 'met',
    });
  });

  for (const [strength, password, expected] of [
    ['low', 'abcdef', { min_length: 'met', max_length: 'met' }],
    ['fair', 'Abcdefg!', { min_length: 'met', max_length: 'met', character_classes: 'unmet' }],
    ['good', 'Abcdefg!', { min_length: 'met', max_length: 'met', character_classes: 'met' }],
  ] as const) {
    it(`${strength}: lists the preset's rules and judges "${password}"`, async () => {
      const element = await mount(
        html`<provision-lock
          view="signup"
          .config=${configWith({ strength, minScore: 0, dictionary: false, noPersonalInfo: false })}
        ></provision-lock>`,
      );
      await type(element, 'password', password);
      expect(checklist(element)).to.deep.equal(expected);
    });
  }

  it('names the character classes of the rule, marking those present', async () => {
    const element = await mount(
      html`<provision-lock view="signup" .config=${configWith({ strength: 'good', minScore: 0 })}></provision-lock>`,
    );
    await type(element, 'password', 'ab1');
    const classes = part(element, '[data-rule="character_classes"] [part~="rule-classes"]');
    expect(classes.textContent).to.include('lower-case letters');
    expect([...classes.querySelectorAll('.present')].map((node) => node.textContent?.replace(' ✓', '').trim())).to.deep.equal([
      'lower-case letters (a–z)',
      'digits (0–9)',
    ]);
  });

  it('loads zxcvbn on focus and scores once typing pauses, with the meter', async () => {
    const element = await mount(
      html`<provision-lock view="signup" .config=${configWith({ strength: 'low', minScore: 3 })}></provision-lock>`,
    );
    expect(checklist(element)).to.include({ min_score: 'pending', dictionary: 'pending' });
    expect(part(element, '[part~="strength-label"]').textContent).to.include('Type a password');
    await type(element, 'password', 'password');
    await waitUntil(() => checklist(element).dictionary !== 'pending', 'the dictionaries never loaded', { timeout: 8000 });
    await waitUntil(() => checklist(element).min_score !== 'pending', 'no score', { timeout: 2000 });
    expect(checklist(element)).to.include({ min_score: 'unmet', dictionary: 'unmet' });
    expect(part(element, '[part~="strength-label"]').textContent).to.include('Very weak');

    input(element, 'password').select();
    await type(element, 'password', 'Zq8!mR2#vL9@wK');
    await waitUntil(() => checklist(element).min_score === 'met', 'the strong password was not scored', { timeout: 2000 });
    expect(checklist(element).dictionary).to.equal('met');
    expect(part(element, '[part~="strength-label"]').textContent).to.include('Very strong');
    expect(element.shadowRoot?.querySelectorAll('[part~="strength-bar-filled"]').length).to.equal(4);
  });

  it('keeps the last score on the meter, said to be updating, while the typed password waits for its own', async () => {
    const element = await mount(
      html`<provision-lock view="signup" .config=${configWith({ strength: 'low', minScore: 3 })}></provision-lock>`,
    );
    const meter = part(element, '[part~="strength-meter"]');
    const label = part(element, '[part~="strength-label"]');
    await type(element, 'password', 'password');
    await waitUntil(() => checklist(element).min_score !== 'pending', 'no score', { timeout: 8000 });
    expect(meter.dataset.score).to.equal('0');
    expect(meter.getAttribute('part')).not.to.include('strength-meter-stale');
    expect(label.textContent).not.to.include('updating');
    const rows = [...(element.shadowRoot?.querySelectorAll('#password-rules > li') ?? [])];
    const bars = [...meter.querySelectorAll('[part~="strength-bar"]')];
    expect([rows.length, bars.length]).to.deep.equal([5, 4]);

    // A new password (pasted: an input event, then checked before any timer can run, so the
    // estimate cannot have started): the meter keeps the last score until this one's arrives.
    const field = input(element, 'password');
    field.value = 'Zq8!mR2#vL9@wK';
    field.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
    await element.updateComplete;
    expect(meter.dataset.score).to.equal('0');
    expect(meter.getAttribute('part')).to.include('strength-meter-stale');
    expect(label.textContent).to.include('Very weak');
    expect(label.querySelector('.visually-hidden')?.textContent).to.equal(' (updating)');
    expect(checklist(element).min_score).to.equal('pending');
    // Nothing about the meter is announced: it is no live region, only the field's description.
    expect(meter.closest('[aria-live], [role="status"], [role="alert"]')).to.equal(null);
    expect(input(element, 'password').getAttribute('aria-describedby')).to.include('strength');
    await expect(element).to.be.accessible();

    await waitUntil(() => meter.dataset.score === '4', 'the new password was not scored', { timeout: 2000 });
    expect(meter.getAttribute('part')).not.to.include('strength-meter-stale');
    expect(label.textContent?.replace(/\s+/g, ' ')).to.equal('Password strength: Very strong');
    expect(checklist(element).min_score).to.equal('met');
    // Rows and bars were updated in place, not rebuilt.
    const same = (before: Element[], after: Iterable<Element>): boolean => [...after].every((node, index) => node === before[index]);
    expect(same(rows, element.shadowRoot?.querySelectorAll('#password-rules > li') ?? [])).to.equal(true);
    expect(same(bars, meter.querySelectorAll('[part~="strength-bar"]'))).to.equal(true);

    // An emptied field starts the meter over.
    await clear(element, 'password');
    expect(meter.dataset.score).to.equal('none');
    expect(label.textContent).to.include('Type a password');
    expect(meter.getAttribute('part')).not.to.include('strength-meter-stale');
  });

  it('applies the username policy as the user types', async () => {
    const element = await mount(
      html`<provision-lock
        view="signup"
        .config=${configWith({ minScore: 0 }, { required: true, minLength: 3, maxLength: 8 })}
      ></provision-lock>`,
    );
    expect(input(element, 'username').required).to.equal(true);
    await type(element, 'username', 'a b');
    expect(checklist(element, 'username-rules')).to.deep.equal({
      min_length: 'met',
      max_length: 'met',
      allowed_characters: 'unmet',
      not_email: 'met',
    });
  });
});

describe('sign-up against the server', () => {
  it('creates the account, fires provision-lock-signup with the user, and shows the signed-in view', async () => {
    const base = await startServer();
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await type(element, 'email', 'new.user@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    setTimeout(() => void submit(element));
    const event = await nextEvent(element, 'provision-lock-signup');
    expect(event.detail.user.email).to.equal('new.user@example.com');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => element.view === 'signed-in');
    await element.updateComplete;
    expect(statusText(element)).to.equal('Your account is ready.');
    expect(part(element, '[part~="intro"]').textContent).to.equal('Logged in as new.user@example.com.');
    const session = await fetch(`${base}/api/session`);
    expect(session.status).to.equal(200);
  });

  it('does not send a password that breaks a rule the browser can check', async () => {
    const base = await startServer();
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await type(element, 'email', 'weak@example.com');
    await type(element, 'password', 'short');
    await submit(element);
    expect(part(element, '#password-error').textContent).to.equal('The password does not meet every requirement yet.');
    expect(element.shadowRoot?.activeElement?.id).to.equal('password');
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'weak@example.com', password: 'short' }),
    });
    expect(login.status, 'no account was created').to.equal(401);
  });

  it('marks the exact rows the server rejected, even rules the browser could not know', async () => {
    // The page's copy of the policy lacks the server's custom dictionary entry.
    const base = await startServer({ password: { minScore: 0, dictionary: { custom: [STRONG_PASSWORD] } } });
    const element = await mount(
      html`<provision-lock
        server=${base}
        view="signup"
        .config=${configWith({ minScore: 0, dictionary: false })}
      ></provision-lock>`,
    );
    await type(element, 'email', 'drift@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    const failed = nextEvent(element, 'provision-lock-error');
    await submit(element);
    expect((await failed).detail).to.deep.equal({
      code: 'invalid_password',
      message: 'The password does not meet the password policy.',
      view: 'signup',
    });
    await element.updateComplete;
    expect(checklist(element)).to.include({ dictionary: 'unmet', min_length: 'met' });
    expect(part(element, '#password-error').textContent).to.equal('The password does not meet every requirement.');
    expect(statusText(element)).to.equal('The password does not meet every requirement.');
    expect(element.shadowRoot?.activeElement?.id).to.equal('password');

    await type(element, 'password', 'x');
    expect(checklist(element)).to.not.have.property('dictionary', 'unmet');
  });

  it('puts user_exists on the email field', async () => {
    const base = await startServer({}, [{ email: 'taken@example.com', password: STRONG_PASSWORD }]);
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await type(element, 'email', 'TAKEN@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    await submit(element);
    await waitUntil(() => element.shadowRoot?.querySelector('#email-error'));
    expect(part(element, '#email-error').textContent).to.equal('An account with this email already exists. Log in instead?');
    expect(element.shadowRoot?.activeElement?.id).to.equal('email');
  });

  it('puts a taken username on the username field', async () => {
    const base = await startServer({ username: { enabled: true } }, [
      { email: 'first@example.com', password: STRONG_PASSWORD, username: 'sameName' },
    ]);
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await type(element, 'email', 'second@example.com');
    await type(element, 'username', 'SameName');
    await type(element, 'password', STRONG_PASSWORD);
    await submit(element);
    await waitUntil(() => element.shadowRoot?.querySelector('#username-error'));
    expect(part(element, '#username-error').textContent).to.equal('This username is taken. Choose another one.');
  });

  it('sends people to log in when the server does not start a session after sign-up', async () => {
    const base = await startServer({ signup: { loginAfterSignup: false } });
    const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
    await type(element, 'email', 'later@example.com');
    await type(element, 'password', STRONG_PASSWORD);
    await submit(element);
    await waitUntil(() => element.view === 'login');
    await element.updateComplete;
    expect(statusText(element)).to.equal('Your account is ready. Log in to continue.');
    expect(input(element, 'identifier').value).to.equal('later@example.com');
  });

  it('says the same for a new and a taken email when the server does not reveal accounts', async () => {
    const base = await startServer({ signup: { revealExisting: false } }, [{ email: 'taken@example.com', password: STRONG_PASSWORD }]);
    const announced: string[] = [];
    for (const email of ['taken@example.com', 'fresh@example.com']) {
      const element = await mount(html`<provision-lock server=${base} view="signup"></provision-lock>`);
      await type(element, 'email', email);
      await type(element, 'password', STRONG_PASSWORD);
      await submit(element);
      await waitUntil(() => element.view === 'login');
      await element.updateComplete;
      expect(input(element, 'identifier').value).to.equal(email);
      expect(element.shadowRoot?.querySelector('#email-error')).to.equal(null);
      announced.push(statusText(element).replace(email, '{email}'));
    }
    expect(announced).to.deep.equal(['We sent a mail to {email}. It tells you how to log in.', 'We sent a mail to {email}. It tells you how to log in.']);
  });
});
