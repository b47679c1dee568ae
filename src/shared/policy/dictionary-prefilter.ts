/**
 * A faster dictionary lookup for zxcvbn-ts, with the same answers.
 *
 * zxcvbn-ts's dictionary matcher takes every substring of the password and looks it up in each of
 * its ranked dictionaries (twenty with language-common and language-en), each a plain object of
 * up to 89,000 words. A freshly sliced string used as a property key costs V8 a string-table probe
 * per object, so a 23-character password meant about 5,500 slow lookups per pass, ten passes per
 * estimate (plain, l33t variants, reversed, word sequences): three quarters of the estimate's time,
 * 12 ms on the server's event loop per sign-up and tens of milliseconds in the widget's worker.
 *
 * Almost no substring is a word. So each substring is first looked for in one Set holding every
 * word of every dictionary (and every name an object inherits, since the matcher's `dict[word]`
 * finds those too); only a substring found there is looked up dictionary by dictionary, in the
 * matcher's own order and with its own length limits, so the matches come out exactly as
 * zxcvbn-ts's own code makes them (a differential test holds it to that). Those lookups are
 * remembered per word: the short words that a password's substrings hit sit in most of the twenty
 * dictionaries, and repeat from pass to pass and from key press to key press. And once a start's
 * first three characters begin no word, the longer substrings from that start are not looked up.
 *
 * The l33t matcher reads symbols as letters ('p4ssw0rd' as 'password') and looks every substring
 * of every reading up, only to keep the matches that hold a substituted letter; given zxcvbn-ts's
 * list of readings, only those substrings are looked up (installL33tPrefilter).
 *
 * This replaces methods of classes that zxcvbn-ts does not export as such. Every shape it relies
 * on is checked before it is installed; anything unexpected leaves zxcvbn-ts as it is (slower,
 * still correct), and the tests fail on the version where that happens. With Levenshtein matching
 * on (not used here) the original method runs.
 */

type RankedDictionary = Readonly<Record<string, unknown>>;

interface RangedDictionaries {
  rankedDictionaries: Readonly<Record<string, RankedDictionary>>;
  rankedDictionariesMaxWordSize: Readonly<Record<string, number>>;
}

interface DictionaryMatchOptions {
  password: string;
  userInputsOptions?: unknown;
  useLevenshtein?: boolean;
}

interface DictionaryMatch {
  pattern: 'dictionary';
  i: number;
  j: number;
  token: string;
  matchedWord: string;
  rank: unknown;
  dictionaryName: string;
  reversed: false;
  l33t: false;
}

/** The parts of zxcvbn-ts's dictionary matcher (an instance of its MatchDictionary) used here. */
interface DictionaryMatcher {
  // Both checked before the prefilter is installed (dictionaryMatcherOf).
  options: { useLevenshteinDistance: unknown; rankedDictionaries: Readonly<Record<string, RankedDictionary>> };
  getRangedDictionaries(userInputsOptions: unknown): RangedDictionaries;
}

type MatchMethod = (this: DictionaryMatcher, options: DictionaryMatchOptions) => unknown;

