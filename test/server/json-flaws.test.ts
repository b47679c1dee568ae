/**
 * findJsonFlaw and nestsDeeperThan answer the common case (no flaw) with a quick walk and only
 * then look for the first flaw and its path: the answers must be those of the plain walk, written
 * out here as the reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { findJsonFlaw, nestsDeeperThan, type JsonFlaw } from '../../src/server/services/json-flaws.js';

/** The plain depth-first walk: every node with its depth, path and key. */
function referenceFlaw(value: unknown, maxDepth: number): JsonFlaw | undefined {
  const pending: { node: unknown; depth: number; path: string; key: string | undefined }[] = [{ node: value, depth: 1, path: '', key: undefined }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, depth, path, key } = next;
    if (key === '__proto__') return { kind: 'reserved_key', path, message: 'the key "__proto__" is not allowed' };
    if (key !== undefined && /\p{Cs}/u.test(key)) {
      return { kind: 'ill_formed_text', path, message: 'keys must be well-formed Unicode text (this one holds a lone surrogate)' };
    }
    if (typeof node === 'string' && /\p{Cs}/u.test(node)) {
      return { kind: 'ill_formed_text', path, message: 'must be well-formed Unicode text (it holds a lone surrogate)' };
    }
    const container = typeof node === 'object' && node !== null;
    if (container && depth > maxDepth) return { kind: 'too_deep', path, message: `nests deeper than ${maxDepth} levels` };
    if (!container) continue;
    for (const [childKey, child] of Object.entries(node)) {
      pending.push({ node: child, depth: depth + 1, path: path === '' ? childKey : `${path}.${childKey}`, key: childKey });
    }
  }
  return undefined;
}

function deeperAnywhere(value: unknown, limit: number, depth = 1): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > limit) return true;
  return Object.values(value).some((child) => deeperAnywhere(child, limit, depth + 1));
}

/** JSON-like trees with, now and then, a lone surrogate in a key or text, or an own `__proto__` key. */
const key = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 4 }) }, fc.constantFrom('__proto__', '\ud800', 'a\udfff', '\ud83d\ude00'));
const text = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 5 }) }, fc.constantFrom('\ud800', 'x\udfffy', '\ud83d\ude00'));
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('tree'), { maxLength: 3 }),
    // Object.fromEntries defines `__proto__` as an own key, as JSON.parse does.
    fc.array(fc.tuple(key, tie('tree')), { maxLength: 3 }).map((entries) => Object.fromEntries(entries) as unknown),
  ),
}));

describe('findJsonFlaw', () => {
  it('gives the first flaw of the plain walk, or none', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        assert.deepStrictEqual(findJsonFlaw(value, maxDepth), referenceFlaw(value, maxDepth));
      }),
      { numRuns: 3000 },
    );
  });

  it('nestsDeeperThan agrees with a recursive walk', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 6 }), (value, limit) => {
        assert.equal(nestsDeeperThan(value, limit), deeperAnywhere(value, limit));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds each kind of flaw where it is', () => {
    const parsed = JSON.parse('{"a":[{"ok":"fine"},{"b":"\\ud800"}],"c":{"__proto__":{}}}') as unknown;
    assert.equal(findJsonFlaw(parsed, 10)?.kind, referenceFlaw(parsed, 10)?.kind);
    assert.deepStrictEqual(findJsonFlaw({ a: { b: { c: {} } } }, 3), { kind: 'too_deep', path: 'a.b.c', message: 'nests deeper than 3 levels' });
    assert.equal(findJsonFlaw({ a: { b: { c: {} } } }, 4), undefined);
  });
});
