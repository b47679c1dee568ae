/**
 * Server configuration: a JSON file (`--config FILE` or `PROVISION_LOCK_CONFIG`) validated by zod,
 * every key optional with a safe default, plus the environment (`PORT`, `DATABASE_URL`,
 * `ADMIN_TOKEN`, `PUBLIC_URL`). A bad value stops start-up with a message naming the key.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { z } from 'zod';

import {
  passwordPolicyInputSchema,
  passwordPolicySchema,
  usernamePolicyInputSchema,
  usernamePolicySchema,
  type PasswordPolicy,
  type PublicConfig,
  type UsernamePolicy,
} from '../shared/api.js';
import { resolvePasswordPolicy, resolveUsernamePolicy } from '../shared/policy/index.js';
import { DATABASE_URL_FORMS, parseDatabaseUrl, sqliteFileOf } from './store/dialect.js';

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATABASE_URL = 'sqlite:./data/provision-lock.db';

const tokenBucketSchema = z.strictObject({
  /** Requests allowed at once from a fresh bucket. */
  burst: z.int().min(1).max(1_000_000),
  /** Tokens added back per minute. */
  perMinute: z.number().positive().max(1_000_000),
});
export type TokenBucketSettings = z.infer<typeof tokenBucketSchema>;

const originSchema = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  },
  { message: 'must be an origin such as "https://app.example.com" (scheme, host and port; no path or slash)' },
);

export const SOCIAL_KINDS = ['google', 'facebook', 'github', 'oidc'] as const;
export type SocialKind = (typeof SOCIAL_KINDS)[number];

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL is plain http to this machine, the one place an http provider is acceptable. */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
}

const endpointSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .refine((url) => url.startsWith('https:') || isLoopbackHttp(url), {
    message: 'must use https (plain http is accepted only on localhost, for development)',
  });

const socialProviderSchema = z
  .strictObject({
    provider: z.enum(SOCIAL_KINDS),
    /** The provider's id in URLs and identities; defaults to `provider` (required for `oidc`). */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1 to 40 lower-case letters, digits or dashes')
      .refine((id) => id !== 'auth0', 'is reserved for password accounts')
      .optional(),
    /** The name on the button ("Continue with {name}"). */
    name: z.string().min(1).max(60).optional(),
    clientId: z.string().min(1),
    /** The client secret, or `env:NAME` to read it from the environment variable NAME. */
    clientSecret: z.string().min(1),
    issuer: endpointSchema.optional(),
    authorizationEndpoint: endpointSchema.optional(),
    tokenEndpoint: endpointSchema.optional(),
    userinfoEndpoint: endpointSchema.optional(),
    jwksUri: endpointSchema.optional(),
    /** GitHub only: where the account's email addresses are listed. */
    emailsEndpoint: endpointSchema.optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token')).min(1).optional(),
    /**
     * Attach this provider's identity to an existing account with the same email, when both the
     * provider and the account have verified that email. Off: such a login gets `email_in_use`.
     */
    linkVerifiedEmails: z.boolean().default(false),
  })
  .refine((provider) => provider.provider !== 'oidc' || provider.id !== undefined, {
    message: 'an oidc provider needs an id',
    path: ['id'],
  })
  .refine((provider) => provider.provider !== 'oidc' || provider.issuer !== undefined, {
    message: 'an oidc provider needs its issuer',
    path: ['issuer'],
  });
type SocialProviderFile = z.infer<typeof socialProviderSchema>;

const legacyStoreSchema = z.strictObject({
  /** Base URL of the legacy identity store's HTTP API (see the README for the contract). */
  url: endpointSchema,
  /** `migrate`: lazy migration, users move over at their first login; `proxy`: it stays the authority. */
  mode: z.enum(['migrate', 'proxy']),
  /** Sent as `Authorization: Bearer <secret>`; `env:NAME` reads it from the environment. */
  secret: z.string().min(16, 'must be at least 16 characters'),
  timeoutMs: z.int().min(100).max(60_000).default(5000),
});