interface MatcherPrototype {
  match: MatchMethod;
  getRangedDictionaries: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDictionaries(value: unknown): value is Readonly<Record<string, RankedDictionary>> {
  return isObject(value) && Object.values(value).every(isObject);
}

/** zxcvbn-ts's dictionary matcher instance and the dictionaries it was configured with. */
interface FoundMatcher {
  instance: object;
  rankedDictionaries: Readonly<Record<string, RankedDictionary>>;
}

/** The matcher instances of a ZxcvbnFactory, by name, when it has the expected shape. */
function matchersOf(factory: object): Record<string, unknown> | undefined {
  const matching: unknown = Reflect.get(factory, 'matching');
  return isObject(matching) && isObject(matching.matchers) ? matching.matchers : undefined;
}

/** zxcvbn-ts's dictionary matcher inside a ZxcvbnFactory, when it has the expected shape. */
function dictionaryMatcherOf(factory: object): FoundMatcher | undefined {
  const matcher = matchersOf(factory)?.dictionary;
  if (!isObject(matcher) || !isObject(matcher.options)) return undefined;
  const { rankedDictionaries } = matcher.options;
  if (!isDictionaries(rankedDictionaries)) return undefined;
  return { instance: matcher, rankedDictionaries };
}

function isMatcherPrototype(value: unknown): value is MatcherPrototype {
  return isObject(value) && typeof value.match === 'function' && typeof value.getRangedDictionaries === 'function';
}

/** The class (prototype) of a dictionary matcher, when it has the expected shape. */
function matcherPrototypeOf(matcher: FoundMatcher | undefined): MatcherPrototype | undefined {
  const prototype: unknown = matcher && Object.getPrototypeOf(matcher.instance);
  return isMatcherPrototype(prototype) ? prototype : undefined;
}

/** The original `match` of every prototype this module has taken over. */
const originalMatches = new WeakMap<object, MatchMethod>();

/**
 * Installs the prefiltered lookup on the dictionary matcher class of `factory` (a ZxcvbnFactory),
 * which its l33t, reversed and word-sequence matchers inherit, and indexes `factory`'s
 * dictionaries; with `l33tReadings`, the l33t matcher's narrower lookup too. Idempotent; answers
 * whether the dictionary prefilter is in place.
 */
export function installDictionaryPrefilter(factory: object, l33tReadings?: L33tReadings): boolean {
  const matcher = dictionaryMatcherOf(factory);
  const prototype = matcherPrototypeOf(matcher);
  if (!matcher || !prototype) return false;
  if (!originalMatches.has(prototype)) {
    const original = prototype.match;
    // A method the matcher expects (`match(options)`) that was not where this module expects it
    // means another version of zxcvbn-ts: leave it alone.
    if (original.length > 1) return false;
    originalMatches.set(prototype, original);
    prototype.match = function prefilteredMatch(this: DictionaryMatcher, options: DictionaryMatchOptions): unknown {
      if (this.options.useLevenshteinDistance === true && options.useLevenshtein !== false) return original.call(this, options);
      return matchWithPrefilter(this, options);
    };
  }
  if (l33tReadings) installL33tPrefilter(factory, prototype, l33tReadings);
  // Built now, while the dictionaries load, rather than in the first estimate, which in the
  // widget runs while the user types.
  indexFor(matcher.rankedDictionaries);
  return true;
}

/** Whether `factory`'s dictionary matcher runs the prefiltered lookup. */
export function hasDictionaryPrefilter(factory: object): boolean {
  const prototype = matcherPrototypeOf(dictionaryMatcherOf(factory));
  return prototype !== undefined && originalMatches.has(prototype);
}

/** Whether `factory`'s l33t matcher looks up only the substrings that hold a substitution. */
export function hasL33tPrefilter(factory: object): boolean {
  const prototype = l33tPrototypeOf(factory, matcherPrototypeOf(dictionaryMatcherOf(factory)));
  return prototype !== undefined && originalMatches.has(prototype);
}

/** One reading of a password with letters in place of symbols, as zxcvbn-ts's l33t matcher makes them. */
export interface L33tReading {
  password: string;
  /** In order along the reading; `i` is where `letter` stands in it. */
  changes: readonly { i: number; letter: string; substitution: string }[];
  isFullSubstitution: boolean;
}

/**
 * zxcvbn-ts's own list of a password's l33t readings (its getCleanPasswords): what the l33t
 * matcher looks up, in its order and up to its limit. Passed in rather than imported here, since
 * it is not part of zxcvbn-ts's public API (strength.ts loads it beside the estimator).
 */
export type L33tReadings = (password: string, limit: number, trieRoot: unknown) => readonly L33tReading[];

/** The parts of zxcvbn-ts's l33t matcher (a MatchL33t, which extends MatchDictionary) used here. */
interface L33tMatcher extends DictionaryMatcher {
  options: DictionaryMatcher['options'] & { l33tMaxSubstitutions?: unknown; trieNodeRoot?: unknown };
}

interface L33tMatch extends Omit<DictionaryMatch, 'l33t'> {
  l33t: true;
  subs: { letter: string; substitution: string }[];
  subDisplay: string;
}

/** The class of `factory`'s l33t matcher, when it is a dictionary matcher with the expected shape. */
function l33tPrototypeOf(factory: object, dictionaryPrototype: MatcherPrototype | undefined): MatcherPrototype | undefined {
  const matcher = matchersOf(factory)?.dictionaryL33t;
  const prototype: unknown = isObject(matcher) ? Object.getPrototypeOf(matcher) : undefined;
  return dictionaryPrototype !== undefined && isMatcherPrototype(prototype) && Object.getPrototypeOf(prototype) === dictionaryPrototype
    ? prototype
    : undefined;
}

/**
 * The l33t matcher looks every substring of every reading up and then keeps only the matches that
 * hold a substitution; for a password with one symbol in it, nearly every match is made only to be
 * dropped. This one looks up only the substrings that hold a substituted letter (and the
 * whole reading, which decides whether later readings are tried), and otherwise does what
 * zxcvbn-ts's l33t matcher does, in its order, so that the matches are the same.
 */
function installL33tPrefilter(factory: object, dictionaryPrototype: MatcherPrototype, readingsOf: L33tReadings): void {
  const prototype = l33tPrototypeOf(factory, dictionaryPrototype);
  if (!prototype || originalMatches.has(prototype) || prototype.match.length > 1 || readingsOf.length !== 3) return;
  const original = prototype.match;
  originalMatches.set(prototype, original);
  prototype.match = function prefilteredL33tMatch(this: L33tMatcher, options: DictionaryMatchOptions): unknown {
    const { useLevenshteinDistance, l33tMaxSubstitutions, trieNodeRoot } = this.options;
    if (useLevenshteinDistance === true || typeof l33tMaxSubstitutions !== 'number') return original.call(this, options);
    return matchL33t(this, options, readingsOf(options.password, l33tMaxSubstitutions, trieNodeRoot));
  };
}

/** Any code unit outside ASCII. */
const BEYOND_ASCII = /[\u0080-\uffff]/;

function matchL33t(matcher: L33tMatcher, options: DictionaryMatchOptions, readings: readonly L33tReading[]): L33tMatch[] {
  const { password } = options;
  const matches: L33tMatch[] = [];
  // Outside ASCII, lower case is not always letter for letter ('İ' becomes two code units, 'Σ'
  // depends on what follows), so a substring without a substitution can still differ from its
  // lower-cased word, and zxcvbn-ts keeps it: there, everything is looked up.
  const passwordIsAscii = !BEYOND_ASCII.test(password);
  // Every reading is looked up in the same dictionaries, user inputs included.
  const lookup = callLookupOf(matcher, options.userInputsOptions);
  let wholeMatched = false;
  for (const reading of readings) {
    // A reading found whole in a dictionary ends the search, as in zxcvbn-ts.
    if (wholeMatched) break;
    const letterPositions =
      passwordIsAscii && !BEYOND_ASCII.test(reading.password)
        ? reading.changes.flatMap(({ i, letter }) => Array.from({ length: letter.length }, (_, offset) => i + offset)).sort((a, b) => a - b)
        : undefined;
    for (const match of matchWithPrefilter(matcher, { ...options, password: reading.password }, letterPositions, lookup)) {
      const placed = placeInPassword(reading, match.i, match.j);
      wholeMatched ||= placed.i === 0 && placed.j === password.length - 1;
      const token = password.slice(placed.i, placed.j + 1);
      // Only a match that reads a symbol as a letter is a l33t match.
      if (token.toLowerCase() === match.matchedWord) continue;
      const known = matches.some(
        (kept) => kept.i === placed.i && kept.j === placed.j && kept.dictionaryName === match.dictionaryName && kept.matchedWord === match.matchedWord,
      );
      if (!known) matches.push({ ...match, l33t: true, token, ...placed });
    }
  }
  // '1' read as i and '4' as a are very common words of low rank: single characters are noise.
  return matches.filter((match) => match.token.length > 1);
}

/** Where a reading's substring `i`…`j` stands in the password, and which substitutions it holds. */
function placeInPassword(reading: L33tReading, i: number, j: number): Pick<L33tMatch, 'i' | 'j' | 'subs' | 'subDisplay'> {
  let start = i;
  let end = j;
  const subs: L33tMatch['subs'] = [];
  const shown: string[] = [];
  const seen = new Set<string>();
  for (const { i: at, letter, substitution } of reading.changes) {
    const grows = substitution.length - letter.length;
    if (at < i) {
      start += grows;
      end += grows;
    } else if (at <= j) {
      end += grows;
      // The same key as zxcvbn-ts's, so that the same pairs count as one.
      const key = `${letter}-${substitution}`;
      if (seen.has(key)) continue;
      seen.add(key);
      subs.push({ letter, substitution });
      shown.push(`${substitution} -> ${letter}`);
    }
  }
  return { i: start, j: end, subs, subDisplay: shown.join(', ') };
}

/**
 * Substrings grow one character at a time from each start; once their first characters begin no
 * word, no longer one from that start is a word either, and the lookups stop there. The 184,000
 * words begin with only about 10,000 different three characters, so most starts end early.
 */
const PREFIX_LENGTH = 3;

/**
 * How many words' ranks are remembered. The same few hundred short words turn up in estimate after
 * estimate (every key press re-estimates a password that differs by one character); the bound
 * keeps a long-running server from remembering the whole dictionary.
 */
const REMEMBERED_WORDS = 20_000;

/**
 * A word's ranks in the indexed dictionaries that hold it, as pairs: the dictionary's position,
 * then the rank (whatever `dictionary[word]` answers, an inherited method included).
 */
type WordRanks = readonly unknown[];

/** Every word of a set of dictionaries; built once for a matcher's dictionaries. */
interface WordIndex {
  readonly dictionaries: readonly RankedDictionary[];
  /** Each indexed dictionary's position. */
  readonly positions: ReadonlyMap<RankedDictionary, number>;
  /** Every word and every inherited name. */
  readonly words: ReadonlySet<string>;
  /** The first PREFIX_LENGTH characters of every word and inherited name. */
  readonly prefixes: ReadonlySet<string>;
  /** The ranks of the words found lately, looked up once each. */
  readonly remembered: Map<string, WordRanks>;
}

// Keyed by the matcher's configured dictionaries (zxcvbn-ts replaces that object whenever its
// dictionaries change), so that each set of dictionaries is read once.
const indexes = new WeakMap<object, WordIndex>();
const inheritedNamesByPrototype = new WeakMap<object, readonly string[]>();

/** Names `dictionary[name]` finds without being a word: what the object inherits. */
function inheritedNames(dictionary: RankedDictionary): readonly string[] {
  const prototype: unknown = Object.getPrototypeOf(dictionary);
  if (!isObject(prototype)) return [];
  let names = inheritedNamesByPrototype.get(prototype);
  if (!names) {
    const collected: string[] = [];
    for (let link: unknown = prototype; isObject(link); link = Object.getPrototypeOf(link)) collected.push(...Object.getOwnPropertyNames(link));
    names = collected;
    inheritedNamesByPrototype.set(prototype, names);
  }
  return names;
}

function addWords(words: Set<string>, dictionary: RankedDictionary): void {
  for (const word of Object.keys(dictionary)) words.add(word);
  for (const name of inheritedNames(dictionary)) words.add(name);
}

/** The first PREFIX_LENGTH characters of each word (taken from the distinct words: a third fewer). */
function prefixesOf(words: ReadonlySet<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const word of words) if (word.length >= PREFIX_LENGTH) prefixes.add(word.slice(0, PREFIX_LENGTH));
  return prefixes;
}

