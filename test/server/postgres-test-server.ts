/**
 * The PostgreSQL server that `TEST_DATABASE_URL` names, as the tests administer it: databases
 * made, listed and dropped over a short-lived connection to its maintenance database. Free of
 * `node:test`, so that the test runner itself can clean up with it.
 */
import pg from 'pg';

/** Runs `work` on a short-lived connection to `serverUrl`. */
async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Names are made by the tests from a prefix and numbers; quoting keeps them exact anyway. */
function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates a database and returns its URL: the server's URL with the database name swapped in. */
export async function createPostgresDatabase(serverUrl: string, name: string): Promise<string> {
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.href;
}

/** Drops databases, connections and all (a server a test left running is cut off). */
export async function dropPostgresDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await onServer(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  });
}

/** The databases whose names start with `prefix`. */
export async function postgresDatabasesNamed(serverUrl: string, prefix: string): Promise<string[]> {
  const { rows } = await onServer(serverUrl, (client) =>
    client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]),
  );
  return rows.map((row) => row.datname);
}
