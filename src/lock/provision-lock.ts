import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { PasswordPolicy, PasswordRuleResult, PublicConfig, User, UsernameRuleResult } from '../shared/api.js';
import { EMAIL_LENGTH_LIMIT, EMAIL_PATTERN } from '../shared/limits.js';
// The rule modules themselves, not the policy's index: the index also carries the zxcvbn-ts
// loader, which belongs in the strength estimators' lazy chunk, not in this bundle.
import { checkPassword, personalInfoTokens, type PasswordCheck } from '../shared/policy/password.js';
import { checkUsername, looksLikeEmail } from '../shared/policy/username.js';
import { ApiError } from './api-client.js';
import { isPasswordRules, isUsernameRules } from './contract-guards.js';
import { ConfigController } from './controllers/config-controller.js';
import { I18nController } from './controllers/i18n-controller.js';
import { StrengthController } from './controllers/strength-controller.js';
import { emit, type View } from './events.js';
import { en, type TranslationKey, type TranslationOverrides, type TranslationParams } from './i18n/index.js';
import { eyeIcon, eyeOffIcon, ruleIcons, socialIcon } from './icons.js';
import { takeLanding, type Landing } from './landing.js';
import { passwordRulesAttribute } from './password-rules.js';
import { styles } from './provision-lock.styles.js';

type Field = 'identifier' | 'email' | 'username' | 'password';
type RuleState = 'met' | 'unmet' | 'pending';
type StatusKind = 'info' | 'success' | 'error';

const FIELD_ORDER: readonly Field[] = ['identifier', 'email', 'username', 'password'];
const VIEWS: readonly View[] = ['login', 'signup', 'reset-request', 'reset-confirm', 'set-password', 'signed-in'];
const TABS = ['login', 'signup'] as const;
const EMPTY_VALUES: Readonly<Record<Field, string>> = { identifier: '', email: '', username: '', password: '' };

const TITLES: Readonly<Record<View, TranslationKey>> = {
  login: 'loginTitle',
  signup: 'signupTitle',
  'reset-request': 'resetRequestTitle',
  'reset-confirm': 'resetConfirmTitle',
  'set-password': 'setPasswordTitle',
  'signed-in': 'signedInTitle',
};


/** Error codes are translation keys; a code this version does not know gets the general message. */
function keyForCode(code: string): TranslationKey {
  return Object.hasOwn(en, code) ? (code as TranslationKey) : 'unknown_error';
}

