/**
 * The hosted login page: a small server-rendered document holding the widget. It has no inline
 * script or style, so it works under the strict Content-Security-Policy it is served with.
 */
import { directionOf, type SupportedLanguage } from '../../shared/languages.js';
import { escapeHtml } from '../html.js';

export const LOGIN_VIEWS = ['login', 'signup', 'reset-request', 'reset-confirm', 'set-password'] as const;
export type LoginPageView = (typeof LOGIN_VIEWS)[number];

export interface LoginPageOptions {
  language: SupportedLanguage;
  view: LoginPageView;
  /** Already checked by `safeReturnTo`. */
  returnTo: string;
}

export function loginPageHtml({ language, view, returnTo }: LoginPageOptions): string {
  return `<!doctype html>
<html lang="${language}" dir="${directionOf(language)}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>provision-lock</title>
    <link rel="stylesheet" href="/login.css">
    <script type="module" src="/assets/provision-lock.js"></script>
  </head>
  <body>
    <main>
      <provision-lock view="${escapeHtml(view)}" return-to="${escapeHtml(returnTo)}"></provision-lock>
    </main>
  </body>
</html>
`;
}

export const LOGIN_PAGE_CSS = `html { color-scheme: light dark; }
body {
  margin: 0;
  min-height: 100vh;
  display: grid;
  place-items: center;
  background: #eef1f5;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) { body { background: #111317; } }
main { width: min(26rem, 100% - 2rem); padding-block: 2rem; }
provision-lock:not(:defined) { display: block; min-height: 24rem; }
`;
