/**
 * Error codes shared by the server and the widget.
 *
 * Codes are stable, lower snake_case and double as translation keys in the widget, so renaming one
 * is a breaking change. The server decides the HTTP status for each code in one table
 * (`src/server/middleware/errors.ts`).
 */
export const ERROR_CODES = [
  // Request shape
  'invalid_body',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'forbidden_origin',
  'internal_error',
  // Sign-up
  'signup_disabled',
  'invalid_password',
  'invalid_username',
  'user_exists',
  // Login and sessions
  'invalid_credentials',
  'password_reset_required',
  'user_blocked',
  'unauthenticated',
  // Social login
  'unknown_provider',
  'social_login_failed',
  'social_access_denied',
  'social_email_missing',
  'email_in_use',
  // Password reset and migration
  'invalid_token',
  'password_reset_disabled',
  'legacy_store_unavailable',
  // Abuse protection
  'too_many_attempts',
  'too_many_requests',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const errorCodeSet: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && errorCodeSet.has(value);
}

/** The body of every error response: `{"error": {"code", "message", ...details}}`. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    [detail: string]: unknown;
  };
}