/**
 * A login, sign-up and password-reset form that enforces the server's password and username
 * policies as the user types.
 *
 * @summary Drop-in login widget for the provision-lock server.
 *
 * @attr view - The view to show first: `login` (default), `signup`, `reset-request`, `reset-confirm`, `set-password`.
 * @attr server - Base URL of the provision-lock server; the page's own origin when empty.
 * @attr lang - Language of the widget (`en`, `de`, `fr`, `es`, `pt-BR`, `ja`, `ar`); else the page's, else the browser's.
 * @attr return-to - Where to send the browser after a login or sign-up (an http(s) URL or a path).
 * @attr no-signup - Hides sign-up even when the server allows it.
 * @attr no-social - Hides the social login buttons.
 * @attr no-reset - Hides the password reset link.
 * @attr prefill-email - An email to fill in the email fields.
 *
 * @slot logo - A logo shown above the title.
 * @slot header - Replaces the title.
 * @slot footer - Content below the form, after the links.
 *
 * @fires provision-lock-login - A user logged in. `detail: {user}`. Cancelable: `preventDefault()` keeps the widget from following `return-to`.
 * @fires provision-lock-signup - A user signed up. `detail: {user}`. Cancelable like `provision-lock-login`.
 * @fires provision-lock-logout - The user logged out with the widget's button. `detail: {user}`.
 * @fires provision-lock-error - A request failed. `detail: {code, message, view}`; `code` is the server's error code or `network_error`.
 * @fires provision-lock-view-change - The user moved to another view. `detail: {view, previous}`.
 *
 * @csspart container - The outer box.
 * @csspart header - The area holding the logo and title.
 * @csspart logo - The wrapper of the `logo` slot.
 * @csspart title - The heading of the current view.
 * @csspart tabs - The log in / sign up tab list.
 * @csspart tab - One tab.
 * @csspart tab-selected - The selected tab (beside `tab`).
 * @csspart status - The live region for announcements.
 * @csspart status-info - The status while something is in progress.
 * @csspart status-success - The status after something succeeded.
 * @csspart status-error - The status after something failed.
 * @csspart intro - Explanatory text at the top of a view.
 * @csspart form - The form.
 * @csspart field - A label, input and messages; also `field-identifier`, `field-email`, `field-username` or `field-password`.
 * @csspart label - A field label.
 * @csspart optional - The "(optional)" marker of a label.
 * @csspart input - A text or password input.
 * @csspart input-invalid - An input whose value was refused (beside `input`).
 * @csspart password-wrapper - The box around the password input and its toggle.
 * @csspart password-toggle - The show/hide password button.
 * @csspart hint - A hint below a field.
 * @csspart caps-lock - The Caps Lock warning (beside `hint`).
 * @csspart error - An error message below a field.
 * @csspart checklist - A list of password or username rules.
 * @csspart rule - One rule of a checklist.
 * @csspart rule-met - A rule the value meets (beside `rule`).
 * @csspart rule-unmet - A rule the value does not meet yet (beside `rule`).
 * @csspart rule-pending - A rule checked when the form is sent (beside `rule`).
 * @csspart rule-classes - The character classes listed under the character-class rule.
 * @csspart strength-meter - The password strength meter.
 * @csspart strength-meter-stale - The meter while it shows the previous password's score, until the typed one is estimated (beside `strength-meter`).
 * @csspart strength-bar - One bar of the meter.
 * @csspart strength-bar-filled - A lit bar of the meter (beside `strength-bar`).
 * @csspart strength-label - The meter's text.
 * @csspart submit - The submit button.
 * @csspart button - Other buttons (log out, continue, try again).
 * @csspart social-buttons - The group of social login buttons.
 * @csspart social-button - One social login button; also `social-button-{provider}`.
 * @csspart divider - The "or" between social buttons and the form.
 * @csspart footer - The area with the links and the `footer` slot.
 * @csspart link - A link-styled button that switches views.
 *
 * @cssprop [--provision-lock-font-family=system-ui, sans-serif] - Font of the whole widget.
 * @cssprop [--provision-lock-font-size=1rem] - Base font size; everything scales from it.
 * @cssprop [--provision-lock-max-width=26rem] - Widest the widget grows.
 * @cssprop [--provision-lock-spacing=1rem] - Base spacing unit.
 * @cssprop [--provision-lock-radius=0.5rem] - Corner radius of the box, inputs and buttons.
 * @cssprop [--provision-lock-color-background=#ffffff (dark: #1b1e23)] - Background of the box.
 * @cssprop [--provision-lock-color-surface=#ffffff (dark: #262a31)] - Background of inputs.
 * @cssprop [--provision-lock-color-text=#1b1f24 (dark: #e8eaed)] - Text.
 * @cssprop [--provision-lock-color-text-muted=#586069 (dark: #a8b0ba)] - Secondary text.
 * @cssprop [--provision-lock-color-border=#8c959f (dark: #6b7380)] - Borders of inputs and the box.
 * @cssprop [--provision-lock-color-primary=#2f54d1 (dark: #9db2ff)] - Submit button and links.
 * @cssprop [--provision-lock-color-on-primary=#ffffff (dark: #0f1320)] - Text on the primary colour.
 * @cssprop [--provision-lock-color-error=#b3261e (dark: #ffb4ab)] - Errors and unmet rules.
 * @cssprop [--provision-lock-color-success=#1a7f37 (dark: #7ee2a0)] - Met rules and success messages.
 * @cssprop [--provision-lock-color-focus=#2f54d1 (dark: #9db2ff)] - The focus ring.
 * @cssprop [--provision-lock-shadow=0 1px 3px rgb(0 0 0 / 0.12)] - Shadow of the box.
 */
@customElement('provision-lock')
export class ProvisionLock extends LitElement {
  static override styles = styles;

  static override get observedAttributes(): string[] {
    // The global `lang` attribute stays the browser's own property; watching it is enough.
    return [...super.observedAttributes, 'lang'];
  }

  private readonly i18n = new I18nController(this);
  private readonly loader = new ConfigController(this, (user) => this.onSessionLoaded(user));
  private readonly strength = new StrengthController(this);

  @state() private values: Readonly<Record<Field, string>> = EMPTY_VALUES;
  /** Field errors and the status are kept as translation keys: a language change re-words them. */
  @state() private errors: Readonly<Partial<Record<Field, TranslationKey>>> = {};
  @state() private status: { key: TranslationKey; params: TranslationParams; kind: StatusKind } | undefined;
  @state() private busy = false;
  @state() private user: User | null = null;
  @state() private passwordVisible = false;
  @state() private capsLock = false;
  /** The server's verdict on a password or username, valid while the field still holds it. */
  @state() private serverPasswordRules: { value: string; rules: PasswordRuleResult[] } | undefined;
  @state() private serverUsernameRules: { value: string; rules: UsernameRuleResult[] } | undefined;
  /** True while the widget itself changes `view`, so the change keeps the status it announces. */
  private switchingView = false;
  /** What a social login said on the way back to this page (read once). */
  private landing: Landing | undefined;

