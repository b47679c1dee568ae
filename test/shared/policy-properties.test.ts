/**
 * Property-based tests of the policy engine (src/shared/policy) with fast-check: generated policies,
 * generated users and hostile strings. What the properties prove:
 *
 * 1. Client and server agree. The server checks passwords and usernames with the policies it
 *    resolved from its configuration; the widget with the same policies as they reach it through
 *    `GET /api/config`. For every valid configuration, the JSON round trip of `PublicConfig` passes
 *    the widget's hand-written guards and the zod schema, and gives every password, username, email
 *    and name exactly the server's verdict, rule for rule. The widget's own checklist path (its
 *    StrengthController scoring what was typed, and the details it feeds the rules) gives the
 *    server's definite answers as well.
 * 2. The checks never throw, on any string: every code point, lone surrogates, NUL, stacks of
 *    combining marks, 1 MiB inputs. Their answer always lists every rule of the policy in the
 *    README's checklist order, `ok` is a boolean wherever the data to decide is there, the lengths
 *    count code points after NFC, and a password longer than `maxLength` never passes.
 * 3. A 1 MiB password (and email, username, name) is checked and returns.
 * 4. Properties of the design, each true by the README's rules: the verdict does not depend on the
 *    Unicode normalisation form the password was typed in; relaxing any setting never turns a pass
 *    into a failure; appending ASCII never breaks the length minimum or the character classes, nor
 *    mends `max_length`; custom dictionary entries and common passwords are refused whatever their
 *    ASCII case; a password holding the user's email local part, username, name or a word of it
 *    fails `personal_info`; a username's verdict depends only on the form it is stored in, and one
 *    that passes never looks like an email (so a login identifier is one or the other).
 *
 * Every property has a fixed seed, so a failure replays exactly: fast-check prints the seed, the
 * path and the shrunk counterexample.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import fc from 'fast-check';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

import { isPasswordRules, isPublicConfig, isUsernameRules } from '../../src/lock/contract-guards.js';
import { StrengthController } from '../../src/lock/controllers/strength-controller.js';
import { ConfigError, resolveConfig, toPublicConfig, type ServerConfig } from '../../src/server/config.js';
import {
  PASSWORD_MAX_LENGTH_LIMIT,
  PASSWORD_MIN_LENGTH_LIMIT,
  publicConfigSchema,
  signupBodySchema,
  STRENGTH_LEVELS,
  USERNAME_LENGTH_LIMIT,
  type CharacterClass,
  type PasswordPolicy,
  type PasswordPolicyInput,
  type PasswordRuleId,
  type PasswordRuleResult,
  type StrengthLevel,
  type UsernamePolicy,
  type UsernamePolicyInput,
} from '../../src/shared/api.js';
import {
  checkPassword,
  checkUsername,
  evaluatePassword,
  loadStrengthEstimator,
  looksLikeEmail,
  normalizeUsername,
  personalInfoTokens,
  type PasswordCheck,
  type PasswordContext,
  type StrengthEstimator,
} from '../../src/shared/policy/index.js';

const SEED = 20261122;

let estimator: StrengthEstimator;
before(async () => {
  // The zxcvbn dictionaries load lazily and once; every property below that scores passwords
  // shares this load.
  estimator = await loadStrengthEstimator();
});

// ---------------------------------------------------------------------------------------------
// What the README says, written out here so the properties check the engine against the
// documentation rather than against itself.

/** README "Password policy": the checklist order of the rules. */
const CHECKLIST_ORDER: readonly PasswordRuleId[] = [
  'min_length',
  'max_length',
  'character_classes',
  'identical_characters',
  'min_score',
  'dictionary',
  'personal_info',
  'history',
];

/** README "Password policy": the presets table (minimum length, characters, longest run). */
const README_PRESETS: Readonly<
  Record<StrengthLevel, { minLength: number; classes?: { required: number; of: readonly CharacterClass[] }; maxRun?: number }>
> = {
  none: { minLength: 1 },
  low: { minLength: 6 },
  fair: { minLength: 8, classes: { required: 3, of: ['lower', 'upper', 'digit'] } },
  good: { minLength: 8, classes: { required: 3, of: ['lower', 'upper', 'digit', 'special'] } },
  excellent: { minLength: 10, classes: { required: 3, of: ['lower', 'upper', 'digit', 'special'] }, maxRun: 2 },
};

/**
 * The README's ASCII classes: lower a-z, upper A-Z, digit 0-9, and special: space and
 * !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~, which is every other printable ASCII character.
 */
function classOf(character: string): CharacterClass | undefined {
  const code = character.codePointAt(0) ?? -1;
  if (code >= 0x61 && code <= 0x7a) return 'lower';
  if (code >= 0x41 && code <= 0x5a) return 'upper';
  if (code >= 0x30 && code <= 0x39) return 'digit';
  if (code >= 0x20 && code <= 0x7e) return 'special';
  return undefined;
}

