/**
 * Flaws that parsed JSON can carry past any schema: nesting deep enough to overflow the stack of
 * recursive code (JSON.stringify of metadata), text that is not well-formed UTF-16 (a lone
 * surrogate, which SQLite would store as U+FFFD and hashing would merge with other strings), and
 * keys named `__proto__`, which JSON.parse keeps as data but zod's records and every object spread
 * drop silently. Everything that enters through a boundary (bodies, import rows, a legacy store's
 * profiles) is refused with the first flaw found, so nothing is stored other than as given.
 */

/**
 * How deep arrays and objects may nest in what we accept: far beyond any real request or profile,
 * and far below the depth at which recursive code runs out of stack, which 64 KiB of `[` reaches.
 */
export const MAX_JSON_DEPTH = 256;

export type JsonFlawKind = 'too_deep' | 'ill_formed_text' | 'reserved_key';

export interface JsonFlaw {
  kind: JsonFlawKind;
  /** Dotted path to the value at fault, '' for the whole value. */
  path: string;
  message: string;
}

/** A lone surrogate: with the `u` flag a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /\p{Cs}/u;
const RESERVED_KEY = '__proto__';

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

interface JsonNode {
  node: unknown;
  /** The value itself is level 1. */
  depth: number;
  path: string;
  /** The key under which the node sits in its parent object or array. */
  key: string | undefined;
}

/** Every value inside `value`, depth first, without recursion, so that no depth overflows the stack here. */
function* jsonNodes(value: unknown): Generator<JsonNode, void, undefined> {
  const pending: JsonNode[] = [{ node: value, depth: 1, path: '', key: undefined }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    yield next;
    const { node, depth, path } = next;
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      pending.push({ node: child, depth: depth + 1, path: path === '' ? key : `${path}.${key}`, key });
    }
  }
}

function isContainer(node: unknown): node is object {
  return typeof node === 'object' && node !== null;
}

/**
 * Whether `value` holds a container deeper than `maxDepth` or, with `checkText`, a key or string
 * that findJsonFlaw refuses. A plain loop over two stacks, with no paths: the quick answer for the
 * common case of no flaw at all, which import rows ask for one by one.
 */
function mayBeFlawed(value: unknown, maxDepth: number, checkText: boolean): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop() ?? 1;
    if (typeof node === 'string') {
      if (checkText && !isWellFormedText(node)) return true;
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return true;
    // The keys jsonNodes visits (Object.entries's), arrays' included.
    for (const key of Object.keys(node)) {
      if (checkText && (key === RESERVED_KEY || !isWellFormedText(key))) return true;
      nodes.push((node as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return false;
}

/** Whether arrays and objects nest in `value` deeper than `limit` levels. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return mayBeFlawed(value, limit, false);
}

/** The first flaw in `value`, or undefined. */
export function findJsonFlaw(value: unknown, maxDepth: number): JsonFlaw | undefined {
  if (!mayBeFlawed(value, maxDepth, true)) return undefined;
  // Which flaw comes first, and where: the walk with paths, only for values that have one.
  for (const { node, depth, path, key } of jsonNodes(value)) {
    if (key === RESERVED_KEY) return { kind: 'reserved_key', path, message: `the key "${RESERVED_KEY}" is not allowed` };
    if (key !== undefined && !isWellFormedText(key)) {
      return { kind: 'ill_formed_text', path, message: 'keys must be well-formed Unicode text (this one holds a lone surrogate)' };
    }
    if (typeof node === 'string' && !isWellFormedText(node)) {
      return { kind: 'ill_formed_text', path, message: 'must be well-formed Unicode text (it holds a lone surrogate)' };
    }
    if (isContainer(node) && depth > maxDepth) return { kind: 'too_deep', path, message: `nests deeper than ${maxDepth} levels` };
  }
  return undefined;
}
