import type { LanguageTable } from './index.js';

const de: LanguageTable = {
  // Titles and navigation
  loginTitle: 'Anmelden',
  signupTitle: 'Konto erstellen',
  resetRequestTitle: 'Passwort zurücksetzen',
  resetConfirmTitle: 'Neues Passwort wählen',
  setPasswordTitle: 'Neues Passwort festlegen',
  setPasswordIntro: 'Für Ihr Konto ist ein neues Passwort erforderlich, bevor Sie sich anmelden können.',
  signedInTitle: 'Sie sind angemeldet',
  tabsLabel: 'Anmelden oder registrieren',
  tabLogin: 'Anmelden',
  tabSignup: 'Registrieren',
  forgotPassword: 'Passwort vergessen?',
  backToLogin: 'Zurück zur Anmeldung',
  loading: 'Wird geladen…',
  configFailed: 'Das Anmeldeformular konnte nicht geladen werden.',
  retry: 'Erneut versuchen',

  // Fields
  email: 'E-Mail-Adresse',
  username: 'Benutzername',
  emailOrUsername: 'E-Mail-Adresse oder Benutzername',
  password: 'Passwort',
  newPassword: 'Neues Passwort',
  optional: '(optional)',
  showPassword: 'Passwort anzeigen',
  hidePassword: 'Passwort ausblenden',
  capsLockOn: 'Die Feststelltaste ist aktiviert.',
  resetRequestIntro:
    'Geben Sie Ihre E-Mail-Adresse ein. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.',

  // Buttons
  submitLogin: 'Anmelden',
  submitSignup: 'Registrieren',
  submitResetRequest: 'Link zum Zurücksetzen senden',
  submitNewPassword: 'Passwort speichern',
  logout: 'Abmelden',
  continue: 'Weiter',

  // Social
  socialContinue: 'Weiter mit {provider}',
  socialLabel: 'Mit einem anderen Konto anmelden',
  divider: 'oder',

  // Checklists
  passwordRulesLabel: 'Anforderungen an das Passwort',
  usernameRulesLabel: 'Anforderungen an den Benutzernamen',
  ruleMet: 'erfüllt',
  ruleUnmet: 'nicht erfüllt',
  rulePending: 'wird beim Absenden geprüft',
  rule_min_length: 'Mindestens {count} Zeichen',
  rule_min_length_one: 'Mindestens 1 Zeichen',
  rule_max_length: 'Höchstens {count} Zeichen',
  rule_max_length_one: 'Höchstens 1 Zeichen',
  rule_character_classes: 'Mindestens {count} der folgenden Zeichenarten:',
  rule_character_classes_all: 'Alle folgenden Zeichenarten:',
  class_lower: 'Kleinbuchstaben (a–z)',
  class_upper: 'Großbuchstaben (A–Z)',
  class_digit: 'Ziffern (0–9)',
  class_special: 'Sonderzeichen (z. B. !@#$%)',
  rule_identical_characters: 'Kein Zeichen mehr als {count}-mal hintereinander',
  rule_identical_characters_one: 'Kein Zeichen zweimal hintereinander',
  rule_min_score: 'Schwer zu erraten',
  rule_dictionary: 'Kein gängiges Passwort',
  rule_personal_info: 'Enthält weder Ihren Namen noch Ihre E-Mail-Adresse',
  rule_history: 'Keines Ihrer letzten {count} Passwörter',
  rule_history_one: 'Nicht Ihr vorheriges Passwort',
  username_rule_min_length: 'Mindestens {count} Zeichen',
  username_rule_min_length_one: 'Mindestens 1 Zeichen',
  username_rule_max_length: 'Höchstens {count} Zeichen',
  username_rule_max_length_one: 'Höchstens 1 Zeichen',
  username_rule_allowed_characters: "Nur Buchstaben, Ziffern und _ + - . ! # $ ^ ` ~ @ '",
  username_rule_not_email: 'Keine E-Mail-Adresse',

  // Strength meter
  strengthLabel: 'Passwortstärke',
  strength0: 'Sehr schwach',
  strength1: 'Schwach',
  strength2: 'Mittel',
  strength3: 'Stark',
  strength4: 'Sehr stark',
  strengthPending: 'Geben Sie ein Passwort ein',
  strengthUpdating: 'wird aktualisiert',

  // Field errors (client side)
  emailRequired: 'Geben Sie Ihre E-Mail-Adresse ein.',
  emailInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.',
  identifierRequired: 'Geben Sie Ihre E-Mail-Adresse oder Ihren Benutzernamen ein.',
  passwordRequired: 'Geben Sie Ihr Passwort ein.',
  passwordRulesUnmet: 'Das Passwort erfüllt noch nicht alle Anforderungen.',
  usernameRulesUnmet: 'Der Benutzername erfüllt noch nicht alle Anforderungen.',
  missingToken: 'Dieser Link ist unvollständig. Fordern Sie einen neuen an.',

  // Status announcements
  loggingIn: 'Anmeldung läuft…',
  signingUp: 'Konto wird erstellt…',
  sendingReset: 'Link wird gesendet…',
  savingPassword: 'Passwort wird gespeichert…',
  loggedInAs: 'Angemeldet als {email}.',
  accountCreated: 'Ihr Konto ist eingerichtet.',
  accountCreatedLogIn: 'Ihr Konto ist eingerichtet. Melden Sie sich an, um fortzufahren.',
  signupCheckEmail: 'Wir haben eine E-Mail an {email} gesendet. Darin steht, wie Sie sich anmelden.',
  resetSent:
    'Falls ein Konto für {email} existiert, erhalten Sie in Kürze einen Link zum Festlegen eines neuen Passworts.',
  passwordSaved: 'Ihr neues Passwort wurde gespeichert. Melden Sie sich damit an.',
  loggedOut: 'Sie sind abgemeldet.',
  fixErrors: 'Überprüfen Sie die markierten Felder.',

  // Server error codes
  invalid_body: 'Im Formular stimmt etwas nicht. Überprüfen Sie Ihre Angaben und versuchen Sie es erneut.',
  payload_too_large: 'Ihre Eingabe ist zu lang.',
  unsupported_media_type:
    'Die Anfrage konnte nicht gesendet werden. Laden Sie die Seite neu und versuchen Sie es erneut.',
  not_found: 'Diese Aktion ist auf diesem Server nicht verfügbar.',
  method_not_allowed: 'Diese Aktion ist auf diesem Server nicht verfügbar.',
  forbidden_origin: 'Diese Seite darf diesen Anmeldeserver nicht verwenden.',
  internal_error: 'Bei uns ist ein Fehler aufgetreten. Versuchen Sie es gleich noch einmal.',
  signup_disabled: 'Die Registrierung ist geschlossen.',
  invalid_password: 'Das Passwort erfüllt nicht alle Anforderungen.',
  invalid_username: 'Der Benutzername erfüllt nicht alle Anforderungen.',
  user_exists: 'Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Möchten Sie sich stattdessen anmelden?',
  user_exists_username: 'Dieser Benutzername ist bereits vergeben. Wählen Sie einen anderen.',
  invalid_credentials: 'E-Mail-Adresse, Benutzername oder Passwort ist falsch.',
  password_reset_required:
    'Sie müssen ein neues Passwort festlegen. Wir können Ihnen dazu einen Link per E-Mail senden.',
  user_blocked: 'Dieses Konto ist gesperrt. Wenden Sie sich an den Support, um Hilfe zu erhalten.',
  unauthenticated: 'Sie sind nicht angemeldet.',
  unknown_provider: 'Diese Anmeldemöglichkeit ist nicht verfügbar.',
  social_login_failed: 'Die Anmeldung mit diesem Konto hat nicht funktioniert. Bitte versuchen Sie es erneut.',
  social_access_denied: 'Die Anmeldung wurde abgebrochen.',
  social_email_missing: 'Dieses Konto hat keine E-Mail-Adresse übermittelt. Verwenden Sie ein anderes Konto oder registrieren Sie sich mit Ihrer E-Mail-Adresse.',
  email_in_use: 'Ein Konto mit dieser E-Mail-Adresse existiert bereits. Melden Sie sich zuerst mit Ihrem Passwort an.',
  invalid_token: 'Dieser Link ist abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen an.',
  password_reset_disabled: 'Das Zurücksetzen des Passworts ist hier nicht möglich.',
  legacy_store_unavailable: 'Ihr Konto ist gerade nicht erreichbar. Versuchen Sie es in einigen Minuten erneut.',
  too_many_attempts:
    'Zu viele fehlgeschlagene Versuche. Versuchen Sie es in {count} Minuten erneut oder setzen Sie Ihr Passwort zurück.',
  too_many_attempts_one:
    'Zu viele fehlgeschlagene Versuche. Versuchen Sie es in einer Minute erneut oder setzen Sie Ihr Passwort zurück.',
  too_many_requests: 'Zu viele Anfragen. Warten Sie einen Moment und versuchen Sie es erneut.',
  network_error:
    'Der Anmeldeserver ist nicht erreichbar. Überprüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  unknown_error: 'Etwas ist schiefgelaufen. Versuchen Sie es erneut.',
};

export default de;
