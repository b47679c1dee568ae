/**
 * The social login providers: how to reach each kind, and how to read a profile from it. The
 * protocol itself (authorization URL, state, PKCE, nonce, code exchange, ID token validation) is
 * openid-client's; this file only knows each provider's endpoints and profile shape.
 */
import type * as OpenIdClient from 'openid-client';
import { z } from 'zod';

import { EMAIL_LENGTH_LIMIT, EMAIL_PATTERN } from '../../shared/limits.js';
import type { SocialKind, SocialProviderSettings } from '../config.js';
import { isWellFormedText } from './json-flaws.js';

/** A provider's account, as the provider describes it. */
export interface SocialProfile {
  /** The account's id at the provider (`sub` in OpenID Connect). */
  providerUserId: string;
  /** Trimmed and lowercased; undefined when the provider shares none (or none that is valid). */
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  picture: string | undefined;
  /** The profile fields the provider returned, kept on the identity row. */
  raw: Record<string, unknown>;
}

export type TokenResponse = Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;

let loadedOpenIdClient: typeof OpenIdClient | undefined;

/**
 * openid-client, loaded with the first social login rather than at start: a server without social
 * providers (the default) never loads it, nor holds its memory.
 */
export async function openIdClient(): Promise<typeof OpenIdClient> {
  loadedOpenIdClient ??= await import('openid-client');
  return loadedOpenIdClient;
}

/** The provider's error answer; only a loaded openid-client can have thrown one. */
export function isAuthorizationResponseError(error: unknown): error is OpenIdClient.AuthorizationResponseError {
  return loadedOpenIdClient !== undefined && error instanceof loadedOpenIdClient.AuthorizationResponseError;
}

interface KindDefaults {
  openIdConnect: boolean;
  scopes: readonly string[];
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  emailsEndpoint?: string;
}

const GRAPH = 'https://graph.facebook.com/v21.0';

const KIND_DEFAULTS: Readonly<Record<SocialKind, KindDefaults>> = {
  google: { openIdConnect: true, scopes: ['openid', 'email', 'profile'], issuer: 'https://accounts.google.com' },
  oidc: { openIdConnect: true, scopes: ['openid', 'email', 'profile'] },
  facebook: {
    openIdConnect: false,
    scopes: ['email', 'public_profile'],
    authorizationEndpoint: 'https://www.facebook.com/v21.0/dialog/oauth',
    tokenEndpoint: `${GRAPH}/oauth/access_token`,
    userinfoEndpoint: `${GRAPH}/me?fields=id,name,email,picture.width(256).height(256)`,
  },
  github: {
    openIdConnect: false,
    scopes: ['read:user', 'user:email'],
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    userinfoEndpoint: 'https://api.github.com/user',
    emailsEndpoint: 'https://api.github.com/user/emails',
  },
};

/** Claims of an ID token that describe the token, not the person: not kept. */
const TOKEN_CLAIMS = new Set(['nonce', 'at_hash', 'c_hash', 'aud', 'azp', 'iat', 'exp', 'nbf', 'auth_time', 'iss', 'sid', 'jti']);

const REQUEST_TIMEOUT_SECONDS = 10;

const githubUserSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  avatar_url: z.string().nullish(),
});
const githubEmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
const facebookUserSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  picture: z.object({ data: z.object({ url: z.string().optional() }).optional() }).optional(),
});

function validEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email.length <= EMAIL_LENGTH_LIMIT && EMAIL_PATTERN.test(email) ? email : undefined;
}

/** A profile field worth keeping: text that is not blank, and well-formed, so it is stored as sent. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && isWellFormedText(value) ? value.trim() : undefined;
}

/** One configured provider: its openid-client configuration (found once) and its profile reader. */
export class SocialConnection {
  private readonly defaults: KindDefaults;
  private configurationLoading: Promise<OpenIdClient.Configuration> | undefined;

  constructor(readonly settings: SocialProviderSettings) {
    this.defaults = KIND_DEFAULTS[settings.kind];
  }

  get openIdConnect(): boolean {
    return this.defaults.openIdConnect;
  }

  get scope(): string {
    return (this.settings.scopes ?? this.defaults.scopes).join(' ');
  }

  /** The provider's metadata: discovered once for OpenID Connect, or made from the endpoints. */
  configuration(): Promise<OpenIdClient.Configuration> {
    this.configurationLoading ??= this.createConfiguration().catch((error: unknown) => {
      // A provider that was down must not stay broken after it comes back.
      this.configurationLoading = undefined;
      throw error;
    });
    return this.configurationLoading;
  }

  async profile(configuration: OpenIdClient.Configuration, tokens: TokenResponse): Promise<SocialProfile> {
    switch (this.settings.kind) {
      case 'google':
      case 'oidc':
        return this.openIdProfile(configuration, tokens);
      case 'github':
        return this.githubProfile(configuration, tokens);
      case 'facebook':
        return this.facebookProfile(configuration, tokens);
    }
  }

