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

interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  created_at: string;
}

const outboxPanel = required<HTMLElement>('#outbox-panel');
const outbox = required<HTMLOListElement>('#outbox');
let shownMails = '';

/** Mail text with its links made clickable: only links to this server, built as DOM nodes. */
function mailBody(text: string): HTMLElement {
  const body = document.createElement('p');
  for (const part of text.split(/(https?:\/\/\S+)/)) {
    const url = /^https?:\/\//.test(part) ? new URL(part) : undefined;
    if (url && url.origin === location.origin) {
      const link = document.createElement('a');
      link.href = url.href;
      link.textContent = url.pathname + url.search + url.hash;
      body.append(link);
    } else {
      body.append(part);
    }
  }
  return body;
}

async function refreshOutbox(): Promise<void> {
  const response = await fetch('/api/dev/outbox');
  if (!response.ok) return;
  const { mails } = (await response.json()) as { mails: OutboxMail[] };
  outboxPanel.hidden = false;
  const signature = JSON.stringify(mails.map((mail) => mail.created_at + mail.to));
  if (signature === shownMails) return;
  shownMails = signature;
  outbox.replaceChildren(
    ...mails.map((mail) => {
      const entry = document.createElement('li');
      const title = document.createElement('strong');
      title.textContent = `${new Date(mail.created_at).toLocaleTimeString()}: ${mail.subject} (to ${mail.to})`;
      entry.append(title, mailBody(mail.text));
      return entry;
    }),
  );
}

void refreshOutbox();
setInterval(() => {
  if (document.visibilityState === 'visible') void refreshOutbox();
}, 3000);

// The URL is a variable so the bundler leaves it alone: the demo uses the published build.
await import(/* @vite-ignore */ WIDGET_URL);
