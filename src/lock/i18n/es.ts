import type { LanguageTable } from './index.js';

const es: LanguageTable = {
  // Titles and navigation
  loginTitle: 'Iniciar sesión',
  signupTitle: 'Crea tu cuenta',
  resetRequestTitle: 'Restablece tu contraseña',
  resetConfirmTitle: 'Elige una contraseña nueva',
  setPasswordTitle: 'Establece una contraseña nueva',
  setPasswordIntro: 'Tu cuenta necesita una contraseña nueva antes de que puedas iniciar sesión.',
  signedInTitle: 'Has iniciado sesión',
  tabsLabel: 'Iniciar sesión o registrarse',
  tabLogin: 'Iniciar sesión',
  tabSignup: 'Registrarse',
  forgotPassword: '¿Olvidaste tu contraseña?',
  backToLogin: 'Volver a iniciar sesión',
  loading: 'Cargando…',
  configFailed: 'No se pudo cargar el formulario de inicio de sesión.',
  retry: 'Reintentar',

  // Fields
  email: 'Correo electrónico',
  username: 'Nombre de usuario',
  emailOrUsername: 'Correo electrónico o nombre de usuario',
  password: 'Contraseña',
  newPassword: 'Contraseña nueva',
  optional: '(opcional)',
  showPassword: 'Mostrar contraseña',
  hidePassword: 'Ocultar contraseña',
  capsLockOn: 'Bloq Mayús está activado.',
  resetRequestIntro: 'Escribe tu correo electrónico y te enviaremos un enlace para elegir una contraseña nueva.',

  // Buttons
  submitLogin: 'Iniciar sesión',
  submitSignup: 'Registrarse',
  submitResetRequest: 'Enviar enlace',
  submitNewPassword: 'Guardar contraseña',
  logout: 'Cerrar sesión',
  continue: 'Continuar',

  // Social
  socialContinue: 'Continuar con {provider}',
  socialLabel: 'Iniciar sesión con otra cuenta',
  divider: 'o',

  // Checklists
  passwordRulesLabel: 'Requisitos de la contraseña',
  usernameRulesLabel: 'Requisitos del nombre de usuario',
  ruleMet: 'cumplido',
  ruleUnmet: 'no cumplido',
  rulePending: 'se comprobará al enviar',
  rule_min_length: 'Al menos {count} caracteres',
  rule_min_length_one: 'Al menos 1 carácter',
  rule_max_length: 'Como máximo {count} caracteres',
  rule_max_length_one: 'Como máximo 1 carácter',
  rule_character_classes: 'Al menos {count} de estos tipos:',
  rule_character_classes_all: 'Todos estos tipos:',
  class_lower: 'letras minúsculas (a–z)',
  class_upper: 'letras mayúsculas (A–Z)',
  class_digit: 'números (0–9)',
  class_special: 'caracteres especiales (como !@#$%)',
  rule_identical_characters: 'Ningún carácter más de {count} veces seguidas',
  rule_identical_characters_one: 'Ningún carácter dos veces seguidas',
  rule_min_score: 'Difícil de adivinar',
  rule_dictionary: 'No es una contraseña común',
  rule_personal_info: 'No contiene tu nombre ni tu correo electrónico',
  rule_history: 'No es ninguna de tus últimas {count} contraseñas',
  rule_history_one: 'No es tu contraseña anterior',
  username_rule_min_length: 'Al menos {count} caracteres',
  username_rule_min_length_one: 'Al menos 1 carácter',
  username_rule_max_length: 'Como máximo {count} caracteres',
  username_rule_max_length_one: 'Como máximo 1 carácter',
  username_rule_allowed_characters: "Solo letras, números y _ + - . ! # $ ^ ` ~ @ '",
  username_rule_not_email: 'No es una dirección de correo electrónico',

  // Strength meter
  strengthLabel: 'Seguridad de la contraseña',
  strength0: 'Muy débil',
  strength1: 'Débil',
  strength2: 'Aceptable',
  strength3: 'Segura',
  strength4: 'Muy segura',
  strengthPending: 'Escribe una contraseña',

  // Field errors (client side)
  emailRequired: 'Escribe tu dirección de correo electrónico.',
  emailInvalid: 'Escribe una dirección de correo electrónico válida, como nombre@example.com.',
  identifierRequired: 'Escribe tu correo electrónico o nombre de usuario.',
  passwordRequired: 'Escribe tu contraseña.',
  passwordRulesUnmet: 'La contraseña aún no cumple todos los requisitos.',
  usernameRulesUnmet: 'El nombre de usuario aún no cumple todos los requisitos.',
  missingToken: 'Este enlace está incompleto. Solicita uno nuevo.',

  // Status announcements
  loggingIn: 'Iniciando sesión…',
  signingUp: 'Creando tu cuenta…',
  sendingReset: 'Enviando el enlace…',
  savingPassword: 'Guardando tu contraseña…',
  loggedInAs: 'Sesión iniciada como {email}.',
  accountCreated: 'Tu cuenta está lista.',
  accountCreatedLogIn: 'Tu cuenta está lista. Inicia sesión para continuar.',
  resetSent: 'Si existe una cuenta para {email}, recibirás en breve un enlace para elegir una contraseña nueva.',
  passwordSaved: 'Tu contraseña nueva se ha guardado. Inicia sesión con ella.',
  loggedOut: 'Has cerrado sesión.',
  fixErrors: 'Revisa los campos marcados.',

  // Server error codes
  invalid_body: 'Hay algo incorrecto en el formulario. Revísalo y vuelve a intentarlo.',
  payload_too_large: 'Lo que escribiste es demasiado largo.',
  unsupported_media_type: 'No se pudo enviar la solicitud. Vuelve a cargar la página e inténtalo de nuevo.',
  not_found: 'Esta acción no está disponible en este servidor.',
  method_not_allowed: 'Esta acción no está disponible en este servidor.',
  forbidden_origin: 'Esta página no tiene permiso para usar este servidor de inicio de sesión.',
  internal_error: 'Algo salió mal por nuestra parte. Vuelve a intentarlo en un momento.',
  signup_disabled: 'El registro está cerrado.',
  invalid_password: 'La contraseña no cumple todos los requisitos.',
  invalid_username: 'El nombre de usuario no cumple todos los requisitos.',
  user_exists: 'Ya existe una cuenta con este correo electrónico. ¿Quieres iniciar sesión?',
  user_exists_username: 'Este nombre de usuario ya está en uso. Elige otro.',
  invalid_credentials: 'Correo electrónico, nombre de usuario o contraseña incorrectos.',
  password_reset_required: 'Debes elegir una contraseña nueva. Podemos enviarte un enlace por correo electrónico.',
  user_blocked: 'Esta cuenta está bloqueada. Ponte en contacto con el equipo de soporte para obtener ayuda.',
  unauthenticated: 'No has iniciado sesión.',
  too_many_attempts:
    'Demasiados intentos fallidos. Vuelve a intentarlo en {count} minutos o restablece tu contraseña.',
  too_many_attempts_one:
    'Demasiados intentos fallidos. Vuelve a intentarlo en un minuto o restablece tu contraseña.',
  too_many_requests: 'Demasiadas solicitudes. Espera un momento y vuelve a intentarlo.',
  network_error:
    'No se puede conectar con el servidor de inicio de sesión. Comprueba tu conexión y vuelve a intentarlo.',
  unknown_error: 'Algo salió mal. Vuelve a intentarlo.',
};

export default es;
