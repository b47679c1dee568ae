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
 * So each substring is looked for once, in one Map holding every word of every dictionary with its
 * rank in each. Almost no substring is a word and that one lookup ends it; a substring that is one
 * gets its ranks from the Map, dictionary by dictionary in the matcher's own order and with its own
 * length limits, so the matches come out exactly as zxcvbn-ts's own code makes them (a
 * differential test holds it to that). The few words that three-letter substrings hit in
 * most dictionaries used to cost twenty slow lookups each, a third of an estimate. Names a plain
 * object inherits (`constructor`), which the matcher's `dict[word]` finds too, are still looked up
 * in the dictionaries themselves.
 *
 * This replaces a method of a class that zxcvbn-ts does not export as such. Every shape it relies
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

/** zxcvbn-ts's dictionary matcher inside a ZxcvbnFactory, when it has the expected shape. */
function dictionaryMatcherOf(factory: object): Record<string, unknown> | undefined {
  const matching: unknown = Reflect.get(factory, 'matching');
  if (!isObject(matching) || !isObject(matching.matchers)) return undefined;
  const matcher = matching.matchers.dictionary;
  if (!isObject(matcher) || !isObject(matcher.options)) return undefined;
  if (!isObject(matcher.options.rankedDictionaries)) return undefined;
  return matcher;
}

function isMatcherPrototype(value: unknown): value is MatcherPrototype {
  return isObject(value) && typeof value.match === 'function' && typeof value.getRangedDictionaries === 'function';
}

/** The class (prototype) of `factory`'s dictionary matcher, when it has the expected shape. */
function matcherPrototypeOf(factory: object): MatcherPrototype | undefined {
  const matcher = dictionaryMatcherOf(factory);
  const prototype: unknown = matcher && Object.getPrototypeOf(matcher);
  return isMatcherPrototype(prototype) ? prototype : undefined;
}

/** The original `match` of every prototype this module has taken over. */
const originalMatches = new WeakMap<MatcherPrototype, MatchMethod>();

/**
 * Installs the prefiltered lookup on the dictionary matcher class of `factory` (a ZxcvbnFactory),
 * which its l33t, reversed and word-sequence matchers inherit. Idempotent; answers whether the
 * prefilter is in place.
 */
export function installDictionaryPrefilter(factory: object): boolean {
  const prototype = matcherPrototypeOf(factory);
  if (!prototype) return false;
  if (originalMatches.has(prototype)) return true;
  const original = prototype.match;
  // A method the matcher expects (`match(options)`) that was not where this module expects it
  // means another version of zxcvbn-ts: leave it alone.
  if (original.length > 1) return false;
  originalMatches.set(prototype, original);
  prototype.match = function prefilteredMatch(this: DictionaryMatcher, options: DictionaryMatchOptions): unknown {
    if (this.options.useLevenshteinDistance === true && options.useLevenshtein !== false) return original.call(this, options);
    return matchWithPrefilter(this, options);
  };
  return true;
}

/** Whether `factory`'s dictionary matcher runs the prefiltered lookup. */
export function hasDictionaryPrefilter(factory: object): boolean {
  const prototype = matcherPrototypeOf(factory);
  return prototype !== undefined && originalMatches.has(prototype);
}

/**
 * Where a word is, as a number: `rank * stride + position`, `position` being the dictionary's place
 * among the indexed ones and `stride` their count. A word in several dictionaries has one number
 * per dictionary, in the dictionaries' order. ASK_THE_DICTIONARIES marks a word whose answer the
 * index does not hold (a name the dictionaries inherit, or a rank that is not a whole number): it
 * is looked up in each dictionary as zxcvbn-ts does.
 */
type WordPlaces = number | readonly number[];

const ASK_THE_DICTIONARIES = -1;

/**
 * Substrings grow one character at a time from each start; once their first characters begin no
 * word, no longer one from that start is a word either, and the lookups stop there. Three
 * characters begin about 10,000 distinct words of the 184,000 and rule out most starts.
 */
const PREFIX_LENGTH = 3;

function addPrefix(prefixes: Set<string>, word: string): void {
  if (word.length >= PREFIX_LENGTH) prefixes.add(word.slice(0, PREFIX_LENGTH));
}

