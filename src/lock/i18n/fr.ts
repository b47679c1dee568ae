import type { LanguageTable } from './index.js';

const fr: LanguageTable = {
  // Titles and navigation
  loginTitle: 'Connexion',
  signupTitle: 'Créer votre compte',
  resetRequestTitle: 'Réinitialiser votre mot de passe',
  resetConfirmTitle: 'Choisir un nouveau mot de passe',
  setPasswordTitle: 'Définir un nouveau mot de passe',
  setPasswordIntro: 'Vous devez définir un nouveau mot de passe pour votre compte avant de vous connecter.',
  signedInTitle: 'Vous êtes connecté',
  tabsLabel: 'Connexion ou inscription',
  tabLogin: 'Connexion',
  tabSignup: 'Inscription',
  forgotPassword: 'Mot de passe oublié ?',
  backToLogin: 'Retour à la connexion',
  loading: 'Chargement…',
  configFailed: 'Le formulaire de connexion n’a pas pu être chargé.',
  retry: 'Réessayer',

  // Fields
  email: 'Adresse e-mail',
  username: 'Nom d’utilisateur',
  emailOrUsername: 'Adresse e-mail ou nom d’utilisateur',
  password: 'Mot de passe',
  newPassword: 'Nouveau mot de passe',
  optional: '(facultatif)',
  showPassword: 'Afficher le mot de passe',
  hidePassword: 'Masquer le mot de passe',
  capsLockOn: 'Le verrouillage des majuscules est activé.',
  resetRequestIntro:
    'Saisissez votre adresse e-mail et nous vous enverrons un lien pour choisir un nouveau mot de passe.',

  // Buttons
  submitLogin: 'Se connecter',
  submitSignup: 'S’inscrire',
  submitResetRequest: 'Envoyer le lien de réinitialisation',
  submitNewPassword: 'Enregistrer le mot de passe',
  logout: 'Se déconnecter',
  continue: 'Continuer',

  // Social
  socialContinue: 'Continuer avec {provider}',
  socialLabel: 'Se connecter avec un autre compte',
  divider: 'ou',

  // Checklists
  passwordRulesLabel: 'Critères du mot de passe',
  usernameRulesLabel: 'Critères du nom d’utilisateur',
  ruleMet: 'respecté',
  ruleUnmet: 'non respecté',
  rulePending: 'vérifié à l’envoi',
  rule_min_length: 'Au moins {count} caractères',
  rule_min_length_one: 'Au moins {count} caractère',
  rule_max_length: 'Au maximum {count} caractères',
  rule_max_length_one: 'Au maximum {count} caractère',
  rule_character_classes: 'Au moins {count} des types suivants :',
  rule_character_classes_one: 'Au moins {count} des types suivants :',
  rule_character_classes_all: 'Tous les types suivants :',
  class_lower: 'lettres minuscules (a–z)',
  class_upper: 'lettres majuscules (A–Z)',
  class_digit: 'chiffres (0–9)',
  class_special: 'caractères spéciaux (comme !@#$%)',
  rule_identical_characters: 'Jamais plus de {count} fois le même caractère à la suite',
  rule_min_score: 'Difficile à deviner',
  rule_dictionary: 'Pas un mot de passe courant',
  rule_personal_info: 'Ne contient ni votre nom ni votre adresse e-mail',
  rule_history: 'Différent de vos {count} derniers mots de passe',
  rule_history_one: 'Différent de votre mot de passe précédent',
  username_rule_min_length: 'Au moins {count} caractères',
  username_rule_min_length_one: 'Au moins {count} caractère',
  username_rule_max_length: 'Au maximum {count} caractères',
  username_rule_max_length_one: 'Au maximum {count} caractère',
  username_rule_allowed_characters: "Uniquement des lettres, des chiffres et _ + - . ! # $ ^ ` ~ @ '",
  username_rule_not_email: 'Pas une adresse e-mail',

  // Strength meter
  strengthLabel: 'Robustesse du mot de passe',
  strength0: 'Très faible',
  strength1: 'Faible',
  strength2: 'Moyen',
  strength3: 'Fort',
  strength4: 'Très fort',
  strengthPending: 'Saisissez un mot de passe',

  // Field errors (client side)
  emailRequired: 'Saisissez votre adresse e-mail.',
  emailInvalid: 'Saisissez une adresse e-mail valide, par exemple nom@example.com.',
  identifierRequired: 'Saisissez votre adresse e-mail ou votre nom d’utilisateur.',
  passwordRequired: 'Saisissez votre mot de passe.',
  passwordRulesUnmet: 'Le mot de passe ne respecte pas encore tous les critères.',
  usernameRulesUnmet: 'Le nom d’utilisateur ne respecte pas encore tous les critères.',
  missingToken: 'Ce lien est incomplet. Demandez-en un nouveau.',

  // Status announcements
  loggingIn: 'Connexion en cours…',
  signingUp: 'Création de votre compte…',
  sendingReset: 'Envoi du lien…',
  savingPassword: 'Enregistrement de votre mot de passe…',
  loggedInAs: 'Connecté en tant que {email}.',
  accountCreated: 'Votre compte est prêt.',
  accountCreatedLogIn: 'Votre compte est prêt. Connectez-vous pour continuer.',
  resetSent: 'Si un compte existe pour {email}, un lien pour choisir un nouveau mot de passe vous a été envoyé.',
  passwordSaved: 'Votre nouveau mot de passe est enregistré. Connectez-vous avec celui-ci.',
  loggedOut: 'Vous êtes déconnecté.',
  fixErrors: 'Vérifiez les champs signalés.',

  // Server error codes
  invalid_body: 'Un élément du formulaire est incorrect. Vérifiez vos informations et réessayez.',
  payload_too_large: 'Votre saisie est trop longue.',
  unsupported_media_type: 'La requête n’a pas pu être envoyée. Rechargez la page et réessayez.',
  not_found: 'Cette action n’est pas disponible sur ce serveur.',
  method_not_allowed: 'Cette action n’est pas disponible sur ce serveur.',
  forbidden_origin: 'Cette page n’est pas autorisée à utiliser ce serveur de connexion.',
  internal_error: 'Un problème est survenu de notre côté. Réessayez dans un instant.',
  signup_disabled: 'Les inscriptions sont fermées.',
  invalid_password: 'Le mot de passe ne respecte pas tous les critères.',
  invalid_username: 'Le nom d’utilisateur ne respecte pas tous les critères.',
  user_exists: 'Un compte existe déjà avec cette adresse e-mail. Voulez-vous plutôt vous connecter ?',
  user_exists_username: 'Ce nom d’utilisateur est déjà pris. Choisissez-en un autre.',
  invalid_credentials: 'Adresse e-mail, nom d’utilisateur ou mot de passe incorrect.',
  password_reset_required:
    'Vous devez choisir un nouveau mot de passe. Nous pouvons vous envoyer un lien par e-mail.',
  user_blocked: 'Ce compte est bloqué. Contactez l’assistance pour obtenir de l’aide.',
  unauthenticated: 'Vous n’êtes pas connecté.',
  too_many_attempts:
    'Trop de tentatives infructueuses. Réessayez dans {count} minutes ou réinitialisez votre mot de passe.',
  too_many_attempts_one:
    'Trop de tentatives infructueuses. Réessayez dans {count} minute ou réinitialisez votre mot de passe.',
  too_many_requests: 'Trop de requêtes. Patientez un instant, puis réessayez.',
  network_error: 'Impossible de joindre le serveur de connexion. Vérifiez votre connexion Internet et réessayez.',
  unknown_error: 'Un problème est survenu. Réessayez.',
};

export default fr;
