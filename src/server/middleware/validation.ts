/**
 * Request bodies are validated at the edge: JSON only, within the size limit, exactly the fields
 * the schema names. Anything else is a 4xx in the error envelope before a handler runs.
 */
import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';

import type { AppEnv } from '../env.js';
import { findJsonFlaw, MAX_JSON_DEPTH } from '../services/json-flaws.js';
import { ServiceError } from '../services/service-error.js';

// The shared schemas are zod/mini, which carries no messages of its own; `invalid_body` details
// are read by developers, in English.
z.config(z.locales.en());

export const MAX_JSON_BODY_BYTES = 64 * 1024;

function bodyTooLarge(): ServiceError {
  return new ServiceError('payload_too_large', `Request bodies are limited to ${MAX_JSON_BODY_BYTES} bytes.`);
}

// Counts a body of undeclared length (chunked) as it arrives.
const countingBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw bodyTooLarge();
  },
});

/**
 * Refuses request bodies over MAX_JSON_BODY_BYTES. A body with a declared Content-Length (and no
 * Transfer-Encoding) is judged by that header, as Hono's limit judges it: the HTTP parser hands
 * the application exactly that many bytes. Only a body of undeclared length goes through Hono's
 * counting limit. (Hono's limit looks at the request's web `body` stream first, whatever the
 * headers say, which makes @hono/node-server build a full web Request where it would otherwise
 * read the body straight from Node's request: half a millisecond of the event loop per login.)
 */
export const limitJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const declaredLength = c.req.header('Content-Length');
  if (declaredLength === undefined || c.req.header('Transfer-Encoding') !== undefined) return countingBodyLimit(c, next);
  if (Number.parseInt(declaredLength, 10) > MAX_JSON_BODY_BYTES) throw bodyTooLarge();
  await next();
};

export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  const mediaType = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ServiceError('unsupported_media_type', 'Send the request body as application/json.');
  }
  await next();
};

export interface BodyIssue {
  path: string;
  message: string;
}

export function invalidBody(issues: readonly z.core.$ZodIssue[]): ServiceError {
  const details: BodyIssue[] = issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = details.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new ServiceError('invalid_body', `The request body is invalid: ${summary}`, { issues: details });
}

/**
 * `zValidator` for JSON bodies, reporting failures as `invalid_body` with one entry per issue,
 * after refusing what no schema sees (see findJsonFlaw): deep nesting, lone surrogates, `__proto__`.
 */
export function validateJson<Schema extends z.core.$ZodType>(schema: Schema) {
  const validator = zValidator('json', schema, (result) => {
    if (!result.success) throw invalidBody(result.error.issues);
  });
  const validateFlawlessBody: typeof validator = async (c, next) => {
    // Hono keeps the parsed body, so the validator reads it again at no cost. A body that does not
    // parse is left to the validator, which answers it as before.
    const body: unknown = await c.req.json().catch(() => undefined);
    const flaw = findJsonFlaw(body, MAX_JSON_DEPTH);
    if (flaw) {
      throw new ServiceError('invalid_body', `The request body is invalid: ${flaw.path || 'body'}: ${flaw.message}`, {
        issues: [{ path: flaw.path, message: flaw.message }],
      });
    }
    return validator(c, next);
  };
  return validateFlawlessBody;
}