/** Every word of a set of dictionaries and its rank in each; built once for a matcher's dictionaries. */
interface WordIndex {
  /** Each indexed dictionary's position. */
  readonly positions: ReadonlyMap<RankedDictionary, number>;
  readonly stride: number;
  readonly places: ReadonlyMap<string, WordPlaces>;
  /** The first PREFIX_LENGTH characters of every word and inherited name. */
  readonly prefixes: ReadonlySet<string>;
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

function withPlace(known: WordPlaces | undefined, place: number): WordPlaces {
  if (known === undefined) return place;
  if (known === ASK_THE_DICTIONARIES) return known;
  return typeof known === 'number' ? [known, place] : [...known, place];
}

/** The index of the matcher's configured dictionaries, built on first use. */
function indexFor(configured: Readonly<Record<string, RankedDictionary>>): WordIndex {
  const known = indexes.get(configured);
  if (known) return known;
  const dictionaries = Object.values(configured);
  const stride = dictionaries.length;
  const places = new Map<string, WordPlaces>();
  const prefixes = new Set<string>();
  dictionaries.forEach((dictionary, position) => {
    for (const [word, rank] of Object.entries(dictionary)) {
      addPrefix(prefixes, word);
      const place = typeof rank === 'number' && Number.isSafeInteger(rank * stride + position) && rank >= 0 ? rank * stride + position : ASK_THE_DICTIONARIES;
      places.set(word, place === ASK_THE_DICTIONARIES ? place : withPlace(places.get(word), place));
    }
    for (const name of inheritedNames(dictionary)) {
      places.set(name, ASK_THE_DICTIONARIES);
      addPrefix(prefixes, name);
    }
  });
  const index: WordIndex = { positions: new Map(dictionaries.map((dictionary, position) => [dictionary, position])), stride, places, prefixes };
  indexes.set(configured, index);
  return index;
}

/** The rank of a word in the dictionary at `position`, from its places; undefined when not there. */
function rankAt(places: WordPlaces, position: number, stride: number): number | undefined {
  if (typeof places === 'number') return places % stride === position ? (places - position) / stride : undefined;
  for (const place of places) {
    if (place % stride === position) return (place - position) / stride;
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

function matchWithPrefilter(matcher: DictionaryMatcher, { password, userInputsOptions }: DictionaryMatchOptions): DictionaryMatch[] {
  const { rankedDictionaries, rankedDictionariesMaxWordSize } = matcher.getRangedDictionaries(userInputsOptions);
  const index = indexFor(matcher.options.rankedDictionaries);
  const callDictionaries: CallDictionary[] = [];
  // Dictionaries made for this call (the user's own inputs) are not in the index: a small Set each.
  let callWords: Set<string> | undefined;
  let callPrefixes: Set<string> | undefined;
  for (const name of Object.keys(rankedDictionaries)) {
    const dictionary = rankedDictionaries[name];
    if (dictionary === undefined) continue;
    const position = index.positions.get(dictionary);
    callDictionaries.push({ name, dictionary, position, maxWordSize: rankedDictionariesMaxWordSize[name] });
    if (position !== undefined) continue;
    callWords ??= new Set<string>();
    addWords(callWords, dictionary);
  }
  if (callWords) {
    callPrefixes = new Set<string>();
    for (const word of callWords) addPrefix(callPrefixes, word);
  }
  const widest = Math.max(0, ...Object.values(rankedDictionariesMaxWordSize));
  const lowered = password.toLowerCase();
  const matches: DictionaryMatch[] = [];
  for (let i = 0; i < password.length; i += 1) {
    for (let j = i; j < password.length; j += 1) {
      const length = j - i + 1;
      // zxcvbn-ts looks the whole password up in every dictionary whatever the length limits, and a
      // plain object answers inherited names (`constructor`) in any of them: the exception stays.
      const isWholePassword = i === 0 && j === password.length - 1;
      if (length > widest && !isWholePassword) break;
      const word = lowered.slice(i, j + 1);
      if (length === PREFIX_LENGTH && !index.prefixes.has(word) && !callPrefixes?.has(word)) break;
      const places = index.places.get(word);
      const inCallDictionaries = callWords?.has(word) === true;
      if (places === undefined && !inCallDictionaries) continue;
      for (const { name, dictionary, position, maxWordSize } of callDictionaries) {
        if (maxWordSize !== undefined && length > maxWordSize && !isWholePassword) continue;
        let rank: unknown;
        if (position === undefined) rank = inCallDictionaries ? dictionary[word] : undefined;
        else if (places === ASK_THE_DICTIONARIES) rank = dictionary[word];
        else rank = places === undefined ? undefined : rankAt(places, position, index.stride);
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