/** The index of the matcher's configured dictionaries, built on first use. */
function indexFor(configured: Readonly<Record<string, RankedDictionary>>): WordIndex {
  const known = indexes.get(configured);
  if (known) return known;
  const dictionaries = Object.values(configured);
  const words = new Set<string>();
  for (const dictionary of dictionaries) addWords(words, dictionary);
  const index: WordIndex = {
    dictionaries,
    positions: new Map(dictionaries.map((dictionary, position) => [dictionary, position])),
    words,
    prefixes: prefixesOf(words),
    remembered: new Map(),
  };
  indexes.set(configured, index);
  return index;
}

/** A word's ranks in the index's dictionaries: looked up in each the first time, remembered after. */
function ranksOf(index: WordIndex, word: string): WordRanks {
  const known = index.remembered.get(word);
  if (known) return known;
  const ranks: unknown[] = [];
  index.dictionaries.forEach((dictionary, position) => {
    const rank = dictionary[word];
    if (rank !== undefined) ranks.push(position, rank);
  });
  if (index.remembered.size >= REMEMBERED_WORDS) index.remembered.clear();
  index.remembered.set(word, ranks);
  return ranks;
}

function rankAt(ranks: WordRanks, position: number): unknown {
  for (let pair = 0; pair < ranks.length; pair += 2) {
    if (ranks[pair] === position) return ranks[pair + 1];
  }
  return undefined;
}

