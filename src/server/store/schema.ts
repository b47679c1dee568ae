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
  given_name: string | null;
  family_name: string | null;
  nickname: string | null;
  /** JSON object: what the application keeps about the user (users cannot change it). */
  app_metadata: string;
  /** JSON object: what the user may keep about themself. */
  user_metadata: string;
  /** How the account came to be (see `USER_ORIGINS`). */
  origin: UserOrigin;
  /** The import job that created the account, if one did. */
  import_job_id: string | null;
}

export const USER_ORIGINS = ['signup', 'social', 'import', 'legacy', 'management'] as const;
export type UserOrigin = (typeof USER_ORIGINS)[number];

/**
 * `argon2id`: `password_hash` is this server's own argon2id PHC string. `imported`: it is an
 * imported hash as JSON (`ImportedHash`), verified in its own algorithm and replaced by an
 * argon2id hash at the next successful login.
 */
export type HashFormat = 'argon2id' | 'imported';

/** Password hashes live apart from the user row: social-only users have none. */
export interface CredentialsTable {
  user_id: string;
  password_hash: string;
  hash_format: HashFormat;
  created_at: string;
  updated_at: string;
}

/** Earlier password hashes of a user, for the `history` rule. */
export interface PasswordHistoryTable {
  id: string;
  user_id: string;
  password_hash: string;
  hash_format: HashFormat;
  created_at: string;
}

/** One-time password reset tokens, by their SHA-256: the token itself is only in the mail. */
export interface PasswordResetTokensTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Mails written here when no SMTP server is configured (development). */
export interface OutboxTable {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  created_at: string;
}

export type JobType = 'users_import' | 'users_export';
export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface JobsTable {
  id: string;
  type: JobType;
  status: JobStatus;
  connection_id: string;
  /** JSON: the job's options (upsert; export format, fields, hashes). */
  options: string;
  /** The uploaded file (imports) or the written file (exports). */
  file_path: string | null;
  /** Rows read and settled (imported, updated or reported): where a resumed job picks up. */
  rows_done: number;
  inserted: number;
  updated: number;
  failed: number;
  total: number;
  /** Why the job failed as a whole. */
  failure: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** Last sign of life of the server running it (epoch ms). */
  heartbeat_at: number | null;
  /** The process running it, as `host:pid`. */
  claimed_by: string | null;
}

/** One rejected row of an import job, in Auth0's error report shape. */
export interface JobErrorsTable {
  job_id: string;
  row_index: number;
  /** JSON: the row as given, without password hashes. */
  user: string;
  /** JSON: `[{code, message, path}]`. */
  errors: string;
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
  /** The account the identifier named, when it named one. */
  user_id: string | null;
  ip: string | null;
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

export interface ServerSettingsTable {
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
  server_settings: ServerSettingsTable;
  password_history: PasswordHistoryTable;
  password_reset_tokens: PasswordResetTokensTable;
  outbox: OutboxTable;
  jobs: JobsTable;
  job_errors: JobErrorsTable;
}
