/**
 * The DOM events `<provision-lock>` fires. All bubble and cross shadow boundaries (composed), and
 * fire only on a user's action, never on load. `provision-lock-login` and `provision-lock-signup`
 * can be cancelled with `preventDefault()` to stop the widget from following `return-to`.
 */
import type { User } from '../shared/api.js';

export type View = 'login' | 'signup' | 'reset-request' | 'reset-confirm' | 'set-password' | 'signed-in';

export interface ProvisionLockEventDetails {
  'provision-lock-login': { user: User };
  'provision-lock-signup': { user: User };
  'provision-lock-logout': { user: User | null };
  'provision-lock-error': { code: string; message: string; view: View };
  'provision-lock-view-change': { view: View; previous: View };
}

export type ProvisionLockEventName = keyof ProvisionLockEventDetails;

export type ProvisionLockEvent<Name extends ProvisionLockEventName> = CustomEvent<ProvisionLockEventDetails[Name]>;

declare global {
  interface HTMLElementEventMap {
    'provision-lock-login': ProvisionLockEvent<'provision-lock-login'>;
    'provision-lock-signup': ProvisionLockEvent<'provision-lock-signup'>;
    'provision-lock-logout': ProvisionLockEvent<'provision-lock-logout'>;
    'provision-lock-error': ProvisionLockEvent<'provision-lock-error'>;
    'provision-lock-view-change': ProvisionLockEvent<'provision-lock-view-change'>;
  }
}

/** Dispatches a typed event from `target`; returns false when a listener cancelled it. */
export function emit<Name extends ProvisionLockEventName>(
  target: EventTarget,
  name: Name,
  detail: ProvisionLockEventDetails[Name],
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }));
}
