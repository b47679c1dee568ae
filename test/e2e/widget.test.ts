/**
 * The whole product as a new user meets it: the demo page served by `npm start`'s server, the
 * widget from its script tag, the hosted login page, all under the strict Content-Security-Policy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { launchChromium, startE2eServer, watchCspViolations } from './browser.js';

const PASSWORD = 'Lantern-Orchard-73!';

describe('demo page and hosted login page in Chromium', () => {
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let browser: Browser;

  before(async () => {
    server = await startE2eServer();
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await server.cleanUp();
  });

  async function allRulesMet(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const lock = document.querySelector('provision-lock');
      const rules = [...(lock?.shadowRoot?.querySelectorAll('#password-rules > li') ?? [])];
      return rules.length > 0 && rules.every((rule) => rule.getAttribute('part')?.includes('rule-met'));
    });
  }

  it('signs up on the demo page, logs out, logs in on /login and returns with a session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = await watchCspViolations(page);

    const demo = await page.goto(`${server.url}/`);
    assert.equal(demo?.status(), 200);
    assert.match(demo?.headers()['content-security-policy'] ?? '', /default-src 'self'/);

    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.getByLabel('Email').fill('e2e.user@example.com');
    const password = page.getByLabel('Password', { exact: true });
    await password.click();
    await page.keyboard.type(PASSWORD);
    await allRulesMet(page);

    await page.locator('provision-lock button[type="submit"]').click();
    await page.getByRole('status').getByText('Your account is ready.').waitFor();
    await page.getByText('Logged in as e2e.user@example.com.').waitFor();
    await page.locator('#event-log').getByText('provision-lock-signup').waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are logged out.').waitFor();
    assert.equal((await context.request.get(`${server.url}/api/session`)).status(), 401);

    const hosted = await page.goto(`${server.url}/login?return_to=/`);
    assert.match(hosted?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
    await page.getByLabel('Email').fill('e2e.user@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await Promise.all([
      page.waitForURL(`${server.url}/`),
      page.locator('provision-lock button[type="submit"]').click(),
    ]);

    const session = await context.request.get(`${server.url}/api/session`);
    assert.equal(session.status(), 200);
    assert.equal(((await session.json()) as { user: { email: string } }).user.email, 'e2e.user@example.com');
    await page.getByText('Logged in as e2e.user@example.com.').waitFor();

    assert.deepEqual(await violations(), [], 'no Content-Security-Policy violation');
    await context.close();
  });

  it('never sends the hosted page anywhere but this server or an allowed origin', async () => {
    const page = await browser.newPage();
    for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      await page.goto(`${server.url}/login?return_to=${encodeURIComponent(target)}`);
      assert.equal(await page.locator('provision-lock').getAttribute('return-to'), '/', target);
    }
    await page.goto(`${server.url}/login?return_to=${encodeURIComponent('/account?tab=1')}`);
    assert.equal(await page.locator('provision-lock').getAttribute('return-to'), '/account?tab=1');
    await page.close();
  });

  it('shows the hosted page in the visitor language, right to left for Arabic', async () => {
    const context = await browser.newContext({ locale: 'ar' });
    const page = await context.newPage();
    const violations = await watchCspViolations(page);
    await page.goto(`${server.url}/login`);
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    await page.waitForFunction(
      () => document.querySelector('provision-lock')?.shadowRoot?.querySelector('[part~="container"]')?.getAttribute('dir') === 'rtl',
    );
    assert.deepEqual(await violations(), []);
    await context.close();
  });
});