/** README: usernames are ASCII letters, digits and _+-.!#$^`~@', stored lowercase. */
const USERNAME_CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ..."_+-.!#$^`~@'"];
const STORED_USERNAME = /^[a-z0-9_+\-.!#$^`~@']+$/;

/** README: lengths count code points after NFC normalisation. */
function readmeLength(text: string): number {
  return Array.from(text.normalize('NFC')).length;
}

/** The rule ids the README's table says a policy shows, in checklist order. */
function expectedRuleIds(policy: PasswordPolicy): PasswordRuleId[] {
  const shown: Record<PasswordRuleId, boolean> = {
    min_length: true,
    max_length: true,
    character_classes: README_PRESETS[policy.strength].classes !== undefined,
    identical_characters: README_PRESETS[policy.strength].maxRun !== undefined,
    min_score: policy.minScore > 0, // "0 turns it off"
    dictionary: policy.dictionary.common || policy.dictionary.custom.length > 0,
    personal_info: policy.noPersonalInfo,
    history: policy.history > 0,
  };
  return CHECKLIST_ORDER.filter((id) => shown[id]);
}

function ruleOf<Id extends PasswordRuleId>(check: PasswordCheck, id: Id): Extract<PasswordRuleResult, { id: Id }> | undefined {
  return check.rules.find((rule): rule is Extract<PasswordRuleResult, { id: Id }> => rule.id === id);
}

function verdicts(check: PasswordCheck): { id: PasswordRuleId; ok: boolean | null }[] {
  return check.rules.map(({ id, ok }) => ({ id, ok }));
}

/** Swaps the case of the ASCII letters where `mask` says so; nothing else changes. */
function flipAsciiCase(text: string, mask: readonly boolean[]): string {
  let index = 0;
  return text.replace(/[A-Za-z]/g, (letter) => {
    const flip = mask.length > 0 && mask[index++ % mask.length] === true;
    if (!flip) return letter;
    return letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
  });
}

// ---------------------------------------------------------------------------------------------
// Generators

/** fc.string never makes half a surrogate pair; JavaScript strings (and so form fields) can hold one. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const combiningMark = fc.integer({ min: 0x0300, max: 0x036f }).map((unit) => String.fromCharCode(unit));
/** Characters whose NFC and NFD forms differ, and case mappings that are not one to one. */
const unicodeTraps = fc.constantFrom('é', 'ñ', 'Å', 'ǖ', 'ṩ', 'ß', 'İ', 'Σ', 'ς', 'K', 'Ω', 'ﬃ', '가', ';', '\u1fef');
const asciiClasses = fc.constantFrom(...'aZ9! ');

/** One unit of a hostile string: any code point, any grapheme, half a pair, NUL, a mark, a trap. */
const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constant('\u0000') },
  { weight: 2, arbitrary: combiningMark },
  { weight: 2, arbitrary: unicodeTraps },
  { weight: 3, arbitrary: asciiClasses },
);

function hostileString(maxLength: number, minLength = 0): fc.Arbitrary<string> {
  return fc.string({ unit: hostileUnit, minLength, maxLength });
}

/** Text with accents in either normalisation form, as two keyboards (or a paste) may type it. */
const accentedText = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'aAeE1!', 'é', 'ñ', 'Å', 'ǖ', 'ṩ', 'ö', 'ç', 'ê'), minLength: 1, maxLength: 14 }),
    fc.constantFrom<'NFC' | 'NFD'>('NFC', 'NFD'),
  )
  .map(([text, form]) => text.normalize(form));

/** Lengths mostly small, so that passwords meet them often, sometimes anywhere in range. */
function lengthLimit(max: number, usual: { min: number; max: number }): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.integer(usual) }, { weight: 1, arbitrary: fc.integer({ min: 1, max }) });
}

const customEntry = fc.oneof(
  fc.constantFrom('acme', 'provision', 'Password1!', 'Winter2026!'),
  // At most 12 code points of at most 2 units: always within the schema's 128 units.
  hostileString(12, 1),
);

/** A password policy as an operator may write it in config.json: every key optional. */
const passwordPolicyInput: fc.Arbitrary<PasswordPolicyInput> = fc.record(
  {
    strength: fc.constantFrom(...STRENGTH_LEVELS),
    minLength: lengthLimit(PASSWORD_MIN_LENGTH_LIMIT, { min: 1, max: 16 }),
    maxLength: lengthLimit(PASSWORD_MAX_LENGTH_LIMIT, { min: 8, max: 64 }),
    minScore: fc.integer({ min: 0, max: 4 }),
    dictionary: fc.oneof(
      fc.boolean(),
      fc.record({ common: fc.boolean(), custom: fc.array(customEntry, { maxLength: 4 }) }, { requiredKeys: [] }),
    ),
    noPersonalInfo: fc.boolean(),
    history: fc.integer({ min: 0, max: 24 }),
  },
  { requiredKeys: [] },
);

const usernamePolicyInput: fc.Arbitrary<UsernamePolicyInput> = fc.record(
  {
    enabled: fc.boolean(),
    required: fc.boolean(),
    minLength: lengthLimit(USERNAME_LENGTH_LIMIT, { min: 1, max: 6 }),
    maxLength: lengthLimit(USERNAME_LENGTH_LIMIT, { min: 4, max: 20 }),
  },
  { requiredKeys: [] },
);

