/**
 * The demo page: loads the widget exactly as any page would (the built script from /assets/),
 * then wires the theme switcher, the language picker and the live event log.
 */
import type { ProvisionLockEventName } from '../src/lock/events.js';

const WIDGET_URL = '/assets/provision-lock.js';
const EVENTS: readonly ProvisionLockEventName[] = [
  'provision-lock-login',
  'provision-lock-signup',
  'provision-lock-logout',
  'provision-lock-error',
  'provision-lock-view-change',
];

function required<T extends Element>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`The demo page lacks ${selector}`);
  return element;
}

const lock = required<HTMLElement>('#lock');
const controls = required<HTMLFormElement>('#controls');
const language = required<HTMLSelectElement>('#lang');
const log = required<HTMLOListElement>('#event-log');

controls.addEventListener('change', () => {
  const theme = new FormData(controls).get('theme');
  lock.className = typeof theme === 'string' ? theme : '';
  if (language.value) lock.setAttribute('lang', language.value);
  else lock.removeAttribute('lang');
});

for (const name of EVENTS) {
  document.addEventListener(name, (event) => {
    const entry = document.createElement('li');
    const title = document.createElement('strong');
    title.textContent = `${new Date().toLocaleTimeString()} ${name}`;
    const detail = document.createElement('pre');
    detail.textContent = JSON.stringify((event as CustomEvent<unknown>).detail, null, 2);
    entry.append(title, detail);
    log.prepend(entry);
  });
}

required<HTMLButtonElement>('#clear-log').addEventListener('click', () => log.replaceChildren());

// The URL is a variable so the bundler leaves it alone: the demo uses the published build.
await import(/* @vite-ignore */ WIDGET_URL);
