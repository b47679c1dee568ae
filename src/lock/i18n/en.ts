/**
 * English, built into the widget. Every other language is a table with the same keys, loaded on
 * demand. Error codes from the server are keys as they are (`invalid_credentials`), so a new code
 * needs one line here and one in each language.
 *
 * Placeholders are `{name}`. A key may have plural forms as `key_one`, `key_two`, `key_few`,
 * `key_many` (chosen by `Intl.PluralRules` for the number in `{count}`); `key` itself is the
 * general ("other") form.
 */
export const en = {
  // Titles and navigation
  loginTitle: 'Log in',
  signupTitle: 'Create your account',
  resetRequestTitle: 'Reset your password',
  resetConfirmTitle: 'Choose a new password',
  setPasswordTitle: 'Set a new password',
  setPasswordIntro: 'Your account needs a new password before you can log in.',
  signedInTitle: 'You are logged in',
  tabsLabel: 'Log in or sign up',
  tabLogin: 'Log in',
  tabSignup: 'Sign up',
  forgotPassword: 'Forgot your password?',
  backToLogin: 'Back to log in',
  loading: 'Loading…',
  configFailed: 'The login form could not load.',
  retry: 'Try again',

  // Fields
  email: 'Email',
  username: 'Username',
  emailOrUsername: 'Email or username',
  password: 'Password',
  newPassword: 'New password',
  optional: '(optional)',
  showPassword: 'Show password',
  hidePassword: 'Hide password',
  capsLockOn: 'Caps Lock is on.',
  resetRequestIntro: 'Enter your email and we will send you a link to choose a new password.',

  // Buttons
  submitLogin: 'Log in',
  submitSignup: 'Sign up',
  submitResetRequest: 'Send reset link',
  submitNewPassword: 'Save password',
  logout: 'Log out',
  continue: 'Continue',

  // Social
  socialContinue: 'Continue with {provider}',
  socialLabel: 'Log in with another account',
  divider: 'or',

  // Checklists
  passwordRulesLabel: 'Password requirements',
  usernameRulesLabel: 'Username requirements',
  ruleMet: 'met',
  ruleUnmet: 'not met',
  rulePending: 'checked when you submit',
  rule_min_length: 'At least {count} characters',
  rule_min_length_one: 'At least 1 character',
  rule_max_length: 'At most {count} characters',
  rule_max_length_one: 'At most 1 character',
  rule_character_classes: 'At least {count} of these:',
  rule_character_classes_all: 'All of these:',
  class_lower: 'lower-case letters (a–z)',
  class_upper: 'upper-case letters (A–Z)',
  class_digit: 'digits (0–9)',
  class_special: 'special characters (such as !@#$%)',
  rule_identical_characters: 'No character more than {count} times in a row',
  rule_identical_characters_one: 'No character twice in a row',
  rule_min_score: 'Hard to guess',
  rule_dictionary: 'Not a common password',
  rule_personal_info: 'Does not contain your name or email',
  rule_history: 'Not one of your last {count} passwords',
  rule_history_one: 'Not your previous password',
  username_rule_min_length: 'At least {count} characters',
  username_rule_min_length_one: 'At least 1 character',
  username_rule_max_length: 'At most {count} characters',
  username_rule_max_length_one: 'At most 1 character',
  username_rule_allowed_characters: "Only letters, digits and _ + - . ! # $ ^ ` ~ @ '",
  username_rule_not_email: 'Not an email address',

  // Strength meter
  strengthLabel: 'Password strength',
  strength0: 'Very weak',
  strength1: 'Weak',
  strength2: 'Fair',
  strength3: 'Strong',
  strength4: 'Very strong',
  strengthPending: 'Type a password',
  // Said (not shown) after the strength while it is still the previous password's
  strengthUpdating: 'updating',

  // Field errors (client side)
  emailRequired: 'Enter your email address.',
  emailInvalid: 'Enter a valid email address, such as name@example.com.',
  identifierRequired: 'Enter your email or username.',
  passwordRequired: 'Enter your password.',
  passwordRulesUnmet: 'The password does not meet every requirement yet.',
  usernameRulesUnmet: 'The username does not meet every requirement yet.',
  missingToken: 'This link is incomplete. Ask for a new one.',

  // Status announcements
  loggingIn: 'Logging in…',
  signingUp: 'Creating your account…',
  sendingReset: 'Sending the link…',
  savingPassword: 'Saving your password…',
  loggedInAs: 'Logged in as {email}.',
  accountCreated: 'Your account is ready.',
  accountCreatedLogIn: 'Your account is ready. Log in to continue.',
  signupCheckEmail: 'We sent a mail to {email}. It tells you how to log in.',
  resetSent: 'If an account exists for {email}, a link to choose a new password is on its way.',
  passwordSaved: 'Your new password is saved. Log in with it.',
  loggedOut: 'You are logged out.',
  fixErrors: 'Check the highlighted fields.',

  // Server error codes
  invalid_body: 'Something in the form is not right. Check it and try again.',
  payload_too_large: 'What you entered is too long.',
  unsupported_media_type: 'The request could not be sent. Reload the page and try again.',
  not_found: 'This action is not available on this server.',
  method_not_allowed: 'This action is not available on this server.',
  forbidden_origin: 'This page is not allowed to use this login server.',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  signup_disabled: 'Sign-up is closed.',
  invalid_password: 'The password does not meet every requirement.',
  invalid_username: 'The username does not meet every requirement.',
  user_exists: 'An account with this email already exists. Log in instead?',
  user_exists_username: 'This username is taken. Choose another one.',
  invalid_credentials: 'Wrong email, username or password.',
  password_reset_required: 'You need to choose a new password. We can email you a link.',
  user_blocked: 'This account is blocked. Contact support for help.',
  unauthenticated: 'You are not logged in.',
  unknown_provider: 'This login option is not available.',
  social_login_failed: 'The login with that account did not work. Try again.',
  social_access_denied: 'The login was cancelled.',
  social_email_missing: 'That account did not share an email address. Use another account, or sign up with your email.',
  email_in_use: 'An account with this email already exists. Log in with your password first.',
  invalid_token: 'This link has expired or was already used. Ask for a new one.',
  password_reset_disabled: 'Password reset is not available here.',
  legacy_store_unavailable: 'Your account cannot be reached right now. Try again in a few minutes.',
  too_many_attempts: 'Too many failed attempts. Try again in {count} minutes or reset your password.',
  too_many_attempts_one: 'Too many failed attempts. Try again in a minute or reset your password.',
  too_many_requests: 'Too many requests. Wait a moment and try again.',
  network_error: 'The login server cannot be reached. Check your connection and try again.',
  unknown_error: 'Something went wrong. Try again.',
} as const;

export type PluralSuffix = `_${'zero' | 'one' | 'two' | 'few' | 'many'}`;
/** A string's key; plural forms (`key_one`, ...) are variants of it, not keys of their own. */
export type TranslationKey = Exclude<keyof typeof en, `${string}${PluralSuffix}`>;
/** A complete table: what every built-in language provides. */
export type Translations = Readonly<Record<TranslationKey, string>>;
