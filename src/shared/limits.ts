/**
 * Limits and patterns of the contract that need no zod: the widget imports this file directly,
 * so that checking an email or a length does not pull the schemas (and zod) into its bundle.
 */

/** The configurable minimum length of a password ranges over 1..128 (design §4). */
export const PASSWORD_MIN_LENGTH_LIMIT = 128;
/** No policy may allow passwords longer than this; `maxLength` defaults to 128. */
export const PASSWORD_MAX_LENGTH_LIMIT = 1024;
/**
 * Request bodies refuse password fields longer than this many UTF-16 units before any rule or hash
 * runs: far above every policy limit, so a long password still meets the `max_length` rule and
 * gets its checklist answer, yet bounded so nobody can make the server hash megabytes.
 */
export const PASSWORD_FIELD_LIMIT = 4096;
export const USERNAME_LENGTH_LIMIT = 128;
export const EMAIL_LENGTH_LIMIT = 254;
export const NAME_LENGTH_LIMIT = 200;

/**
 * What counts as an email address, on both sides: zod's own email pattern, written out here so
 * the widget can use it without bundling zod.
 */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
