/** A bare better-sqlite3 handle with the connection settings `openDatabase` gives the server's. */
import Sqlite from 'better-sqlite3';

export function openBareSqlite(file: string): Sqlite.Database {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}
