/**
 * The npm entry of provision-lock: the contract types and the policy engine that the widget and
 * the server share.
 */
export * from './shared/api.js';
export * from './shared/errors.js';
export * from './shared/policy/index.js';
