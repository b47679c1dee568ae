/**
 * The `q` parameter of `GET /api/v2/users`: the part of Auth0's Lucene query syntax that
 * migration scripts use. Terms are joined by spaces or AND; each is `field:value`, `field:"quoted
 * value"`, `field:prefix*`, or a bare word searched in email, username and name. Anything else
 * (OR, NOT, parentheses, ranges) is refused with a clear error rather than half understood.
 */
import type { SearchTerm, SearchableText } from '../store/users-repository.js';
import { ServiceError } from './service-error.js';

const TEXT_FIELDS: Readonly<Record<string, SearchableText>> = {
  email: 'email',
  username: 'username',
  name: 'name',
  given_name: 'given_name',
  family_name: 'family_name',
  nickname: 'nickname',
  user_id: 'id',
};
const BOOLEAN_FIELDS = new Set(['blocked', 'email_verified']);
const TERM = /^(?:([a-z_]+):)?(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))$/;

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_body', `The query "q" is not supported: ${message}`, { path: 'q' });
}

function splitTerms(query: string): string[] {
  const terms: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < query.length; index += 1) {
    const character = query[index] ?? '';
    if (character === '\\' && quoted) {
      current += character + (query[index + 1] ?? '');
      index += 1;
    } else if (character === '"') {
      quoted = !quoted;
      current += character;
    } else if (/\s/.test(character) && !quoted) {
      if (current) terms.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  if (quoted) throw invalid('a quote is not closed');
  if (current) terms.push(current);
  return terms.filter((term) => term !== 'AND');
}

export function parseUserQuery(query: string): SearchTerm[] {
  return splitTerms(query.trim()).map((term) => {
    if (term === 'OR' || term === 'NOT' || /^[()[\]{}+!-]/.test(term)) {
      throw invalid(`"${term}": only terms joined by AND are understood`);
    }
    const match = TERM.exec(term);
    if (!match) throw invalid(`"${term}" is not field:value`);
    const [, field, quotedValue, bareValue = ''] = match;
    const value = quotedValue === undefined ? bareValue : quotedValue.replace(/\\(.)/g, '$1');
    if (field !== undefined && BOOLEAN_FIELDS.has(field)) {
      if (value !== 'true' && value !== 'false') throw invalid(`${field} is true or false`);
      return { kind: 'flag', field: field as 'blocked' | 'email_verified', value: value === 'true' };
    }
    const column = field === undefined ? undefined : TEXT_FIELDS[field];
    if (field !== undefined && column === undefined) throw invalid(`cannot search by "${field}"`);
    // A trailing * (outside quotes) asks for a prefix; a bare word without a field is a substring.
    const prefix = quotedValue === undefined && value.endsWith('*');
    const text = prefix ? value.slice(0, -1) : value;
    if (text.includes('*') || text.includes('?')) throw invalid('wildcards only at the end of a value');
    if (!text) throw invalid(`"${term}" has no value`);
    return column === undefined
      ? { kind: 'text', field: 'any', match: 'contains', value: text }
      : { kind: 'text', field: column, match: prefix ? 'prefix' : 'exact', value: text };
  });
}
