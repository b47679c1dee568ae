/**
 * The npm entry of provision-lock: registers `<provision-lock>` and exports its class, its event
 * types, and the contract types and policy engine the widget shares with the server.
 */
export { ProvisionLock } from './lock/provision-lock.js';
export type { ProvisionLockEvent, ProvisionLockEventDetails, ProvisionLockEventName, View } from './lock/events.js';
export type { TranslationKey, TranslationOverrides, Translations } from './lock/i18n/index.js';
export * from './shared/api.js';
export * from './shared/errors.js';
export * from './shared/policy/index.js';