export const configFileSchema = z.strictObject({
  signup: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Start a session right after a successful sign-up. */
      loginAfterSignup: z.boolean().default(true),
      /**
       * `false`: sign-up answers 202 alike for new and taken emails and tells the owner by mail,
       * so it cannot be used to find out who has an account (no session after sign-up then).
       */
      revealExisting: z.boolean().default(true),
    })
    .prefault({}),
  username: z.optional(usernamePolicyInputSchema),
  password: z.optional(passwordPolicyInputSchema),
  bruteForce: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Failed logins in a row, per identifier and IP address, before that pair is blocked. */
      maxAttempts: z.int().min(1).max(1000).default(10),
      blockMinutes: z.number().positive().max(525_600).default(15),
    })
    .prefault({}),
  rateLimits: z
    .strictObject({
      enabled: z.boolean().default(true),
      login: tokenBucketSchema.default({ burst: 20, perMinute: 10 }),
      signup: tokenBucketSchema.default({ burst: 10, perMinute: 5 }),
      social: tokenBucketSchema.default({ burst: 20, perMinute: 10 }),
      passwordReset: tokenBucketSchema.default({ burst: 5, perMinute: 2 }),
      /** Per management API token (and per IP address for requests without a valid one). */
      management: tokenBucketSchema.default({ burst: 50, perMinute: 1200 }),
    })
    .prefault({}),
  /** Social login providers, in the order of their buttons. */
  social: z
    .array(socialProviderSchema)
    .max(20)
    .default([])
    .refine((providers) => new Set(providers.map((provider) => provider.id ?? provider.provider)).size === providers.length, {
      message: 'two providers share an id; give each its own "id"',
    }),
  /** The database connection, as Auth0's Management API and migration scripts know it. */
  connection: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/, 'must be letters, digits and dashes')
        .default('Username-Password-Authentication'),
    })
    .prefault({}),
  legacyStore: legacyStoreSchema.optional(),
  passwordReset: z
    .strictObject({
      enabled: z.boolean().default(true),
      tokenTtlMinutes: z.int().min(5).max(7 * 24 * 60).default(60),
    })
    .prefault({}),
  mail: z
    .strictObject({
      /** `smtp://user:pass@host:587` or `smtps://…`; without it, mails go to the outbox table and the log. */
      smtpUrl: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
      from: z.string().min(3).default('provision-lock <no-reply@localhost>'),
    })
    .prefault({}),
  imports: z
    .strictObject({
      /** The largest user file an import job accepts. */
      maxFileBytes: z.int().min(1024).default(2 * 1024 ** 3),
      /** Where uploaded and exported files are kept; next to the SQLite file by default. */
      directory: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Serve the demo page at `/` (turn off in production: `/` then leads to the login page). */
  demo: z.boolean().default(true),
  /**
   * How many reverse proxies in front of the server to believe: the client's address is taken
   * that many hops back along X-Forwarded-For. 0 (default): the TCP peer, and the header is ignored.
   */
  trustProxy: z.int().min(0).max(10).default(0),
  /** Other origins allowed to call the API with credentials (CORS) and to be `return_to` targets. */
  allowedOrigins: z.array(originSchema).default([]),
  session: z
    .strictObject({
      /** Absolute lifetime of a session. */
      ttlHours: z.number().positive().max(8760).default(168),
      /** A session unused for this long ends. */
      idleHours: z.number().positive().max(8760).default(72),
    })
    .prefault({}),
});
export type ConfigFile = z.input<typeof configFileSchema>;

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((value) => parseDatabaseUrl(value) !== undefined, { message: `must be ${DATABASE_URL_FORMS}` }),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters: it is the key to every account').optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as "https://login.example.com"' })
    .optional(),
});

