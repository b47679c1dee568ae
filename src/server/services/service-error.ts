import type { ErrorCode } from '../../shared/errors.js';

/**
 * A failure the client should hear about, by its stable code. Services throw it; the error
 * middleware picks the HTTP status for the code and writes the envelope.
 */
export class ServiceError extends Error {
  override name = 'ServiceError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Seconds after which trying again can succeed (rate limits, blocks). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
