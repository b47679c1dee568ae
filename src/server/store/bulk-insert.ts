/**
 * Multi-row inserts in a few fixed shapes, for bulk writes (the user import). Kysely builds a
 * multi-row insert as a tree of every value and compiles it to SQL anew each time, and a
 * statement with a different number of rows has a different SQL text, which no statement cache
 * can reuse. Here the rows go in statements of CHUNK_ROWS rows, with a remainder split into
 * powers of two, so a handful of SQL texts serve every batch: each is compiled by Kysely once per
 * engine and then run with its parameters alone, and the SQLite driver's statement cache keeps
 * each one prepared.
 */
import { CompiledQuery, type Insertable, type Kysely } from 'kysely';

import type { Database } from './schema.js';

/** Rows per statement: large enough that SQLite's per-statement cost vanishes, with parameters far below every engine's limit. */
export const CHUNK_ROWS = 100;

type Table = keyof Database;

/** Compiled SQL of each shape (table, columns, rows), per engine: the key is the engine's adapter. */
const shapes = new WeakMap<object, Map<string, string>>();

/** Rows in the next statement: CHUNK_ROWS, or the largest power of two not above what is left. */
export function chunkRows(left: number): number {
  if (left >= CHUNK_ROWS) return CHUNK_ROWS;
  return 2 ** Math.floor(Math.log2(left));
}

/**
 * Inserts `rows` into `table`, as `db.insertInto(table).values(rows)` would, in statements of a
 * few fixed shapes. Rows that the fixed shapes cannot carry exactly as Kysely would (keys that
 * differ from row to row, an undefined value, anything but a string, number, bigint, boolean or
 * null, or text the engines refuse) go through Kysely's own builder, which also reports them.
 */
export async function insertInChunks<T extends Table>(db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const parameters = flatParameters(rows, columns);
  if (parameters === undefined) {
    await db.insertInto(table).values([...rows]).execute();
    return;
  }
  const width = columns.length;
  const adapter = db.getExecutor().adapter;
  let known = shapes.get(adapter);
  if (known === undefined) {
    known = new Map();
    shapes.set(adapter, known);
  }
  for (let offset = 0; offset < rows.length; ) {
    const count = chunkRows(rows.length - offset);
    const key = `${table}\u0000${columns.join(',')}\u0000${count}`;
    const sql = known.get(key);
    if (sql === undefined) {
      // The first statement of this shape is Kysely's own; its SQL text serves the later ones.
      const compiled = db
        .insertInto(table)
        .values(rows.slice(offset, offset + count))
        .compile();
      known.set(key, compiled.sql);
      await db.executeQuery(compiled);
    } else {
      await db.executeQuery(CompiledQuery.raw(sql, parameters.slice(offset * width, (offset + count) * width)));
    }
    offset += count;
  }
}

/**
 * The rows' values, row after row in `columns` order, as Kysely passes them to the engine; or
 * undefined when some row does not fit the fixed shape.
 */
function flatParameters(rows: readonly object[], columns: readonly string[]): unknown[] | undefined {
  const parameters: unknown[] = [];
  for (const row of rows) {
    // Same keys in any order: Kysely orders every row's values by the first row's columns.
    if (Object.keys(row).length !== columns.length) return undefined;
    for (const column of columns) {
      const value: unknown = (row as Record<string, unknown>)[column];
      if (value === null || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
        parameters.push(value);
      } else if (typeof value === 'string' && !value.includes('\u0000')) {
        parameters.push(value);
      } else {
        // Undefined (a default), an expression, a missing key, or text Kysely's compiler refuses.
        return undefined;
      }
    }
  }
  return parameters;
}