/** One dictionary of a call, in the order zxcvbn-ts visits them. */
interface CallDictionary {
  name: string;
  dictionary: RankedDictionary;
  /** Its position in the index; undefined for a dictionary made for this call. */
  position: number | undefined;
  maxWordSize: number | undefined;
}

/** What the lookups of one call of a matcher consult: the same for every password it is given. */
interface CallLookup {
  index: WordIndex;
  callDictionaries: CallDictionary[];
  /** The words of the dictionaries made for this call (the user's own inputs), and their prefixes. */
  callWords: Set<string> | undefined;
  callPrefixes: ReadonlySet<string> | undefined;
  /** The longest word of any dictionary of the call. */
  widest: number;
}

function callLookupOf(matcher: DictionaryMatcher, userInputsOptions: unknown): CallLookup {
  const { rankedDictionaries, rankedDictionariesMaxWordSize } = matcher.getRangedDictionaries(userInputsOptions);
  const index = indexFor(matcher.options.rankedDictionaries);
  const callDictionaries: CallDictionary[] = [];
  // Dictionaries made for this call (the user's own inputs) are not in the index: a small Set each.
  let callWords: Set<string> | undefined;
  for (const name of Object.keys(rankedDictionaries)) {
    const dictionary = rankedDictionaries[name];
    if (dictionary === undefined) continue;
    const position = index.positions.get(dictionary);
    callDictionaries.push({ name, dictionary, position, maxWordSize: rankedDictionariesMaxWordSize[name] });
    if (position !== undefined) continue;
    callWords ??= new Set<string>();
    addWords(callWords, dictionary);
  }
  return {
    index,
    callDictionaries,
    callWords,
    callPrefixes: callWords && prefixesOf(callWords),
    widest: Math.max(0, ...Object.values(rankedDictionariesMaxWordSize)),
  };
}

