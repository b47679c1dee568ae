import { expect, html, waitUntil } from '@open-wc/testing';

import { mount, nextEvent, part, startServer, statusText, STRONG_PASSWORD } from './helpers.js';

/** Puts the markers the server adds after a social login into this page's address. */
function landWith(parameters: Record<string, string>): void {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  history.replaceState(history.state, '', url.href);
}

describe('back from a social login', () => {
  afterEach(() => {
    const url = new URL(location.href);
    url.searchParams.delete('provision_lock');
    url.searchParams.delete('provision_lock_error');
    history.replaceState(history.state, '', url.href);
  });

  it('shows a social error the server sent back, fires provision-lock-error, and tidies the address', async () => {
    landWith({ provision_lock_error: 'email_in_use' });
    const base = await startServer();
    const element = document.createElement('provision-lock');
    element.server = base;
    const failed = nextEvent(element, 'provision-lock-error');
    document.body.append(element);
    const { detail } = await failed;
    expect(detail).to.deep.equal({
      code: 'email_in_use',
      message: 'An account with this email already exists. Log in with your password first.',
      view: 'login',
    });
    await element.updateComplete;
    expect(statusText(element)).to.equal('An account with this email already exists. Log in with your password first.');
    expect(part(element, '[part~="status"]').getAttribute('part')).to.include('status-error');
    expect(new URL(location.href).searchParams.has('provision_lock_error')).to.equal(false);
    element.remove();
  });

  it('translates social errors and falls back for codes it does not know', async () => {
    landWith({ provision_lock_error: 'social_access_denied' });
    const element = await mount(html`<provision-lock server=${await startServer()} lang="de"></provision-lock>`);
    await waitUntil(() => statusText(element) === 'Die Anmeldung wurde abgebrochen.', 'no German message');
    element.remove();

    landWith({ provision_lock_error: 'something_new' });
    const other = await mount(html`<provision-lock server=${await startServer()}></provision-lock>`);
    expect(statusText(other)).to.equal('Something went wrong. Try again.');
  });

  it('fires provision-lock-login once the session of a social login is found', async () => {
    const base = await startServer({}, [{ email: 'social@example.com', password: STRONG_PASSWORD }]);
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'social@example.com', password: STRONG_PASSWORD }),
    });
    expect(login.status).to.equal(200);
    landWith({ provision_lock: 'login' });
    const element = document.createElement('provision-lock');
    element.server = base;
    const loggedIn = nextEvent(element, 'provision-lock-login');
    document.body.append(element);
    expect((await loggedIn).detail.user.email).to.equal('social@example.com');
    await waitUntil(() => element.view === 'signed-in');
    expect(new URL(location.href).searchParams.has('provision_lock')).to.equal(false);
    await fetch(`${base}/api/logout`, { method: 'POST' });
    element.remove();
  });
});
