/**
 * The widget's side of the API contract: every request goes to `{server}/api/...` with the
 * browser's cookies, and every answer is validated against the shared schemas before use.
 */
import type { LoginBody, PublicConfig, SignupBody, User } from '../shared/api.js';
import { isErrorEnvelope, isPublicConfig, isUser } from './contract-guards.js';

/** Codes the widget produces itself, beside the server's. */
export type ClientErrorCode = 'network_error' | 'unknown_error';

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    /** A server error code, or a client one when the server could not be reached or understood. */
    readonly code: string,
    message: string,
    readonly status: number,
    /** Everything else the server sent in the envelope (`rules`, `field`, ...). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /** `Retry-After` in seconds, when the server sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class ApiClient {
  /** `server` is a base URL; empty means the page's own origin. */
  constructor(private readonly server: string) {}

  async config(): Promise<PublicConfig> {
    return valid(isPublicConfig, await this.call('GET', 'config'));
  }

  /** The signed-in user, or null when there is no session. */
  async session(): Promise<User | null> {
    try {
      return userOf(await this.call('GET', 'session'));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthenticated') return null;
      throw error;
    }
  }

  /** The new user, or null when the server keeps quiet about whether the email was new (202). */
  async signup(body: SignupBody): Promise<User | null> {
    const payload = await this.call('POST', 'signup', body);
    return payload === undefined ? null : userOf(payload);
  }

  async login(body: LoginBody): Promise<User> {
    return userOf(await this.call('POST', 'login', body));
  }

  async logout(): Promise<void> {
    await this.call('POST', 'logout');
  }

  async requestPasswordReset(email: string): Promise<void> {
    await this.call('POST', 'password-reset', { email });
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    await this.call('POST', 'password-reset/confirm', { token, password });
  }

  /** Where a social button sends the browser: the server starts the provider's flow. */
  socialUrl(provider: string, returnTo: string, errorTo: string): string {
    const query = new URLSearchParams({ return_to: returnTo, error_to: errorTo });
    return `${this.url(`social/${encodeURIComponent(provider)}`)}?${query}`;
  }

  private url(path: string): string {
    return `${this.server.replace(/\/+$/, '')}/api/${path}`;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        credentials: 'include',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      throw new ApiError('network_error', 'The server cannot be reached.', 0);
    }
    // 202: accepted, and deliberately nothing more to say (password reset, quiet sign-up).
    if (response.status === 204 || response.status === 202) return undefined;
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload;

    if (!isErrorEnvelope(payload)) {
      throw new ApiError('unknown_error', `Unexpected answer (${response.status}).`, response.status);
    }
    const { code, message, ...details } = payload.error;
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(code, message, response.status, details, retryAfter > 0 ? retryAfter : undefined);
  }
}

/** A successful answer that breaks the contract is an error like any other, never a crash. */
function valid<T>(guard: (value: unknown) => value is T, payload: unknown): T {
  if (!guard(payload)) throw new ApiError('unknown_error', 'The server answered in an unexpected shape.', 200);
  return payload;
}

function userOf(payload: unknown): User {
  const body = valid((value): value is { user: unknown } => typeof value === 'object' && value !== null && 'user' in value, payload);
  return valid(isUser, body.user);
}