/**
 * The dictionary matches of `password`, as zxcvbn-ts's own lookup finds them. With `changed` (the
 * positions where the l33t matcher put a letter for a symbol, ascending), only the substrings that
 * hold one of them, and the whole password, are looked up: the others are words the password
 * spells as they are, which the l33t matcher would find and throw away. The l33t matcher passes
 * the `lookup` it made once for all its readings.
 */
function matchWithPrefilter(
  matcher: DictionaryMatcher,
  { password, userInputsOptions }: DictionaryMatchOptions,
  changed?: readonly number[],
  lookup: CallLookup = callLookupOf(matcher, userInputsOptions),
): DictionaryMatch[] {
  const { index, callDictionaries, callWords, callPrefixes, widest } = lookup;
  const lowered = password.toLowerCase();
  const matches: DictionaryMatch[] = [];
  let nextChange = 0;
  for (let i = 0; i < password.length; i += 1) {
    // The first substring from i worth looking up ends at the first change at or after i.
    while (changed !== undefined && (changed[nextChange] ?? Number.POSITIVE_INFINITY) < i) nextChange += 1;
    const firstEnd = changed === undefined ? i : (changed[nextChange] ?? Number.POSITIVE_INFINITY);
    // No change from here on, and only the first start reaches the whole password.
    if (firstEnd === Number.POSITIVE_INFINITY && i > 0) break;
    for (let j = i; j < password.length; j += 1) {
      const length = j - i + 1;
      // zxcvbn-ts looks the whole password up in every dictionary whatever the length limits, and a
      // plain object answers inherited names (`constructor`) in any of them: the exception stays.
      const isWholePassword = i === 0 && j === password.length - 1;
      if (length > widest && !isWholePassword) break;
      // Whether or not this substring is looked up, first characters that begin no word end the start.
      if (length === PREFIX_LENGTH && !beginsAWord(lowered.slice(i, j + 1), index, callPrefixes)) break;
      if (j < firstEnd && !isWholePassword) continue;
      const word = lowered.slice(i, j + 1);
      const inIndex = index.words.has(word);
      const inCallDictionaries = callWords?.has(word) === true;
      if (!inIndex && !inCallDictionaries) continue;
      const ranks = inIndex ? ranksOf(index, word) : undefined;
      for (const { name, dictionary, position, maxWordSize } of callDictionaries) {
        if (maxWordSize !== undefined && length > maxWordSize && !isWholePassword) continue;
        let rank: unknown;
        if (position === undefined) rank = inCallDictionaries ? dictionary[word] : undefined;
        else rank = ranks && rankAt(ranks, position);
        if (rank === undefined) continue;
        matches.push({
          pattern: 'dictionary',
          i,
          j,
          token: password.slice(i, j + 1),
          matchedWord: word,
          rank,
          dictionaryName: name,
          reversed: false,
          l33t: false,
        });
      }
    }
  }
  return matches;
}

/** Whether some word of the index or of the call's own dictionaries begins with `prefix` (PREFIX_LENGTH characters). */
function beginsAWord(prefix: string, index: WordIndex, callPrefixes: ReadonlySet<string> | undefined): boolean {
  return index.prefixes.has(prefix) || callPrefixes?.has(prefix) === true;
}
