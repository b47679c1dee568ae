/**
 * The one place where failures become responses: every error leaves as
 * `{"error": {"code", "message", ...details}}` with the status its code calls for.
 */
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { ErrorCode, ErrorEnvelope } from '../../shared/errors.js';
import type { AppEnv } from '../env.js';
import type { Logger } from '../logger.js';
import { ServiceError } from '../services/service-error.js';
import { UnstorableTextError } from '../store/dialect.js';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_body: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  forbidden_origin: 403,
  internal_error: 500,
  signup_disabled: 403,
  invalid_password: 400,
  invalid_username: 400,
  user_exists: 409,
  invalid_credentials: 401,
  password_reset_required: 403,
  user_blocked: 403,
  unauthenticated: 401,
  unknown_provider: 404,
  social_login_failed: 400,
  social_access_denied: 403,
  social_email_missing: 400,
  email_in_use: 409,
  invalid_token: 400,
  password_reset_disabled: 403,
  legacy_store_unavailable: 503,
  too_many_attempts: 429,
  too_many_requests: 429,
};

/** HTTP-level failures raised by Hono itself (malformed JSON, for one) mapped onto our codes. */
const CODE_BY_STATUS: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'invalid_body',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function errorResponse(c: Context, error: ServiceError): Response {
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  const body: ErrorEnvelope = { error: { code: error.code, message: error.message, ...error.details } };
  return c.json(body, STATUS_BY_CODE[error.code]);
}

export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof ServiceError) return errorResponse(c, error);
    if (error instanceof UnstorableTextError) return errorResponse(c, new ServiceError('invalid_body', error.message));
    if (error instanceof HTTPException) {
      const code = CODE_BY_STATUS[error.status];
      if (code) return errorResponse(c, new ServiceError(code, error.message || 'The request cannot be processed.'));
    }
    logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: error.stack ?? String(error) });
    return errorResponse(c, new ServiceError('internal_error', 'Something went wrong on the server.'));
  };
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, new ServiceError('not_found', `There is no ${c.req.method} ${c.req.path}.`));

/** For a known path asked with the wrong method: 405 with the methods that would work. */
export function methodNotAllowed(allowed: readonly string[]): MiddlewareHandler<AppEnv> {
  return (c) => {
    c.header('Allow', allowed.join(', '));
    return Promise.resolve(
      errorResponse(c, new ServiceError('method_not_allowed', `Use ${allowed.join(' or ')} for ${c.req.path}.`)),
    );
  };
}