/** The server's own resolution (config.ts), or undefined where it refuses to start. */
function serverConfigFor(password: PasswordPolicyInput, username: UsernamePolicyInput): ServerConfig | undefined {
  try {
    return resolveConfig({ password, username });
  } catch (error) {
    // Some inputs resolve to an impossible policy (maxLength 6 under the "good" preset's minimum
    // of 8): the server refuses to start with them, so no client ever sees them.
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

interface ConfigInput {
  password: PasswordPolicyInput;
  username: UsernamePolicyInput;
}

/**
 * Valid configurations as an operator writes them. Only the input is generated (so a
 * counterexample prints just that); `configOf` resolves it exactly as the server does at start-up.
 */
const configInput: fc.Arbitrary<ConfigInput> = fc
  .record({ password: passwordPolicyInput, username: usernamePolicyInput })
  .filter((input) => serverConfigFor(input.password, input.username) !== undefined);

function configOf(input: ConfigInput): ServerConfig {
  const config = serverConfigFor(input.password, input.username);
  assert.ok(config, 'the generator keeps only configurations the server starts with');
  return config;
}

const policy: fc.Arbitrary<PasswordPolicy> = configInput.map((input) => configOf(input).password);

/** Emails the server accepts, typed with stray case and spaces. */
const typedEmail = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_+-]{1,10}(\.[A-Za-z0-9]{1,6})?$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    fc.constantFrom('com', 'org', 'example'),
    fc.constantFrom('', ' ', '  '),
    fc.constantFrom('', ' '),
  )
  .map(([local, domain, tld, before, after]) => `${before}${local}@${domain}.${tld}${after}`)
  .filter((email) => signupBodySchema.safeParse({ email, password: 'x' }).success);

const commonPassword = fc.constantFrom('password', 'Password1', 'qwerty123', 'iloveyou', 'letmein', 'P@ssw0rd');

/** Passwords as typed: anything, accents in either form, ASCII, common ones. Short, so zxcvbn is quick. */
const typedPassword = fc.oneof(
  hostileString(16),
  accentedText,
  fc.string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 20 }),
  commonPassword,
);

/**
 * Where a password comes from: typed freely, or made of a detail of the user or an entry of the
 * policy's dictionary, so that `personal_info` and `dictionary` fail as often as they pass. Plain
 * records rather than `chain`, so that fast-check shrinks failures well.
 */
interface PasswordSource {
  from: 'typed' | 'email' | 'username' | 'name' | 'custom';
  pick: number;
  text: string;
}
const passwordSource: fc.Arbitrary<PasswordSource> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ from: fc.constant('typed' as const), pick: fc.constant(0), text: typedPassword }) },
  {
    weight: 1,
    arbitrary: fc.record({
      from: fc.constantFrom<PasswordSource['from']>('email', 'username', 'name', 'custom'),
      pick: fc.nat(),
      text: fc.stringMatching(/^[0-9!A-Z]{0,4}$/),
    }),
  },
);

function passwordFrom(
  source: PasswordSource,
  who: { email: string; username: string; name?: string | undefined },
  policyOf: PasswordPolicy,
): string {
  const custom = policyOf.dictionary.custom;
  switch (source.from) {
    case 'typed':
      return source.text;
    case 'email':
      return (who.email.trim().split('@')[0] ?? '') + source.text;
    case 'username':
      return who.username.trim() + source.text;
    case 'name':
      return (who.name ?? '') + source.text;
    case 'custom':
      return custom.length > 0 ? (custom[source.pick % custom.length] ?? '') : source.text;
  }
}

/** Fixed seed everywhere, so that a failure replays exactly. */
const runs = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns });

// ---------------------------------------------------------------------------------------------