export interface ServerConfig {
  port: number;
  databaseUrl: string;
  adminToken: string | undefined;
  /** The server's public base URL; `https:` turns on Secure `__Host-` cookies. */
  publicUrl: URL | undefined;
  signup: { enabled: boolean; loginAfterSignup: boolean; revealExisting: boolean };
  username: UsernamePolicy;
  password: PasswordPolicy;
  bruteForce: { enabled: boolean; maxAttempts: number; blockMinutes: number };
  rateLimits: {
    enabled: boolean;
    login: TokenBucketSettings;
    signup: TokenBucketSettings;
    social: TokenBucketSettings;
    passwordReset: TokenBucketSettings;
    management: TokenBucketSettings;
  };
  connection: { name: string };
  legacyStore: LegacyStoreSettings | undefined;
  passwordReset: { enabled: boolean; tokenTtlMinutes: number };
  mail: { smtpUrl: string | undefined; from: string };
  imports: { maxFileBytes: number; directory: string };
  social: SocialProviderSettings[];
  allowedOrigins: string[];
  trustProxy: number;
  demo: boolean;
  session: { ttlHours: number; idleHours: number };
}

/** A social provider with every default filled in (see `services/social-providers.ts`). */
export interface SocialProviderSettings {
  kind: SocialKind;
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  issuer: string | undefined;
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  userinfoEndpoint: string | undefined;
  jwksUri: string | undefined;
  emailsEndpoint: string | undefined;
  scopes: string[] | undefined;
  linkVerifiedEmails: boolean;
}

const SOCIAL_NAMES: Readonly<Record<SocialKind, string>> = {
  google: 'Google',
  facebook: 'Facebook',
  github: 'GitHub',
  oidc: 'OpenID Connect',
};

export interface LegacyStoreSettings {
  url: string;
  mode: 'migrate' | 'proxy';
  secret: string;
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** Path of the JSON configuration file; falls back to `PROVISION_LOCK_CONFIG`. */
  configPath?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Reads the file and the environment; throws `ConfigError` naming every bad key. */
export function loadConfig(options: LoadConfigOptions = {}): ServerConfig {
  const env = options.env ?? process.env;
  const configPath = options.configPath ?? (env.PROVISION_LOCK_CONFIG || undefined);
  const source = configPath ?? 'the built-in defaults';
  let fileContent: unknown = {};
  if (configPath !== undefined) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read the configuration file ${configPath}: ${(error as Error).message}`);
    }
    try {
      fileContent = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`The configuration file ${configPath} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return resolveConfig(fileContent, env, source);
}

/** Validates an already parsed configuration object and the environment. */
export function resolveConfig(
  fileContent: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
  source = 'the configuration',
): ServerConfig {
  const file = configFileSchema.safeParse(fileContent);
  // Empty environment variables count as unset, as shells and compose files tend to produce them.
  const presentEnv = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const environment = environmentSchema.safeParse(presentEnv);
  const problems = [
    ...(file.success ? [] : describeIssues(file.error.issues)),
    ...(environment.success ? [] : describeIssues(environment.error.issues).map((line) => `environment ${line}`)),
  ];
  if (!file.success || !environment.success) throw configErrorFor(source, problems);

  // Defaults can combine into something invalid (minLength 40 with the default maxLength 128 is
  // fine; maxLength 6 with the "good" preset's minimum 8 is not), so check the resolved policies.
  const password = passwordPolicySchema.safeParse(resolvePasswordPolicy(file.data.password));
  const username = usernamePolicySchema.safeParse(resolveUsernamePolicy(file.data.username));
  const policyProblems = [
    ...(password.success ? [] : describeIssues(password.error.issues, ['password'])),
    ...(username.success ? [] : describeIssues(username.error.issues, ['username'])),
  ];
  if (!password.success || !username.success) throw configErrorFor(source, policyProblems);

  const secretProblems: string[] = [];
  const social = file.data.social.map((provider, index) => ({
    ...socialSettings(provider),
    clientSecret: secretFrom(provider.clientSecret, env, (problem) =>
      secretProblems.push(`social[${index}].clientSecret: ${problem}`),
    ),
  }));
  const legacy = file.data.legacyStore;
  const legacyStore = legacy && {
    ...legacy,
    secret: secretFrom(legacy.secret, env, (problem) => secretProblems.push(`legacyStore.secret: ${problem}`)),
  };
  if (secretProblems.length > 0) throw configErrorFor(source, secretProblems);

  const { PORT, DATABASE_URL, ADMIN_TOKEN, PUBLIC_URL } = environment.data;
  return {
    port: PORT,
    databaseUrl: DATABASE_URL,
    adminToken: ADMIN_TOKEN,
    publicUrl: PUBLIC_URL === undefined ? undefined : new URL(PUBLIC_URL),
    signup: file.data.signup,
    username: username.data,
    password: password.data,
    bruteForce: file.data.bruteForce,
    rateLimits: file.data.rateLimits,
    social,
    connection: file.data.connection,
    legacyStore,
    passwordReset: file.data.passwordReset,
    mail: { smtpUrl: file.data.mail.smtpUrl, from: file.data.mail.from },
    imports: {
      maxFileBytes: file.data.imports.maxFileBytes,
      directory: file.data.imports.directory ?? defaultFilesDirectory(DATABASE_URL),
    },
    allowedOrigins: file.data.allowedOrigins,
    trustProxy: file.data.trustProxy,
    demo: file.data.demo,
    session: file.data.session,
  };
}

/** A secret as written, or read from the environment when written as `env:NAME`. */
function secretFrom(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  report: (problem: string) => void,
): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice('env:'.length);
  const secret = env[name] ?? '';
  if (!secret) report(`the environment variable ${name} is not set`);
  return secret;
}