  /** The view shown; set it (or the attribute) to switch views. */
  @property({ reflect: true }) view: View = 'login';
  /** Base URL of the provision-lock server; the page's own origin when empty. */
  @property() server = '';
  @property({ attribute: 'return-to' }) returnTo = '';
  @property({ type: Boolean, attribute: 'no-signup' }) noSignup = false;
  @property({ type: Boolean, attribute: 'no-social' }) noSocial = false;
  @property({ type: Boolean, attribute: 'no-reset' }) noReset = false;
  @property({ attribute: 'prefill-email' }) prefillEmail = '';
  /** Strings that replace the built-in ones, by key (see `src/lock/i18n/en.ts`). */
  @property({ attribute: false }) translations: TranslationOverrides = {};
  /** A configuration to use instead of fetching `GET /api/config`. */
  @property({ attribute: false }) config: PublicConfig | undefined;
  /** The password-reset token; read from the page's `#token=` fragment when empty. */
  @property({ attribute: false }) resetToken = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.landing ??= takeLanding();
  }

  override attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    super.attributeChangedCallback(name, previous, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('prefillEmail') && this.prefillEmail) {
      this.values = {
        ...this.values,
        email: this.values.email || this.prefillEmail,
        identifier: this.values.identifier || this.prefillEmail,
      };
    }
    // A view set from outside starts clean; `go()` has already done so for its own switches.
    if (changed.has('view') && changed.get('view') !== undefined && !this.switchingView) this.resetTransientState();
    this.switchingView = false;
    if (this.showsNewPassword()) this.strength.request(this.values.password, this.personalInputs());
  }

  // ------------------------------------------------------------------------------------------
  // Handlers

  private onSessionLoaded(user: User | null): void {
    this.user = user;
    const view = this.currentView();
    if (user && (view === 'login' || view === 'signup')) this.view = 'signed-in';

    // Back from a social login: finish what the user started on the provider's page.
    const landing = this.landing;
    this.landing = { loggedIn: false, error: undefined };
    if (landing?.error) {
      const key = keyForCode(landing.error);
      emit(this, 'provision-lock-error', { code: landing.error, message: this.i18n.t(key), view: this.currentView() });
      this.announce(key, 'error');
    } else if (landing?.loggedIn && user) {
      emit(this, 'provision-lock-login', { user });
    }
  }

  private onInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    const field = input.id as Field;
    this.values = { ...this.values, [field]: input.value };
    if (this.errors[field]) this.errors = { ...this.errors, [field]: undefined };
  }

  private onPasswordKey(event: KeyboardEvent): void {
    this.capsLock = event.getModifierState('CapsLock');
  }

  private onTabKeydown(event: KeyboardEvent): void {
    const order = this.i18n.direction === 'rtl' ? [...TABS].reverse() : [...TABS];
    const current = order.indexOf(this.currentView() as (typeof TABS)[number]);
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: order.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = order[(next + order.length) % order.length] ?? 'login';
    this.go(tab, 'tab');
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const config = this.readyConfig();
    if (this.busy || !config) return;
    const view = this.currentView();
    const errors = this.validate(view, config);
    this.errors = errors;
    if (Object.values(errors).some(Boolean)) {
      this.announce('fixErrors', 'error');
      await this.focusFirstInvalid();
      return;
    }
    this.busy = true;
    try {
      await this.perform(view);
    } catch (error) {
      await this.fail(error, view);
    } finally {
      this.busy = false;
    }
  }

  private async onLogout(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.loader.client.logout();
      const user = this.user;
      emit(this, 'provision-lock-logout', { user });
      this.go('login', 'field');
      this.user = null;
      this.announce('loggedOut', 'success');
    } catch (error) {
      await this.fail(error, 'signed-in');
    } finally {
      this.busy = false;
    }
  }

  private onContinue(): void {
    this.followReturnTo();
  }

  // ------------------------------------------------------------------------------------------
  // Flows

  private async perform(view: View): Promise<void> {
    const { client } = this.loader;
    const { identifier, email, username, password } = this.values;
    switch (view) {
      case 'login': {
        this.announce('loggingIn', 'info');
        const user = await client.login({ identifier, password });
        this.completeAuthentication(user, 'provision-lock-login');
        return;
      }
      case 'signup': {
        this.announce('signingUp', 'info');
        const user = await client.signup({ email, password, ...(username ? { username } : {}) });
        if (!user) {
          // The server does not tell whether the email was new; the mail it sent does.
          this.values = { ...EMPTY_VALUES, identifier: email };
          this.go('login', 'field');
          this.announce('signupCheckEmail', 'success', { email });
          return;
        }
        // The server starts a session after sign-up only when configured to; ask which it did.
        const session = await client.session().catch(() => null);
        if (session) {
          this.completeAuthentication(session, 'provision-lock-signup');
        } else {
          emit(this, 'provision-lock-signup', { user });
          this.values = { ...EMPTY_VALUES, identifier: email };
          this.go('login', 'field');
          this.announce('accountCreatedLogIn', 'success');
        }
        return;
      }
      case 'reset-request':
        this.announce('sendingReset', 'info');
        await client.requestPasswordReset(email);
        this.announce('resetSent', 'success', { email });
        return;
      case 'reset-confirm':
      case 'set-password':
        this.announce('savingPassword', 'info');
        await client.confirmPasswordReset(this.token(), password);
        this.values = { ...this.values, password: '' };
        this.go('login', 'field');
        this.announce('passwordSaved', 'success');
        return;
      case 'signed-in':
        return;
    }
  }

  private completeAuthentication(user: User, event: 'provision-lock-login' | 'provision-lock-signup'): void {
    this.user = user;
    this.values = { ...EMPTY_VALUES, identifier: user.email, email: user.email };
    const proceed = emit(this, event, { user });
    if (proceed && this.followReturnTo()) return;
    // The signed-in view names the account itself; the heading takes focus and speaks for it.
    this.go('signed-in', 'title');
    if (event === 'provision-lock-signup') this.announce('accountCreated', 'success');
  }

  /** Navigates to `return-to` when it is an http(s) URL; false when there is nowhere to go. */
  private followReturnTo(): boolean {
    if (!this.returnTo) return false;
    const target = new URL(this.returnTo, location.href);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
    location.assign(target.href);
    return true;
  }

  private async fail(error: unknown, view: View): Promise<void> {
    const failure = error instanceof ApiError ? error : new ApiError('unknown_error', String(error), 0);
    emit(this, 'provision-lock-error', { code: failure.code, message: failure.message, view });
    const { password, username, identifier } = this.values;

    switch (failure.code) {
      case 'invalid_password': {
        const { rules } = failure.details;
        if (isPasswordRules(rules)) this.serverPasswordRules = { value: password, rules };
        this.errors = { password: 'invalid_password' };
        break;
      }
      case 'invalid_username': {
        const { rules } = failure.details;
        if (isUsernameRules(rules)) this.serverUsernameRules = { value: username, rules };
        this.errors = { username: 'invalid_username' };
        break;
      }
      case 'user_exists':
        this.errors = failure.details.field === 'username' ? { username: 'user_exists_username' } : { email: 'user_exists' };
        break;
      case 'invalid_credentials':
        this.errors = { password: 'invalid_credentials' };
        break;
      case 'password_reset_required':
        this.values = { ...this.values, email: looksLikeEmail(identifier) ? identifier.trim() : this.values.email };
        this.go('reset-request', 'field');
        break;
      default:
        break;
    }
    const minutes = Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60));
    this.announce(keyForCode(failure.code), 'error', { count: minutes });
    await this.focusFirstInvalid();
  }


  private validate(view: View, config: PublicConfig): Partial<Record<Field, TranslationKey>> {
    const { identifier, email, password } = this.values;
    const errors: Partial<Record<Field, TranslationKey>> = {};
    const trimmed = email.trim();
    const emailError = (): TranslationKey | undefined =>
      !trimmed
        ? 'emailRequired'
        : EMAIL_PATTERN.test(trimmed) && trimmed.length <= EMAIL_LENGTH_LIMIT
          ? undefined
          : 'emailInvalid';
    switch (view) {
      case 'login':
        if (!identifier.trim()) errors.identifier = config.username.enabled ? 'identifierRequired' : 'emailRequired';
        if (!password) errors.password = 'passwordRequired';
        break;
      case 'signup':
        errors.email = emailError();
        if (this.showsUsername(config) && !this.usernameRules(config).every((rule) => rule.ok)) {
          errors.username = 'usernameRulesUnmet';
        }
        errors.password = this.passwordError(config.password);
        break;
      case 'reset-request':
        errors.email = emailError();
        break;
      case 'reset-confirm':
      case 'set-password':
        errors.password = this.token() ? this.passwordError(config.password) : 'missingToken';
        break;
      case 'signed-in':
        break;
    }
    return errors;
  }

  private passwordError(policy: PasswordPolicy): TranslationKey | undefined {
    if (!this.values.password) return 'passwordRequired';
    // Rules not known here yet ("checked when you submit") do not hold the form back.
    const unmet = this.passwordCheck(policy).rules.some((rule) => rule.ok === false);
    return unmet ? 'passwordRulesUnmet' : undefined;
  }

  // ------------------------------------------------------------------------------------------
  // State helpers

  /** The view to render: the requested one when this server and these options allow it. */
  private currentView(): View {
    const config = this.readyConfig();
    const view = VIEWS.includes(this.view) ? this.view : 'login';
    if (view === 'signup' && config && !this.signupAllowed(config)) return 'login';
    if (view === 'reset-request' && (this.noReset || (config && !config.passwordReset.enabled))) return 'login';
    if (view === 'signed-in' && !this.user) return 'login';
    return view;
  }

  private go(view: View, focus: 'field' | 'tab' | 'title'): void {
    const previous = this.currentView();
    if (view === previous) return;
    this.switchingView = true;
    this.view = view;
    this.resetTransientState();
    emit(this, 'provision-lock-view-change', { view, previous });
    void this.updateComplete.then(() => {
      const target =
        focus === 'tab'
          ? this.renderRoot.querySelector<HTMLElement>(`#tab-${view}`)
          : focus === 'title'
            ? this.renderRoot.querySelector<HTMLElement>('#title')
            : this.renderRoot.querySelector<HTMLElement>('input, button[part~="button"]');
      target?.focus();
    });
  }

  private resetTransientState(): void {
    this.errors = {};
    this.status = undefined;
    this.passwordVisible = false;
    this.capsLock = false;
    this.serverPasswordRules = undefined;
    this.serverUsernameRules = undefined;
  }

  private announce(key: TranslationKey, kind: StatusKind, params: TranslationParams = {}): void {
    this.status = { key, params, kind };
  }

  private async focusFirstInvalid(): Promise<void> {
    await this.updateComplete;
    const field = FIELD_ORDER.find((name) => this.errors[name]);
    const input = field && this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
    if (!input) return;
    input.focus();
    if (field === 'password') input.select();
  }

  private readyConfig(): PublicConfig | undefined {
    const { state } = this.loader;
    return state.status === 'ready' ? state.config : undefined;
  }

  private signupAllowed(config: PublicConfig): boolean {
    return config.signup.enabled && !this.noSignup;
  }

  private showsNewPassword(): boolean {
    return ['signup', 'reset-confirm', 'set-password'].includes(this.currentView());
  }

  private showsUsername(config: PublicConfig): boolean {
    return config.username.enabled && (config.username.required || this.values.username !== '');
  }

  private token(): string {
    return this.resetToken || new URLSearchParams(location.hash.slice(1)).get('token') || '';
  }

  /** What the password must not contain and zxcvbn should know: the details typed in sign-up. */
  private personalInputs(): string[] {
    return this.currentView() === 'signup' ? personalInfoTokens(this.personalInfo()) : [];
  }

  private personalInfo(): { email?: string; username?: string } {
    if (this.currentView() !== 'signup') return {};
    const { email, username } = this.values;
    return { ...(email.trim() ? { email } : {}), ...(username.trim() ? { username } : {}) };
  }

  private passwordCheck(policy: PasswordPolicy): PasswordCheck {
    const { password } = this.values;
    const fromServer = this.serverPasswordRules;
    if (fromServer?.value === password) return { ok: false, rules: fromServer.rules };
    return checkPassword(password, policy, {
      ...this.personalInfo(),
      score: this.strength.scoreOf(password, this.personalInputs()),
      commonPasswords: this.strength.commonPasswords,
    });
  }

  private usernameRules(config: PublicConfig): UsernameRuleResult[] {
    const { username } = this.values;
    const fromServer = this.serverUsernameRules;
    return fromServer?.value === username ? fromServer.rules : checkUsername(username, config.username).rules;
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  protected override render(): TemplateResult {
    const { t, direction, language } = this.i18n;
    const { state } = this.loader;
    const view = this.currentView();
    const config = this.readyConfig();
    const tabs = config && (view === 'login' || view === 'signup') && this.signupAllowed(config);
    const body =
      state.status === 'ready'
        ? this.renderView(view, state.config)
        : state.status === 'loading'
          ? html`<p part="intro">${t('loading')}</p>`
          : html`<p part="error">${t('configFailed')} ${t(keyForCode(state.error.code))}</p>
              <button part="button" type="button" @click=${() => void this.loader.load()}>${t('retry')}</button>`;

    return html`
      <div part="container" class="container" dir=${direction} lang=${language} aria-busy=${state.status === 'loading'}>
        <header part="header">
          <div part="logo"><slot name="logo"></slot></div>
          <slot name="header"><h2 part="title" id="title" tabindex="-1">${t(TITLES[view])}</h2></slot>
        </header>
        ${tabs ? this.renderTabs(view) : nothing}
        <div part="status ${this.status ? `status-${this.status.kind}` : ''}" class="status" role="status">
          ${this.status ? t(this.status.key, this.status.params) : ''}
        </div>
        ${tabs ? html`<div role="tabpanel" id="panel" aria-labelledby="tab-${view}">${body}</div>` : body}
        <footer part="footer">${config ? this.renderLinks(view, config) : nothing}<slot name="footer"></slot></footer>
      </div>
    `;
  }

  private renderTabs(view: View): TemplateResult {
    const { t } = this.i18n;
    return html`
      <div part="tabs" role="tablist" aria-label=${t('tabsLabel')} @keydown=${this.onTabKeydown}>
        ${TABS.map((tab) => {
          const selected = tab === view;
          return html`<button
            part="tab ${selected ? 'tab-selected' : ''}"
            role="tab"
            type="button"
            id="tab-${tab}"
            aria-selected=${selected}
            aria-controls="panel"
            tabindex=${selected ? 0 : -1}
            @click=${() => this.go(tab, 'tab')}
          >
            ${t(tab === 'login' ? 'tabLogin' : 'tabSignup')}
          </button>`;
        })}
      </div>
    `;
  }

  private renderView(view: View, config: PublicConfig): TemplateResult {
    const { t } = this.i18n;
    switch (view) {
      case 'login':
        return html`${this.renderSocial(config)}
          <form part="form" novalidate aria-labelledby="title" @submit=${this.onSubmit}>
            ${this.renderTextField('identifier', {
              label: t(config.username.enabled ? 'emailOrUsername' : 'email'),
              type: config.username.enabled ? 'text' : 'email',
              autocomplete: 'username',
            })}
            ${this.renderPasswordField(config, false)} ${this.renderSubmit('submitLogin')}
          </form>`;
      case 'signup':
        return html`${this.renderSocial(config)}
          <form part="form" novalidate aria-labelledby="title" @submit=${this.onSubmit}>
            ${this.renderTextField('email', {
              label: t('email'),
              type: 'email',
              // The email is the account's login name unless usernames are on.
              autocomplete: config.username.enabled ? 'email' : 'username',
            })}
            ${config.username.enabled ? this.renderUsernameField(config) : nothing}
            ${this.renderPasswordField(config, true)} ${this.renderSubmit('submitSignup')}
          </form>`;
      case 'reset-request':
        return html`<p part="intro">${t('resetRequestIntro')}</p>
          <form part="form" novalidate aria-labelledby="title" @submit=${this.onSubmit}>
            ${this.renderTextField('email', { label: t('email'), type: 'email', autocomplete: 'username' })}
            ${this.renderSubmit('submitResetRequest')}
          </form>`;
      case 'reset-confirm':
      case 'set-password':
        return html`${view === 'set-password' ? html`<p part="intro">${t('setPasswordIntro')}</p>` : nothing}
          <form part="form" novalidate aria-labelledby="title" @submit=${this.onSubmit}>
            ${this.renderPasswordField(config, true)} ${this.renderSubmit('submitNewPassword')}
          </form>`;
      case 'signed-in':
        return html`<p part="intro">${t('loggedInAs', { email: this.user?.email ?? '' })}</p>
          ${this.returnTo
            ? html`<button part="submit" type="button" @click=${this.onContinue}>${t('continue')}</button>`
            : nothing}
          <button part="button" type="button" aria-disabled=${this.busy} @click=${this.onLogout}>${t('logout')}</button>`;
    }
  }

  private renderLinks(view: View, config: PublicConfig): TemplateResult | typeof nothing {
    const { t } = this.i18n;
    if (view === 'login' && !this.noReset && config.passwordReset.enabled) {
      return html`<button part="link" type="button" @click=${this.toResetRequest}>${t('forgotPassword')}</button>`;
    }
    if (view === 'reset-request' || view === 'reset-confirm' || view === 'set-password') {
      return html`<button part="link" type="button" @click=${() => this.go('login', 'field')}>${t('backToLogin')}</button>`;
    }
    return nothing;
  }

  private toResetRequest(): void {
    const { identifier, email } = this.values;
    this.values = { ...this.values, email: looksLikeEmail(identifier) ? identifier.trim() : email };
    this.go('reset-request', 'field');
  }

  private renderSocial(config: PublicConfig): TemplateResult | typeof nothing {
    if (this.noSocial || config.social.length === 0) return nothing;
    const { t } = this.i18n;
    // After the provider: success goes to `return-to` (else back here), a failure comes back here.
    const returnTo = this.returnTo || location.href;
    return html`
      <div part="social-buttons" role="group" aria-label=${t('socialLabel')}>
        ${config.social.map(
          (provider) =>
            html`<a part="social-button social-button-${provider.id}" href=${this.loader.client.socialUrl(provider.id, returnTo, location.href)}>
              ${socialIcon(provider.type)}<span>${t('socialContinue', { provider: provider.name })}</span>
            </a>`,
        )}
      </div>
      <div part="divider" class="divider"><span>${t('divider')}</span></div>
    `;
  }

  private renderSubmit(label: TranslationKey): TemplateResult {
    return html`<button part="submit" type="submit" aria-disabled=${this.busy}>${this.i18n.t(label)}</button>`;
  }

  private renderTextField(
    field: Exclude<Field, 'password'>,
    options: { label: string; type: 'email' | 'text'; autocomplete: string; optional?: boolean; describedBy?: string },
  ): TemplateResult {
    const error = this.errors[field];
    const describedBy = [options.describedBy, error && `${field}-error`].filter(Boolean).join(' ');
    return html`
      <div part="field field-${field}">
        <label part="label" for=${field}>
          ${options.label}${options.optional
            ? // The space is an expression so that template minification cannot drop it.
              html`${' '}<span part="optional">${this.i18n.t('optional')}</span>`
            : nothing}
        </label>
        <input
          part="input ${error ? 'input-invalid' : ''}"
          id=${field}
          name=${field === 'identifier' ? 'username' : field}
          type=${options.type}
          autocomplete=${options.autocomplete}
          autocapitalize="none"
          spellcheck="false"
          ?required=${!options.optional}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${ifDefined(describedBy || undefined)}
          .value=${live(this.values[field])}
          @input=${this.onInput}
        />
        ${error ? html`<p part="error" id="${field}-error">${this.i18n.t(error)}</p>` : nothing}
      </div>
    `;
  }

  private renderUsernameField(config: PublicConfig): TemplateResult {
    const showRules = this.showsUsername(config);
    return html`${this.renderTextField('username', {
      label: this.i18n.t('username'),
      type: 'text',
      autocomplete: 'username',
      optional: !config.username.required,
      ...(showRules ? { describedBy: 'username-rules' } : {}),
    })}
    ${showRules
      ? this.renderChecklist(
          'username-rules',
          'usernameRulesLabel',
          this.usernameRules(config).map((rule) => this.renderRule(rule.id, rule.ok, this.usernameRuleText(rule))),
        )
      : nothing}`;
  }

  private renderPasswordField(config: PublicConfig, isNew: boolean): TemplateResult {
    const { t } = this.i18n;
    const error = this.errors.password;
    const check = isNew ? this.passwordCheck(config.password) : undefined;
    const describedBy = [
      isNew && 'password-rules strength',
      this.capsLock && 'caps-lock',
      error && 'password-error',
    ].filter(Boolean);
    const visible = this.passwordVisible;
    return html`
      <div part="field field-password">
        <label part="label" for="password">
          ${t(isNew && this.currentView() !== 'signup' ? 'newPassword' : 'password')}
        </label>
        <div part="password-wrapper" class="password-wrapper">
          <input
            part="input ${error ? 'input-invalid' : ''}"
            id="password"
            name="password"
            type=${visible ? 'text' : 'password'}
            autocomplete=${isNew ? 'new-password' : 'current-password'}
            passwordrules=${ifDefined(isNew ? passwordRulesAttribute(config.password) : undefined)}
            autocapitalize="none"
            spellcheck="false"
            required
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy.join(' ')}
            .value=${live(this.values.password)}
            @input=${this.onInput}
            @keydown=${this.onPasswordKey}
            @keyup=${this.onPasswordKey}
            @focus=${isNew ? () => this.strength.prepare() : nothing}
          />
          <button
            part="password-toggle"
            type="button"
            aria-label=${t('showPassword')}
            aria-pressed=${visible}
            aria-controls="password"
            title=${t(visible ? 'hidePassword' : 'showPassword')}
            @click=${() => (this.passwordVisible = !visible)}
          >
            ${visible ? eyeOffIcon : eyeIcon}
          </button>
        </div>
        ${this.capsLock ? html`<p part="hint caps-lock" id="caps-lock">${t('capsLockOn')}</p>` : nothing}
        ${error ? html`<p part="error" id="password-error">${t(error)}</p>` : nothing}
        ${check
          ? html`${this.renderChecklist(
              'password-rules',
              'passwordRulesLabel',
              check.rules.map((rule) =>
                this.renderRule(rule.id, rule.ok, this.passwordRuleText(rule), this.renderClasses(rule)),
              ),
            )}
            ${this.renderStrength()}`
          : nothing}
      </div>
    `;
  }

  private renderChecklist(id: string, label: TranslationKey, rules: TemplateResult[]): TemplateResult {
    return html`<ul part="checklist" class="checklist" id=${id} aria-label=${this.i18n.t(label)}>${rules}</ul>`;
  }

  private renderRule(
    id: string,
    ok: boolean | null,
    text: string,
    extra: TemplateResult | typeof nothing = nothing,
  ): TemplateResult {
    const { t } = this.i18n;
    const ruleState: RuleState = ok === true ? 'met' : ok === false ? 'unmet' : 'pending';
    const stateText = t(ruleState === 'met' ? 'ruleMet' : ruleState === 'unmet' ? 'ruleUnmet' : 'rulePending');
    return html`<li part="rule rule-${ruleState}" class="rule ${ruleState}" data-rule=${id}>
      ${ruleIcons[ruleState]}<span>${text}<span class="visually-hidden">: ${stateText}</span>${extra}</span>
    </li>`;
  }

  private renderClasses(rule: PasswordRuleResult): TemplateResult | typeof nothing {
    if (rule.id !== 'character_classes') return nothing;
    return html`<span part="rule-classes" class="classes">
      ${rule.classes.map((characterClass, index) => {
        const present = rule.present.includes(characterClass);
        return html`${index ? ', ' : ''}<span class=${present ? 'present' : 'absent'}
            >${this.i18n.t(`class_${characterClass}`)}${present ? html`<span class="visually-hidden"> ✓</span>` : nothing}</span
          >`;
      })}
    </span>`;
  }

  private renderStrength(): TemplateResult {
    const { t } = this.i18n;
    const { password } = this.values;
    const exact = password ? this.strength.scoreOf(password, this.personalInputs()) : undefined;
    // While the typed password waits for its estimate, the meter keeps the last score, marked as
    // out of date, instead of emptying and refilling its bars on every key press.
    const score = password ? (exact ?? this.strength.lastScore) : undefined;
    const stale = exact === undefined && score !== undefined;
    const label = score === undefined ? t('strengthPending') : t(`strength${score}` as TranslationKey);
    return html`<div part="strength-meter ${stale ? 'strength-meter-stale' : ''}" class="meter" id="strength" data-score=${score ?? 'none'}>
      <span class="bars" aria-hidden="true">
        ${[0, 1, 2, 3].map(
          (bar) => html`<span part="strength-bar ${score !== undefined && score > bar ? 'strength-bar-filled' : ''}"
            class="bar"></span>`,
        )}
      </span>
      <span part="strength-label"
        >${t('strengthLabel')}: ${label}${stale ? html`<span class="visually-hidden"> (${t('strengthUpdating')})</span>` : nothing}</span
      >
    </div>`;
  }

  private passwordRuleText(rule: PasswordRuleResult): string {
    const { t } = this.i18n;
    switch (rule.id) {
      case 'min_length':
        return t('rule_min_length', { count: rule.min });
      case 'max_length':
        return t('rule_max_length', { count: rule.max });
      case 'character_classes':
        return rule.required === rule.classes.length
          ? t('rule_character_classes_all')
          : t('rule_character_classes', { count: rule.required });
      case 'identical_characters':
        return t('rule_identical_characters', { count: rule.max });
      case 'min_score':
        return t('rule_min_score');
      case 'dictionary':
        return t('rule_dictionary');
      case 'personal_info':
        return t('rule_personal_info');
      case 'history':
        return t('rule_history', { count: rule.count });
    }
  }

  private usernameRuleText(rule: UsernameRuleResult): string {
    const { t } = this.i18n;
    switch (rule.id) {
      case 'min_length':
        return t('username_rule_min_length', { count: rule.min });
      case 'max_length':
        return t('username_rule_max_length', { count: rule.max });
      case 'allowed_characters':
        return t('username_rule_allowed_characters');
      case 'not_email':
        return t('username_rule_not_email');
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'provision-lock': ProvisionLock;
  }
}