describe('policy properties: the widget and the server agree', () => {
  it('the policy from GET /api/config, through JSON, the guards and the zod schema, gives every password and username the server verdict', async () => {
    const scenario = fc.record({
      input: configInput,
      email: fc.oneof(typedEmail, hostileString(24)),
      username: fc.oneof(fc.string({ unit: fc.constantFrom(...USERNAME_CHARACTERS), maxLength: 20 }), hostileString(20)),
      name: fc.option(hostileString(24), { nil: undefined }),
      reusesRecentPassword: fc.option(fc.boolean(), { nil: undefined }),
      source: passwordSource,
    });

    await fc.assert(
      fc.asyncProperty(scenario, async ({ input, email, username, name, reusesRecentPassword, source }) => {
        const config = configOf(input);
        const password = passwordFrom(source, { email, username, name }, config.password);
        // The resolver fills the README's defaults: the preset's minimum length unless given.
        assert.equal(config.password.minLength, input.password.minLength ?? README_PRESETS[input.password.strength ?? 'good'].minLength);
        assert.equal(config.password.maxLength, input.password.maxLength ?? 128);

        // What GET /api/config sends (c.json of toPublicConfig) and what the widget reads back.
        const wire: unknown = JSON.parse(JSON.stringify(toPublicConfig(config)));
        assert.ok(isPublicConfig(wire), 'the widget guards accept the configuration');
        const parsed = publicConfigSchema.parse(wire);

        const context = { email, username, name, reusesRecentPassword };
        const server = await evaluatePassword(password, config.password, context);
        const widget = await evaluatePassword(password, parsed.password, context);
        assert.deepEqual(widget, server, 'the same rules, verdicts and parameters from the policy as sent');

        // The widget's synchronous checklist with the guarded (not zod-parsed) policy, given the
        // same score and list, is the server's answer too.
        const score = ruleOf(server, 'min_score')?.score ?? undefined;
        const guarded = checkPassword(password, wire.password, { ...context, score, commonPasswords: estimator.commonPasswords });
        assert.deepEqual(guarded, server);

        assert.deepEqual(checkUsername(username, parsed.username), checkUsername(username, config.username));
        assert.deepEqual(checkUsername(username, wire.username), checkUsername(username, config.username));

        // The widget reads `invalid_password` / `invalid_username` rules with its guards too.
        assert.ok(isPasswordRules(JSON.parse(JSON.stringify(server.rules))), 'the guards accept the password rules');
        assert.ok(isUsernameRules(JSON.parse(JSON.stringify(checkUsername(username, config.username).rules))));
      }),
      runs(120),
    );
  });

  it("the widget's sign-up checklist (StrengthController, the typed email and username) gives the server's definite verdicts", async () => {
    // The widget's StrengthController, as the element runs it, with the smallest Lit host and no
    // typing delay.
    const host = new ControllerHost();
    const strength = new StrengthController(host, 0);
    // Node has no Web Worker: the controller estimates on this thread, as a widget from another origin does.
    const loaded = host.nextUpdate();
    strength.prepare();
    await loaded;
    assert.ok(strength.commonPasswords, 'the controller has the dictionaries');

    const scenario = fc.record({
      input: configInput,
      email: typedEmail,
      // Without "@", a username can never have the shape of an email.
      usernameCore: fc.string({ unit: fc.constantFrom(...USERNAME_CHARACTERS.filter((character) => character !== '@')), minLength: 1, maxLength: 30 }),
      leaveUsernameBlank: fc.boolean(),
      padding: fc.constantFrom('', ' '),
      source: passwordSource,
    });

    await fc.assert(
      fc.asyncProperty(scenario, async ({ input, email, usernameCore, leaveUsernameBlank, padding, source }) => {
        const config = configOf(input);
        // A username the widget lets through: typed when the server takes one, within its lengths.
        const usernamePolicy = config.username;
        const wanted = usernamePolicy.enabled && (usernamePolicy.required || !leaveUsernameBlank);
        const core = usernameCore.padEnd(usernamePolicy.minLength, 'a').slice(0, usernamePolicy.maxLength);
        const username = wanted ? `${padding}${core}${padding}` : '';
        assert.ok(username === '' || checkUsername(username, usernamePolicy).ok, 'the generator makes acceptable usernames');
        const password = passwordFrom(source, { email, username }, config.password);

        const wire: unknown = JSON.parse(JSON.stringify(toPublicConfig(config)));
        assert.ok(isPublicConfig(wire));

        // Widget side, as ProvisionLock.passwordCheck() in the sign-up view: the raw typed values,
        // the score its StrengthController estimated for exactly this password and these inputs.
        const info = { ...(email.trim() ? { email } : {}), ...(username.trim() ? { username } : {}) };
        const inputs = personalInfoTokens(info);
        const estimated = host.nextUpdate();
        strength.request(password, inputs);
        await estimated;
        const widget = checkPassword(password, wire.password, {
          ...info,
          score: strength.scoreOf(password, inputs),
          commonPasswords: strength.commonPasswords,
        });

        // Server side, as UserService.signUp: the body through the schema (email trimmed and
        // lowercased), the username normalised, and no earlier passwords for a new account.
        const body = signupBodySchema.parse({ email, password, ...(username ? { username } : {}) });
        const server = await evaluatePassword(password, config.password, {
          email: body.email,
          username: username.trim() ? normalizeUsername(username) : undefined,
          name: undefined,
          reusesRecentPassword: false,
        });

        assert.deepEqual(
          widget.rules.map((rule) => rule.id),
          server.rules.map((rule) => rule.id),
        );
        // Only the server knows the history; every other rule the widget decides, as the server does.
        const definite = verdicts(widget).filter((rule) => rule.id !== 'history');
        const expected = verdicts(server).filter((rule) => rule.id !== 'history');
        assert.deepEqual(
          definite,
          expected,
          `widget and server disagree on ${JSON.stringify(password)} (${password.normalize('NFC') === password ? 'NFC' : 'not NFC'}): ` +
            `widget score ${String(ruleOf(widget, 'min_score')?.score)}, server score ${String(ruleOf(server, 'min_score')?.score)}`,
        );
      }),
      runs(150),
    );
  });
});