/**
 * Job files live beside the SQLite file (`./data/jobs` by default); in the system's temporary
 * folder for an in-memory database; in `./data/jobs` on PostgreSQL, where several servers must be
 * given one shared folder instead (`imports.directory`).
 */
function defaultFilesDirectory(databaseUrl: string): string {
  const location = parseDatabaseUrl(databaseUrl);
  if (location?.engine === 'postgres') return resolve('data', 'jobs');
  const file = sqliteFileOf(databaseUrl);
  return file === undefined ? join(tmpdir(), 'provision-lock-jobs') : join(dirname(resolve(file)), 'jobs');
}

/** Fills a provider's defaults (the secret is read apart, see `secretFrom`). */
function socialSettings(provider: SocialProviderFile): Omit<SocialProviderSettings, 'clientSecret'> {
  return {
    kind: provider.provider,
    id: provider.id ?? provider.provider,
    name: provider.name ?? SOCIAL_NAMES[provider.provider],
    clientId: provider.clientId,
    issuer: provider.issuer,
    authorizationEndpoint: provider.authorizationEndpoint,
    tokenEndpoint: provider.tokenEndpoint,
    userinfoEndpoint: provider.userinfoEndpoint,
    jwksUri: provider.jwksUri,
    emailsEndpoint: provider.emailsEndpoint,
    scopes: provider.scopes,
    linkVerifiedEmails: provider.linkVerifiedEmails,
  };
}

function configErrorFor(source: string, problems: readonly string[]): ConfigError {
  return new ConfigError(`Invalid configuration in ${source}:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
}

/** One line per problem, each starting with the dotted key it is about. */
function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key`);
    }
    return [`${formatPath(path) || '(top level)'}: ${issue.message}`];
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : String(segment))).join('.').replace(/\.\[/g, '[');
}

/** What `GET /api/config` tells the widget: the policies in full, never a secret. */
export function toPublicConfig(config: ServerConfig): PublicConfig {
  return {
    // In proxy mode the legacy store owns every password: nothing here can create or reset one.
    signup: { enabled: config.signup.enabled && config.legacyStore?.mode !== 'proxy' },
    passwordReset: { enabled: config.passwordReset.enabled && config.legacyStore?.mode !== 'proxy' },
    username: config.username,
    password: config.password,
    social: config.social.map(({ id, name, kind }) => ({ id, name, type: kind })),
  };
}
