/**
 * Table types for Kysely. Booleans are stored as 0/1 integers and instants that only the server
 * compares (sessions, counters) as epoch milliseconds, so the same rows work on SQLite and
 * PostgreSQL; user-facing timestamps are ISO 8601 strings, as the API returns them.
 */
export interface UsersTable {
  /** `auth0|<24 hex>` for database users, so that ids migrated from Auth0 keep their shape. */
  id: string;
  /** Trimmed and lowercased; unique. */
  email: string;
  email_verified: number;
  /** Lowercased; unique; null when the account has none. */
  username: string | null;
  name: string | null;
  picture: string | null;
  blocked: number;
  password_reset_required: number;
  created_at: string;
  updated_at: string;
  last_login: string | null;
  last_ip: string | null;
  logins_count: number;
}

/** Password hashes live apart from the user row: social-only users have none. */
export interface CredentialsTable {
  user_id: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex: the token itself is never stored. */
  id: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** One GCRA token bucket per key: `tat` is the bucket's theoretical arrival time (epoch ms). */
export interface RateLimitsTable {
  key: string;
  tat: number;
}

/** Consecutive failed logins per (identifier, IP) pair; the key is a hash of the pair. */
export interface LoginFailuresTable {
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number | null;
}

/** A social identity: which provider account a user logs in with. */
export interface IdentitiesTable {
  /** The configured provider id (`google`, `github`, `corp-sso`, ...). */
  provider: string;
  /** The user's id at the provider (`sub` for OpenID Connect). */
  provider_user_id: string;
  user_id: string;
  /** The profile the provider last returned, as JSON. */
  profile_data: string;
  created_at: string;
  updated_at: string;
}

export interface UsedSocialFlowsTable {
  id: string;
  expires_at: number;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  credentials: CredentialsTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  login_failures: LoginFailuresTable;
  identities: IdentitiesTable;
  used_social_flows: UsedSocialFlowsTable;
  server_secrets: ServerSecretsTable;
}