  private endpoint(name: 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint' | 'userinfoEndpoint' | 'emailsEndpoint'): string | undefined {
    return this.settings[name] ?? this.defaults[name];
  }

  private async createConfiguration(): Promise<OpenIdClient.Configuration> {
    const oauth = await openIdClient();
    const { clientId, clientSecret, jwksUri } = this.settings;
    const issuer = this.endpoint('issuer');
    const overrides: Partial<OpenIdClient.ServerMetadata> = {
      ...(this.endpoint('authorizationEndpoint') ? { authorization_endpoint: this.endpoint('authorizationEndpoint') } : {}),
      ...(this.endpoint('tokenEndpoint') ? { token_endpoint: this.endpoint('tokenEndpoint') } : {}),
      ...(this.endpoint('userinfoEndpoint') ? { userinfo_endpoint: this.endpoint('userinfoEndpoint') } : {}),
      ...(jwksUri ? { jwks_uri: jwksUri } : {}),
    };
    const urls = [issuer, ...Object.values(overrides)].filter((url): url is string => typeof url === 'string');
    // Configuration only accepts http on loopback addresses (local development and tests).
    const insecure = urls.some((url) => url.startsWith('http:'));

    let configuration: OpenIdClient.Configuration;
    const complete = overrides.authorization_endpoint && overrides.token_endpoint;
    if (this.openIdConnect && issuer && !(complete && jwksUri)) {
      const discovered = await oauth.discovery(new URL(issuer), clientId, clientSecret, undefined, {
        timeout: REQUEST_TIMEOUT_SECONDS,
        ...(insecure ? { execute: [oauth.allowInsecureRequests] } : {}),
      });
      configuration = new oauth.Configuration({ ...discovered.serverMetadata(), ...overrides }, clientId, clientSecret);
    } else {
      const authorization = overrides.authorization_endpoint ?? issuer ?? '';
      configuration = new oauth.Configuration(
        { issuer: issuer ?? new URL(authorization).origin, ...overrides },
        clientId,
        clientSecret,
      );
    }
    configuration.timeout = REQUEST_TIMEOUT_SECONDS;
    if (insecure) oauth.allowInsecureRequests(configuration);
    return configuration;
  }

  private async openIdProfile(configuration: OpenIdClient.Configuration, tokens: TokenResponse): Promise<SocialProfile> {
    const claims = tokens.claims();
    if (!claims) throw new Error('The provider sent no ID token.');
    const oauth = await openIdClient();
    let details: Record<string, unknown> = { ...claims };
    // Some providers keep the profile out of the ID token and serve it from userinfo only.
    if ((details.email === undefined || details.name === undefined) && configuration.serverMetadata().userinfo_endpoint) {
      details = { ...details, ...(await oauth.fetchUserInfo(configuration, tokens.access_token, claims.sub)) };
    }
    const raw = Object.fromEntries(Object.entries(details).filter(([key]) => !TOKEN_CLAIMS.has(key)));
    return {
      providerUserId: claims.sub,
      email: validEmail(details.email),
      emailVerified: details.email_verified === true || details.email_verified === 'true',
      name: text(details.name),
      picture: text(details.picture),
      raw,
    };
  }

  private async githubProfile(configuration: OpenIdClient.Configuration, tokens: TokenResponse): Promise<SocialProfile> {
    const user = githubUserSchema.parse(await this.getJson(configuration, tokens, this.endpoint('userinfoEndpoint')));
    const emails = githubEmailsSchema.parse(await this.getJson(configuration, tokens, this.endpoint('emailsEndpoint')));
    const verified = emails.find((entry) => entry.primary && entry.verified) ?? emails.find((entry) => entry.verified);
    return {
      providerUserId: String(user.id),
      email: validEmail(verified?.email ?? user.email),
      emailVerified: verified !== undefined,
      name: text(user.name) ?? user.login,
      picture: text(user.avatar_url),
      raw: { ...user },
    };
  }

  private async facebookProfile(configuration: OpenIdClient.Configuration, tokens: TokenResponse): Promise<SocialProfile> {
    const user = facebookUserSchema.parse(await this.getJson(configuration, tokens, this.endpoint('userinfoEndpoint')));
    return {
      providerUserId: user.id,
      email: validEmail(user.email),
      // Facebook does not say whether it verified the address: never treat it as verified.
      emailVerified: false,
      name: text(user.name),
      picture: text(user.picture?.data?.url),
      raw: { ...user },
    };
  }

  private async getJson(configuration: OpenIdClient.Configuration, tokens: TokenResponse, url: string | undefined): Promise<unknown> {
    if (!url) throw new Error('The provider has no profile endpoint configured.');
    const oauth = await openIdClient();
    const headers = new Headers({ accept: 'application/json', 'user-agent': 'provision-lock' });
    const response = await oauth.fetchProtectedResource(configuration, tokens.access_token, new URL(url), 'GET', null, headers);
    if (!response.ok) throw new Error(`The provider's profile endpoint answered ${response.status}.`);
    return response.json();
  }
}
