/**
 * Helpers for widget tests: a real server per test (see api-harness.ts), mounting the element and
 * waiting for it to load, typing with real key presses, and reading what the user sees.
 */
import { fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';

import type { ProvisionLockEvent, ProvisionLockEventName } from '../../src/lock/events.js';
import type { ProvisionLock } from '../../src/lock/provision-lock.js';
import '../../src/lock/provision-lock.js';

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';

export interface SeedUser {
  email: string;
  password: string;
  username?: string;
  blocked?: boolean;
  passwordResetRequired?: boolean;
}

/** Starts a real server with this configuration file content and these users; returns its base URL. */
export async function startServer(config: object = {}, users: SeedUser[] = []): Promise<string> {
  const response = await fetch('/__harness/servers', {
    method: 'POST',
    body: JSON.stringify({ config: { rateLimits: { enabled: false }, ...config }, users }),
  });
  if (!response.ok) throw new Error(`harness refused the server: ${await response.text()}`);
  return ((await response.json()) as { base: string }).base;
}

/** Mounts the widget and waits until it has loaded its configuration. */
export async function mount(template: TemplateResult): Promise<ProvisionLock> {
  const element = await fixture<ProvisionLock>(template);
  await waitUntil(() => element.shadowRoot?.querySelector('form, [part~="button"]'), 'the widget did not load', {
    timeout: 5000,
  });
  return element;
}

export function part<T extends Element = HTMLElement>(element: ProvisionLock, selector: string): T {
  const found = element.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

export function input(element: ProvisionLock, id: string): HTMLInputElement {
  return part<HTMLInputElement>(element, `#${id}`);
}

/** Focuses the field and types into it with real key presses. */
export async function type(element: ProvisionLock, id: string, text: string): Promise<void> {
  input(element, id).focus();
  await sendKeys({ type: text });
  await element.updateComplete;
}

export async function clear(element: ProvisionLock, id: string): Promise<void> {
  const field = input(element, id);
  field.focus();
  field.select();
  await sendKeys({ press: 'Backspace' });
  await element.updateComplete;
}

/** Each checklist row of a list as `text → state`, state being met, unmet or pending. */
export function checklist(element: ProvisionLock, id = 'password-rules'): Record<string, string> {
  const rows = element.shadowRoot?.querySelectorAll<HTMLElement>(`#${id} > li`) ?? [];
  return Object.fromEntries(
    [...rows].map((row) => {
      const state = ['met', 'unmet', 'pending'].find((name) => row.getAttribute('part')?.includes(`rule-${name}`));
      return [row.dataset.rule ?? '', state ?? '?'];
    }),
  );
}

export function statusText(element: ProvisionLock): string {
  return part(element, '[role="status"]').textContent?.trim() ?? '';
}

export async function submit(element: ProvisionLock): Promise<void> {
  part<HTMLButtonElement>(element, 'button[type="submit"]').click();
  await element.updateComplete;
}

/** Logs nothing in: signs up through the API of `base` from this page. */
export async function apiSignup(base: string, email: string, password = STRONG_PASSWORD): Promise<void> {
  const response = await fetch(`${base}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status}`);
}

/** The next event of this name from the widget, typed. */
export async function nextEvent<Name extends ProvisionLockEventName>(
  element: ProvisionLock,
  name: Name,
): Promise<ProvisionLockEvent<Name>> {
  return oneEvent<ProvisionLockEvent<Name>>(element, name);
}
