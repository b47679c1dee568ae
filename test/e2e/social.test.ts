/**
 * Social login as a person does it: the demo page's button, the provider's own login and consent
 * pages (a real OpenID Provider on this machine), and back on the demo page, logged in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Browser } from 'playwright-core';

import { startOpenIdProvider, type TestOpenIdProvider } from '../server/identity-providers.js';
import { freePort, launchChromium, startE2eServer, watchCspViolations } from './browser.js';

describe('social login in Chromium', () => {
  let provider: TestOpenIdProvider;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    provider = await startOpenIdProvider({
      clientId: 'e2e-client',
      clientSecret: 'e2e-client-secret',
      redirectUris: [`http://localhost:${port}/api/social/corp/callback`],
    });
    provider.accounts.set('grace', { sub: 'grace-1906', email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' });
    server = await startE2eServer({
      port,
      config: {
        social: [
          { provider: 'oidc', id: 'corp', name: 'Corp SSO', clientId: 'e2e-client', clientSecret: 'e2e-client-secret', issuer: provider.issuer },
        ],
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await server.cleanUp();
    await provider.close();
  });

  it('clicks the social button on the demo page, signs in at the provider and comes back logged in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = await watchCspViolations(page);
    await page.goto(`${server.url}/`);

    await page.getByRole('link', { name: 'Continue with Corp SSO' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill('grace-1906');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${server.url}/`);
    await page.getByText('Logged in as grace@example.com.').waitFor();
    await page.locator('#event-log').getByText('provision-lock-login').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the widget tidied the address');

    const session = await context.request.get(`${server.url}/api/session`);
    const { user } = (await session.json()) as { user: { user_id: string; identities: unknown } };
    assert.equal(user.user_id, 'corp|grace-1906');
    assert.deepEqual(user.identities, [{ provider: 'corp', user_id: 'grace-1906' }]);
    assert.deepEqual(await violations(), [], 'no Content-Security-Policy violation on our pages');
    await context.close();
  });
});
