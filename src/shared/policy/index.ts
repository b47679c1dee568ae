export { STRENGTH_PRESETS, type StrengthPreset } from './presets.js';
export {
  checkPassword,
  personalInfoTokens,
  resolvePasswordPolicy,
  type PasswordCheck,
  type PasswordContext,
  type PersonalInfo,
} from './password.js';
export {
  checkUsername,
  looksLikeEmail,
  normalizeUsername,
  resolveUsernamePolicy,
  type UsernameCheck,
} from './username.js';
export { evaluatePassword, loadStrengthEstimator, type StrengthEstimator } from './strength.js';