describe('policy properties: never a throw, always the whole checklist', () => {
  const fullContext = fc.record({
    email: hostileString(30, 1),
    username: fc.option(hostileString(20), { nil: undefined }),
    name: fc.option(hostileString(30), { nil: undefined }),
    score: fc.integer({ min: 0, max: 4 }),
    reusesRecentPassword: fc.boolean(),
  });
  const partialContext = fc.record(
    {
      email: hostileString(30),
      username: hostileString(20),
      name: hostileString(30),
      score: fc.integer({ min: 0, max: 4 }),
      reusesRecentPassword: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it('checkPassword answers every string with every rule, in order, lengths in NFC code points, maxLength enforced', () => {
    fc.assert(
      fc.property(policy, hostileString(60), partialContext, fc.boolean(), (policyOf, password, partial, listLoaded) => {
        const context: PasswordContext = { ...partial, commonPasswords: listLoaded ? estimator.commonPasswords : undefined };
        const check = checkPassword(password, policyOf, context);
        assertWholeChecklist(check, policyOf, password);

        // `ok: null` only where the data to decide is missing: the score, the common list, any
        // detail about the user, the history. The other rules are always decided.
        for (const rule of check.rules) {
          const missing =
            (rule.id === 'min_score' && context.score === undefined) ||
            (rule.id === 'dictionary' && !listLoaded) ||
            (rule.id === 'personal_info' && !context.email && !context.username && !context.name) ||
            (rule.id === 'history' && context.reusesRecentPassword === undefined);
          if (!missing) assert.equal(typeof rule.ok, 'boolean', `${rule.id} is decided`);
        }
      }),
      runs(1000),
    );
  });

  it('the preset rules match the README table on every string', () => {
    fc.assert(
      fc.property(policy, hostileString(40), (policyOf, password) => {
        const check = checkPassword(password, policyOf);
        const characters = Array.from(password.normalize('NFC'));
        const preset = README_PRESETS[policyOf.strength];
        const classes = ruleOf(check, 'character_classes');
        if (preset.classes) {
          const found = new Set(characters.map(classOf));
          const present = preset.classes.of.filter((characterClass) => found.has(characterClass));
          assert.deepEqual(classes, {
            id: 'character_classes',
            ok: present.length >= preset.classes.required,
            required: preset.classes.required,
            classes: preset.classes.of,
            present,
          });
        }
        const identical = ruleOf(check, 'identical_characters');
        if (preset.maxRun !== undefined) {
          let longest = 0;
          characters.forEach((character, index) => {
            let run = 1;
            while (index - run >= 0 && characters[index - run] === character) run += 1;
            longest = Math.max(longest, run);
          });
          assert.deepEqual(identical, { id: 'identical_characters', ok: longest <= preset.maxRun, max: preset.maxRun });
        }
      }),
      runs(1000),
    );
  });

  it('evaluatePassword (zxcvbn-ts and the common list) answers every string, every rule decided', async () => {
    await fc.assert(
      fc.asyncProperty(policy, hostileString(24), fullContext, async (policyOf, password, context) => {
        const check = await evaluatePassword(password, policyOf, context);
        assertWholeChecklist(check, policyOf, password);
        // With the user's email and the history known, as the server always has them, every rule
        // is a boolean: "The server always answers with booleans."
        for (const rule of check.rules) assert.equal(typeof rule.ok, 'boolean', `${rule.id} is decided`);
        const score = ruleOf(check, 'min_score')?.score;
        if (score !== undefined) assert.ok(score !== null && Number.isInteger(score) && score >= 0 && score <= 4, `score ${String(score)}`);
      }),
      runs(150),
    );
  });

  it('checkUsername answers every string with its four rules, in order', () => {
    const usernamePolicy = configInput.map((input) => configOf(input).username);
    fc.assert(
      fc.property(usernamePolicy, hostileString(40), (policyOf, username) => {
        const check = checkUsername(username, policyOf);
        assert.deepEqual(
          check.rules.map((rule) => rule.id),
          ['min_length', 'max_length', 'allowed_characters', 'not_email'],
        );
        for (const rule of check.rules) assert.equal(typeof rule.ok, 'boolean');
        assert.equal(check.ok, check.rules.every((rule) => rule.ok));
        // Limits apply to the stored form: trimmed, NFC, lowercase (a lowercase "İ" is two code points).
        const length = Array.from(username.trim().normalize('NFC').toLowerCase()).length;
        assert.equal(check.rules[0]?.ok, length >= policyOf.minLength);
        assert.equal(check.rules[1]?.ok, length <= policyOf.maxLength);
      }),
      runs(1000),
    );
  });
});

describe('policy properties: 1 MiB inputs', () => {
  /** A hostile chunk repeated past 1 MiB of UTF-16 code units. */
  const mebibyte = hostileString(16, 1).map((chunk) => chunk.repeat(Math.ceil(2 ** 20 / chunk.length)));
  /**
   * Timed assertions are banned in this suite except as a very generous bound against a hang or
   * a quadratic blow-up. These checks of four 1 MiB strings took 0.2 to 0.7 s when this was
   * written, so 5 s only trips on something badly wrong, not on a slower machine.
   */
  const GENEROUS_BOUND_MS = 5_000;

  it('checkPassword and checkUsername return on 1 MiB passwords, emails, usernames and names, within a generous bound', () => {
    fc.assert(
      fc.property(policy, mebibyte, (policyOf, huge) => {
        const started = performance.now();
        const check = checkPassword(huge, policyOf, { email: huge, username: huge, name: huge, score: 4, commonPasswords: estimator.commonPasswords });
        assertWholeChecklist(check, policyOf, huge);
        assert.equal(check.ok, false, 'longer than any maxLength (at most 1024)');
        const username = checkUsername(huge, { enabled: true, required: false, minLength: 1, maxLength: USERNAME_LENGTH_LIMIT });
        assert.equal(username.ok, false);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < GENEROUS_BOUND_MS, `took ${Math.round(elapsed)} ms`);
      }),
      runs(3),
    );
  });

  it('evaluatePassword returns on a 1 MiB password, refusing it', async () => {
    // No time bound here: zxcvbn-ts scores only the first 256 characters, but some 256-character
    // passwords (random printable ASCII) alone take 2 to 3 s to score, so a bound would be either
    // loose enough to mean nothing or flaky. What is asserted is that it returns, with the whole
    // checklist.
    await fc.assert(
      fc.asyncProperty(policy, mebibyte, async (policyOf, huge) => {
        const check = await evaluatePassword(huge, policyOf, { email: 'someone@example.com', reusesRecentPassword: false });
        assertWholeChecklist(check, policyOf, huge);
        assert.equal(ruleOf(check, 'max_length')?.ok, false);
        assert.equal(check.ok, false);
      }),
      runs(2),
    );
  });
});

describe('policy properties: the design', () => {
  /** Every piece of data the rules need, so that each verdict is a boolean. */
  const decidedContext = fc.record({
    email: fc.oneof(typedEmail, hostileString(20, 1)),
    name: fc.option(hostileString(20), { nil: undefined }),
    score: fc.integer({ min: 0, max: 4 }),
    reusesRecentPassword: fc.boolean(),
  });
  const commonPasswords: ReadonlySet<string> = new Set(['password', 'qwerty123', 'letmein']);

  it('a password typed in NFC or NFD gets the same verdict (checkPassword)', () => {
    fc.assert(
      fc.property(policy, fc.oneof(accentedText, hostileString(30)), decidedContext, (policyOf, password, context) => {
        const full = { ...context, commonPasswords };
        const composed = checkPassword(password.normalize('NFC'), policyOf, full);
        assert.deepEqual(checkPassword(password, policyOf, full), composed);
        assert.deepEqual(checkPassword(password.normalize('NFD'), policyOf, full), composed);
      }),
      runs(1000),
    );
  });

  it('a password typed in NFC or NFD gets the same verdict (evaluatePassword, as the server runs it)', async () => {
    await fc.assert(
      fc.asyncProperty(policy, accentedText, decidedContext, async (policyOf, password, { email, name, reusesRecentPassword }) => {
        const context = { email, name, reusesRecentPassword };
        const composed = await evaluatePassword(password.normalize('NFC'), policyOf, context);
        assert.deepEqual(await evaluatePassword(password.normalize('NFD'), policyOf, context), composed);
      }),
      runs(100),
    );
  });

  it('relaxing any setting never turns a passing password into a failing one', () => {
    const relaxation = fc.record({
      strength: fc.boolean(),
      minLength: fc.nat({ max: 10 }),
      maxLength: fc.nat({ max: 100 }),
      minScore: fc.nat({ max: 4 }),
      common: fc.boolean(),
      dropCustom: fc.nat({ max: 4 }),
      personalInfo: fc.boolean(),
      history: fc.boolean(),
    });
    const password = fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 6, maxLength: 24 }) }, { weight: 1, arbitrary: hostileString(24) });
    let passing = 0;
    let total = 0;
    fc.assert(
      fc.property(policy, relaxation, password, decidedContext, (strict, change, candidate, context) => {
        const full = { ...context, commonPasswords };
        const weaker: Record<StrengthLevel, StrengthLevel> = { excellent: 'good', fair: 'good', good: 'low', low: 'none', none: 'none' };
        const relaxed: PasswordPolicy = {
          // README: "good" (3 of 4 classes) accepts all that "fair" (lower, upper and digit) and
          // "excellent" (good plus runs) accept; "low" and "none" ask no classes.
          strength: change.strength ? weaker[strict.strength] : strict.strength,
          minLength: Math.max(1, strict.minLength - change.minLength),
          maxLength: Math.min(PASSWORD_MAX_LENGTH_LIMIT, strict.maxLength + change.maxLength),
          minScore: Math.max(0, strict.minScore - change.minScore),
          dictionary: {
            common: change.common ? false : strict.dictionary.common,
            custom: strict.dictionary.custom.slice(change.dropCustom),
          },
          noPersonalInfo: change.personalInfo ? false : strict.noPersonalInfo,
          history: change.history ? 0 : strict.history,
        };
        const before = checkPassword(candidate, strict, full);
        const after = checkPassword(candidate, relaxed, full);
        total += 1;
        if (!before.ok) return;
        passing += 1;
        assert.equal(after.ok, true, `passes ${JSON.stringify(strict)} but not ${JSON.stringify(relaxed)}`);
      }),
      runs(1000),
    );
    // Not vacuous: enough generated passwords pass their strict policy for the implication to bite.
    assert.ok(passing >= total / 20, `only ${passing} of ${total} passwords passed the strict policy`);
  });

  it('appending ASCII never breaks the minimum length or the character classes, and never mends max_length', () => {
    fc.assert(
      fc.property(policy, hostileString(30), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }), (policyOf, prefix, suffix) => {
        const before = checkPassword(prefix, policyOf);
        const after = checkPassword(prefix + suffix, policyOf);
        if (ruleOf(before, 'min_length')?.ok) assert.equal(ruleOf(after, 'min_length')?.ok, true);
        if (ruleOf(before, 'character_classes')?.ok) assert.equal(ruleOf(after, 'character_classes')?.ok, true);
        if (ruleOf(before, 'max_length')?.ok === false) assert.equal(ruleOf(after, 'max_length')?.ok, false);
      }),
      runs(1000),
    );
  });

  it('custom dictionary entries are refused whatever the case of their ASCII letters', () => {
    fc.assert(
      fc.property(fc.array(customEntry, { minLength: 1, maxLength: 4 }), fc.nat(), fc.array(fc.boolean(), { maxLength: 8 }), (custom, pick, mask) => {
        const entry = custom[pick % custom.length] ?? '';
        const policyOf: PasswordPolicy = {
          strength: 'none',
          minLength: 1,
          maxLength: PASSWORD_MAX_LENGTH_LIMIT,
          minScore: 0,
          dictionary: { common: false, custom },
          noPersonalInfo: false,
          history: 0,
        };
        const variant = flipAsciiCase(entry, mask);
        assert.equal(ruleOf(checkPassword(variant, policyOf), 'dictionary')?.ok, false, JSON.stringify(variant));
      }),
      runs(1000),
    );
  });

  it("common passwords (zxcvbn-ts's list) are refused whatever the case of their ASCII letters", () => {
    const list = [...estimator.commonPasswords].sort();
    const policyOf: PasswordPolicy = {
      strength: 'none',
      minLength: 1,
      maxLength: PASSWORD_MAX_LENGTH_LIMIT,
      minScore: 0,
      dictionary: { common: true, custom: [] },
      noPersonalInfo: false,
      history: 0,
    };
    fc.assert(
      fc.property(fc.nat({ max: list.length - 1 }), fc.array(fc.boolean(), { maxLength: 8 }), (index, mask) => {
        const variant = flipAsciiCase(list[index] ?? '', mask);
        const check = checkPassword(variant, policyOf, { commonPasswords: estimator.commonPasswords });
        assert.equal(ruleOf(check, 'dictionary')?.ok, false, JSON.stringify(variant));
      }),
      runs(1000),
    );
  });

  const personalInfoPolicy: PasswordPolicy = {
    strength: 'none',
    minLength: 1,
    maxLength: PASSWORD_MAX_LENGTH_LIMIT,
    minScore: 0,
    dictionary: { common: false, custom: [] },
    noPersonalInfo: true,
    history: 0,
  };
  /** Printable ASCII around the personal detail; it never combines with what it touches under NFC. */
  const around = fc.string({ unit: 'grapheme-ascii', maxLength: 6 });

  it('a password holding the email local part, the username or an ASCII name or word of it fails personal_info', () => {
    // Emails and usernames are ASCII by the server's own rules (EMAIL_PATTERN, the username
    // characters), so this is every case the server meets for them.
    const asciiWord = fc.stringMatching(/^[A-Za-z0-9]{3,10}$/);
    const source = fc.oneof(
      fc.tuple(typedEmail, fc.constant('email' as const)),
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_+\-.!#$^`~']{3,15}$/), fc.constant('username' as const)),
      fc.tuple(fc.array(asciiWord, { minLength: 1, maxLength: 3 }).map((words) => words.join(' ')), fc.constant('name' as const)),
    );
    fc.assert(
      fc.property(source, fc.nat(), around, around, ([value, field], pick, prefix, suffix) => {
        const pieces = field === 'email' ? [value.trim().slice(0, value.trim().lastIndexOf('@'))] : field === 'name' ? value.split(' ') : [value];
        const piece = pieces[pick % pieces.length] ?? '';
        fc.pre(Array.from(piece).length >= 3); // "ignoring pieces shorter than 3 characters"
        const password = prefix + piece + suffix;
        const check = checkPassword(password, personalInfoPolicy, { [field]: value });
        assert.equal(ruleOf(check, 'personal_info')?.ok, false, `${JSON.stringify(password)} holds ${field} ${JSON.stringify(value)}`);
      }),
      runs(1000),
    );
  });

  it('a password holding a word of the name fails personal_info, in any script', () => {
    // Names are free text in any script. A word here is letters with their combining marks (as
    // Devanagari, Thai or a Latin letter without a precomposed form write it), and casing is
    // compared as the README says: case-insensitively.
    const letter = fc.oneof(
      fc.constantFrom(...'abcxyzABCXYZ'),
      fc.constantFrom('é', 'Å', 'ß', 'ı', 'İ'),
      fc.constantFrom('Α', 'Β', 'Σ', 'σ', 'ς', 'Ω', 'ω'),
      fc.constantFrom('Ж', 'ж', 'Я', 'я'),
      fc.constantFrom('क', 'म', 'र', 'श', 'ि', 'ा', '्'),
      fc.constantFrom('\u0303', '\u0323'),
    );
    const word = fc.string({ unit: letter, minLength: 3, maxLength: 6 }).filter((text) => /^\p{L}/u.test(text));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.nat(), around, around, (words, pick, prefix, suffix) => {
        const piece = words[pick % words.length] ?? '';
        const password = prefix + piece + suffix;
        // Within the design: the word is 3 characters or more as compared, and the password holds
        // it as a whole after NFC (normalisation does not merge it with its neighbours).
        fc.pre(Array.from(piece.normalize('NFC').toLowerCase()).length >= 3);
        fc.pre(password.normalize('NFC') === prefix.normalize('NFC') + piece.normalize('NFC') + suffix.normalize('NFC'));
        const name = words.join(' ');
        const check = checkPassword(password, personalInfoPolicy, { name });
        assert.equal(ruleOf(check, 'personal_info')?.ok, false, `${JSON.stringify(password)} holds ${JSON.stringify(piece)} of the name ${JSON.stringify(name)}`);
      }),
      runs(1000),
    );
  });

  it("a username's verdict depends only on its stored form, and one that passes never looks like an email", () => {
    const usernamePolicy = configInput.map((input) => configOf(input).username);
    const username = fc.oneof(
      fc.tuple(fc.string({ unit: fc.constantFrom(...USERNAME_CHARACTERS), minLength: 1, maxLength: 20 }), fc.constantFrom('', ' ', '\t'), fc.constantFrom('', ' ')),
      fc.tuple(hostileString(20), fc.constantFrom('', ' '), fc.constantFrom('', ' ')),
    );
    fc.assert(
      fc.property(usernamePolicy, username, fc.array(fc.boolean(), { maxLength: 8 }), (policyOf, [core, before, after], mask) => {
        const typed = `${before}${core}${after}`;
        const check = usernameVerdict(typed, policyOf);
        const stored = normalizeUsername(typed);
        // Stored lowercase and trimmed: surrounding spaces and ASCII case change nothing.
        assert.deepEqual(usernameVerdict(stored, policyOf), check);
        assert.deepEqual(usernameVerdict(flipAsciiCase(core, mask), policyOf), check);
        if (check.ok) {
          assert.match(stored, STORED_USERNAME);
          assert.equal(normalizeUsername(stored), stored);
          // The login form routes by looksLikeEmail on what is typed: never an email for a username.
          assert.equal(looksLikeEmail(typed), false);
        }
      }),
      runs(1000),
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Every rule of the policy, in checklist order; ok as a whole; the lengths as the README counts. */
function assertWholeChecklist(check: PasswordCheck, policyOf: PasswordPolicy, password: string): void {
  assert.deepEqual(
    check.rules.map((rule) => rule.id),
    expectedRuleIds(policyOf),
  );
  for (const rule of check.rules) assert.ok(rule.ok === true || rule.ok === false || rule.ok === null, rule.id);
  assert.equal(typeof check.ok, 'boolean');
  assert.equal(check.ok, check.rules.every((rule) => rule.ok === true));
  const length = readmeLength(password);
  assert.deepEqual(ruleOf(check, 'min_length'), { id: 'min_length', ok: length >= policyOf.minLength, min: policyOf.minLength });
  assert.deepEqual(ruleOf(check, 'max_length'), { id: 'max_length', ok: length <= policyOf.maxLength, max: policyOf.maxLength });
  if (length > policyOf.maxLength) assert.equal(check.ok, false, 'longer than maxLength never passes');
}

/**
 * A username's verdict: each rule's id and ok, and the refused characters as a set. Their order
 * may differ between a typed form and its stored form: lowercasing "İ" followed by a mark yields
 * marks out of canonical order, which NFC then sorts.
 */
function usernameVerdict(username: string, policyOf: UsernamePolicy): { ok: boolean; rules: { id: string; ok: boolean }[]; invalid: string[] } {
  const check = checkUsername(username, policyOf);
  const allowed = check.rules.find((rule) => rule.id === 'allowed_characters');
  return {
    ok: check.ok,
    rules: check.rules.map(({ id, ok }) => ({ id, ok })),
    invalid: allowed && 'invalid' in allowed ? [...allowed.invalid].sort() : [],
  };
}

/** The smallest Lit host a controller needs; `nextUpdate()` resolves at its next requestUpdate(). */
class ControllerHost implements ReactiveControllerHost {
  readonly updateComplete = Promise.resolve(true);
  private waiting: (() => void) | undefined;

  addController(_controller: ReactiveController): void {
    // The controller's lifecycle hooks are not needed: the test calls it directly.
  }

  removeController(_controller: ReactiveController): void {
    // As above.
  }

  requestUpdate(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  nextUpdate(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}
