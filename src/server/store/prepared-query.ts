/**
 * Queries built and compiled once, then run with new values. Building a Kysely query (its
 * operation tree, then the SQL text) costs more than SQLite spends running a small indexed
 * lookup, and the queries behind every authenticated request never change shape: only their
 * values do. So those are written with `preparedQuery`, which builds the query once per engine
 * with stand-ins for its values and, on each call, swaps the real values into the compiled
 * parameters. (The SQLite driver then finds the SQL text in its statement cache, so SQLite does
 * not parse it again either.)
 */
import type { Compilable, CompiledQuery, DialectAdapter, Kysely } from 'kysely';

import { assertStorable } from './dialect.js';
import type { Database } from './schema.js';

/** Marks where the n-th value of a call goes among a compiled query's parameters. */
class ValueSlot {
  constructor(readonly index: number) {}
}

/**
 * `build` receives stand-ins, one per value, and must pass each to the query builder as a plain
 * value (`where(column, '=', value)`, `values({...})`): a stand-in that is inspected, combined or
 * turned into a list would not survive to the parameters, and the call throws.
 */
export function preparedQuery<Values extends readonly unknown[], Row>(
  arity: Values['length'],
  build: (db: Kysely<Database>, ...values: Values) => Compilable<Row>,
): (db: Kysely<Database>, ...values: Values) => Promise<Row[]> {
  // The SQL differs between engines, so it is compiled once per engine (each Kysely instance and
  // its transactions share one adapter).
  const compiledFor = new WeakMap<DialectAdapter, CompiledQuery<Row>>();
  const compile = (db: Kysely<Database>): CompiledQuery<Row> => {
    const slots = Array.from({ length: arity }, (_, index) => new ValueSlot(index));
    // The builder only passes the stand-ins through to Kysely, which holds any value as a parameter.
    const compiled = build(db, ...(slots as unknown as Values)).compile();
    const placed = new Set(compiled.parameters.filter((parameter) => parameter instanceof ValueSlot).map((slot) => slot.index));
    if (placed.size !== arity) throw new Error(`A prepared query placed ${placed.size} of its ${arity} values as parameters`);
    return compiled;
  };
  return async (db, ...values) => {
    const adapter = db.getExecutor().adapter;
    let compiled = compiledFor.get(adapter);
    if (!compiled) {
      compiled = compile(db);
      compiledFor.set(adapter, compiled);
    }
    const parameters = compiled.parameters.map((parameter) => {
      if (!(parameter instanceof ValueSlot)) return parameter;
      const value = values[parameter.index];
      assertStorable(value);
      return value;
    });
    // The query id only keys plugins' per-query state, and no plugin is installed.
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
