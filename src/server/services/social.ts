/**
 * Social login flows: start one (state, PKCE and, for OpenID Connect, a nonce, sealed into a
 * short-lived cookie), then finish it when the provider sends the browser back (every check,
 * then the provider's profile). Accounts are `UserService`'s business; this is the protocol side.
 */
import { randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';
import { z } from 'zod';

import type { SocialProviderSettings } from '../config.js';
import type { Logger } from '../logger.js';
import { deleteExpiredSocialFlows, markSocialFlowUsed } from '../store/identities-repository.js';
import type { Database } from '../store/schema.js';
import type { Clock } from './clock.js';
import { seal, unseal } from './sealed-box.js';
import type { ServerSecrets } from './secrets.js';
import { ServiceError } from './service-error.js';
import { isAuthorizationResponseError, openIdClient, SocialConnection, type SocialProfile } from './social-providers.js';

/** How long a browser may take at the provider before the flow expires. */
export const SOCIAL_FLOW_TTL_SECONDS = 10 * 60;

const flowSchema = z.object({
  /** A random id per flow: each flow may come back once. */
  flow: z.string(),
  provider: z.string(),
  state: z.string(),
  nonce: z.string().optional(),
  verifier: z.string(),
  redirectUri: z.string(),
  returnTo: z.string(),
  errorTo: z.string(),
  expiresAt: z.number(),
});
export type SocialFlow = z.infer<typeof flowSchema>;

export interface FlowTargets {
  /** The callback URL registered at the provider. */
  redirectUri: string;
  /** Where the browser goes after a successful login. */
  returnTo: string;
  /** Where the browser goes when the login fails, with the error code. */
  errorTo: string;
}

export class SocialService {
  private readonly connections: ReadonlyMap<string, SocialConnection>;

  constructor(
    private readonly db: Kysely<Database>,
    providers: readonly SocialProviderSettings[],
    private readonly secrets: ServerSecrets,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.connections = new Map(providers.map((settings) => [settings.id, new SocialConnection(settings)]));
  }

  settingsOf(providerId: string): SocialProviderSettings {
    return this.connection(providerId).settings;
  }

  /** Starts a flow: the provider's authorization URL and the sealed cookie that remembers it. */
  async begin(providerId: string, targets: FlowTargets): Promise<{ location: string; sealedFlow: string }> {
    const connection = this.connection(providerId);
    const configuration = await this.reach(connection, () => connection.configuration());
    const oauth = await openIdClient();
    const verifier = oauth.randomPKCECodeVerifier();
    const flow: SocialFlow = {
      flow: randomBytes(16).toString('base64url'),
      provider: providerId,
      state: oauth.randomState(),
      ...(connection.openIdConnect ? { nonce: oauth.randomNonce() } : {}),
      verifier,
      ...targets,
      expiresAt: this.clock() + SOCIAL_FLOW_TTL_SECONDS * 1000,
    };
    const location = oauth.buildAuthorizationUrl(configuration, {
      redirect_uri: flow.redirectUri,
      scope: connection.scope,
      state: flow.state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(flow.nonce ? { nonce: flow.nonce } : {}),
    });
    return { location: location.href, sealedFlow: seal(flow, await this.secrets.cookieKey()) };
  }

  /** The flow sealed in a cookie by this server, or undefined; not checked yet (see `checkFlow`). */
  async readFlow(sealedFlow: string | undefined): Promise<SocialFlow | undefined> {
    if (!sealedFlow) return undefined;
    const parsed = flowSchema.safeParse(unseal(sealedFlow, await this.secrets.cookieKey()));
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * A flow may finish once: it must exist (the cookie of the browser that started it), be for
   * this provider, be unexpired, and be back for the first time.
   */
  async checkFlow(providerId: string, flow: SocialFlow | undefined): Promise<SocialFlow> {
    this.connection(providerId);
    if (!flow) throw failed('The login flow is missing or was not started by this browser.');
    if (flow.provider !== providerId || flow.expiresAt <= this.clock()) throw failed('The login flow has expired.');
    if (!(await markSocialFlowUsed(this.db, flow.flow, flow.expiresAt))) throw failed('The login flow was used already.');
    return flow;
  }

  /** Checks the provider's answer (state, code, PKCE, ID token and nonce) and reads the profile. */
  async complete(flow: SocialFlow, callbackParameters: URLSearchParams): Promise<SocialProfile> {
    const connection = this.connection(flow.provider);
    // The redirect URI the flow registered, with the parameters that came back: the library
    // checks them against each other, whatever host or proxy the request passed through.
    const callback = new URL(flow.redirectUri);
    callback.search = callbackParameters.toString();
    return this.reach(connection, async () => {
      const configuration = await connection.configuration();
      const oauth = await openIdClient();
      const tokens = await oauth.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        ...(flow.nonce ? { expectedNonce: flow.nonce } : {}),
        idTokenExpected: connection.openIdConnect,
      });
      return connection.profile(configuration, tokens);
    });
  }

  deleteExpiredFlows(): Promise<void> {
    return deleteExpiredSocialFlows(this.db, this.clock());
  }

  private connection(providerId: string): SocialConnection {
    const connection = this.connections.get(providerId);
    if (!connection) throw new ServiceError('unknown_provider', `There is no social provider "${providerId}".`);
    return connection;
  }

  /** Runs a step that talks to the provider; any failure becomes a clear code, never a 500. */
  private async reach<T>(connection: SocialConnection, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (isAuthorizationResponseError(error) && error.error === 'access_denied') {
        throw new ServiceError('social_access_denied', 'The login was cancelled at the provider.');
      }
      this.logger.warn('social login failed', {
        provider: connection.settings.id,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw failed('The provider could not complete the login.');
    }
  }
}

function failed(message: string): ServiceError {
  return new ServiceError('social_login_failed', message);
}
