import { css } from 'lit';

/**
 * Every colour, radius, spacing and font is a `--provision-lock-*` custom property with a light
 * and a dark default; the private `--_*` properties resolve them once so rules stay short.
 */
export const styles = css`
  :host {
    --_font: var(--provision-lock-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_size: var(--provision-lock-font-size, 1rem);
    --_space: var(--provision-lock-spacing, 1rem);
    --_radius: var(--provision-lock-radius, 0.5rem);
    --_shadow: var(--provision-lock-shadow, 0 1px 3px rgb(0 0 0 / 0.12));
    --_bg: var(--provision-lock-color-background, #ffffff);
    --_surface: var(--provision-lock-color-surface, #ffffff);
    --_text: var(--provision-lock-color-text, #1b1f24);
    --_muted: var(--provision-lock-color-text-muted, #586069);
    --_border: var(--provision-lock-color-border, #8c959f);
    --_primary: var(--provision-lock-color-primary, #2f54d1);
    --_on-primary: var(--provision-lock-color-on-primary, #ffffff);
    --_error: var(--provision-lock-color-error, #b3261e);
    --_success: var(--provision-lock-color-success, #1a7f37);
    --_focus: var(--provision-lock-color-focus, #2f54d1);
    display: block;
    max-width: var(--provision-lock-max-width, 26rem);
    color-scheme: light dark;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--provision-lock-color-background, #1b1e23);
      --_surface: var(--provision-lock-color-surface, #262a31);
      --_text: var(--provision-lock-color-text, #e8eaed);
      --_muted: var(--provision-lock-color-text-muted, #a8b0ba);
      --_border: var(--provision-lock-color-border, #6b7380);
      --_primary: var(--provision-lock-color-primary, #9db2ff);
      --_on-primary: var(--provision-lock-color-on-primary, #0f1320);
      --_error: var(--provision-lock-color-error, #ffb4ab);
      --_success: var(--provision-lock-color-success, #7ee2a0);
      --_focus: var(--provision-lock-color-focus, #9db2ff);
      --_shadow: var(--provision-lock-shadow, 0 1px 3px rgb(0 0 0 / 0.5));
    }
  }

  :host([hidden]) {
    display: none;
  }

  .container {
    box-sizing: border-box;
    display: grid;
    gap: var(--_space);
    padding: calc(var(--_space) * 1.5);
    font-family: var(--_font);
    font-size: var(--_size);
    line-height: 1.5;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  header {
    display: grid;
    justify-items: center;
    gap: calc(var(--_space) / 2);
  }

  h2 {
    margin: 0;
    font-size: 1.375em;
    line-height: 1.25;
    text-align: center;
  }

  h2:focus {
    outline: none;
  }

  p {
    margin: 0;
  }

  form,
  [role='tabpanel'],
  [part~='field'],
  [part~='social-buttons'] {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }

  [part~='field'] {
    gap: calc(var(--_space) / 4);
  }

  label {
    font-weight: 600;
  }

  [part~='optional'],
  [part~='intro'],
  [part~='hint'],
  [part~='strength-label'],
  footer {
    color: var(--_muted);
    font-weight: normal;
  }

  [part~='hint'],
  [part~='error'],
  .checklist,
  [part~='strength-meter'] {
    font-size: 0.875em;
  }

  input {
    width: 100%;
    min-height: 2.75em;
    padding: 0.5em 0.75em;
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }

  input[aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
  }

  .password-wrapper {
    position: relative;
    display: flex;
  }

  .password-wrapper input {
    padding-inline-end: 3em;
  }

  [part~='password-toggle'] {
    position: absolute;
    inset-block: 0;
    inset-inline-end: 0;
    width: 2.75em;
    display: grid;
    place-items: center;
    color: var(--_muted);
    background: none;
    border: 0;
    border-radius: var(--_radius);
    cursor: pointer;
  }

  button,
  a {
    font: inherit;
  }

  [part~='submit'],
  [part~='button'],
  [part~='social-button'] {
    min-height: 2.75em;
    padding: 0.5em 1em;
    border-radius: var(--_radius);
    cursor: pointer;
    text-align: center;
  }

  [part~='submit'] {
    font-weight: 600;
    color: var(--_on-primary);
    background: var(--_primary);
    border: 1px solid var(--_primary);
  }

  [part~='button'],
  [part~='social-button'] {
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }

  [aria-disabled='true'] {
    opacity: 0.7;
    cursor: progress;
  }

  [part~='social-button'] {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 0.75em;
    text-decoration: none;
  }

  .divider {
    display: flex;
    align-items: center;
    gap: 0.75em;
    color: var(--_muted);
    font-size: 0.875em;
  }

  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    border-top: 1px solid var(--_border);
  }

  [part~='tabs'] {
    display: flex;
    border-bottom: 1px solid var(--_border);
  }

  [part~='tab'] {
    flex: 1;
    padding: 0.5em;
    color: var(--_muted);
    background: none;
    border: 0;
    border-bottom: 3px solid transparent;
    cursor: pointer;
  }

  [part~='tab-selected'] {
    color: var(--_text);
    font-weight: 600;
    border-bottom-color: var(--_primary);
  }

  [part~='link'] {
    padding: 0;
    color: var(--_primary);
    background: none;
    border: 0;
    text-decoration: underline;
    cursor: pointer;
  }

  footer {
    display: grid;
    justify-items: center;
    gap: calc(var(--_space) / 2);
    font-size: 0.875em;
  }

  footer:empty {
    display: none;
  }

  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .status {
    padding: 0.5em 0.75em;
    border-inline-start: 4px solid var(--_primary);
    border-radius: calc(var(--_radius) / 2);
  }

  .status:empty {
    padding: 0;
    border: 0;
  }

  [part~='status-error'],
  [part~='error'] {
    color: var(--_error);
    border-color: var(--_error);
  }

  [part~='status-success'] {
    border-color: var(--_success);
  }

  .checklist {
    display: grid;
    gap: 0.25em;
    margin: 0.25em 0 0;
    padding: 0;
    list-style: none;
  }

  .rule {
    display: flex;
    align-items: start;
    gap: 0.5em;
  }

  .rule svg {
    flex: none;
    margin-top: 0.1em;
    width: 1.15em;
    height: 1.15em;
  }

  .rule.met svg {
    color: var(--_success);
  }

  .rule.unmet svg {
    color: var(--_error);
  }

  .rule.pending svg {
    color: var(--_muted);
  }

  .classes {
    display: block;
    color: var(--_muted);
  }

  .classes .present {
    color: var(--_text);
    font-weight: 600;
  }

  .meter {
    display: grid;
    gap: 0.25em;
  }

  .bars {
    display: grid;
    grid-template-columns: repeat(4, 1fr);
    gap: 0.25em;
  }

  /* Only opacity is animated: the compositor runs it, without a main-thread frame per step. */
  .bar {
    height: 0.375em;
    border-radius: 1em;
    background: var(--_border);
    opacity: 0.4;
    transition: opacity 0.2s ease;
  }

  [part~='strength-meter-stale'] .bars {
    opacity: 0.5;
  }

  .bar[part~='strength-bar-filled'] {
    opacity: 1;
    background: var(--_error);
  }

  .meter[data-score='2'] .bar[part~='strength-bar-filled'] {
    background: var(--_muted);
  }

  .meter[data-score='3'] .bar[part~='strength-bar-filled'],
  .meter[data-score='4'] .bar[part~='strength-bar-filled'] {
    background: var(--_success);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }

  @media (forced-colors: active) {
    .container,
    input,
    [part~='submit'],
    [part~='button'],
    [part~='social-button'] {
      border: 1px solid CanvasText;
    }

    [part~='tab-selected'] {
      border-bottom-color: Highlight;
    }

    .rule svg,
    .bar {
      forced-color-adjust: none;
      color: CanvasText;
    }

    .bar[part~='strength-bar-filled'] {
      background: Highlight;
    }

    :focus-visible {
      outline-color: Highlight;
    }
  }
`;
