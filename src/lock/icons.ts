/**
 * Inline SVG icons: drawn in the shadow root, so the widget makes no third-party request and runs
 * under `default-src 'self'`. Brand marks are simplified single-path shapes in the brand colour.
 */
import { svg, type SVGTemplateResult } from 'lit';

const frame = (content: SVGTemplateResult): SVGTemplateResult =>
  svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">${content}</svg>`;

export const eyeIcon = frame(
  svg`<path fill="currentColor" d="M12 5C6.5 5 2.7 9.2 1.5 12c1.2 2.8 5 7 10.5 7s9.3-4.2 10.5-7C21.3 9.2 17.5 5 12 5zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z"/>`,
);

export const eyeOffIcon = frame(
  svg`<path fill="currentColor" d="M3.3 2 2 3.3l3.1 3.1C3.4 7.8 2.2 9.9 1.5 12c1.2 2.8 5 7 10.5 7 1.9 0 3.6-.5 5-1.3l3.7 3.6 1.3-1.3zM12 16.5A4.5 4.5 0 0 1 7.5 12c0-.8.2-1.5.5-2.1l1.6 1.6A2 2 0 0 0 12.5 14l1.6 1.6c-.6.5-1.3.9-2.1.9zM12 5c5.5 0 9.3 4.2 10.5 7-.6 1.4-1.7 3-3.2 4.3l-3-3c.1-.4.2-.9.2-1.3A4.5 4.5 0 0 0 12 7.5c-.4 0-.9.1-1.3.2L8.4 5.4C9.5 5.1 10.7 5 12 5z"/>`,
);

const checkMark = frame(svg`<path fill="currentColor" d="M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6 11-11-1.4-1.4z"/>`);
const crossMark = frame(
  svg`<path fill="currentColor" d="m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/>`,
);
const pendingMark = frame(svg`<circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2"/>`);

export const ruleIcons = { met: checkMark, unmet: crossMark, pending: pendingMark } as const;

const SOCIAL_ICONS: Readonly<Record<string, SVGTemplateResult>> = {
  google: frame(svg`
    <path fill="#4285F4" d="M22.5 12.2c0-.8-.1-1.5-.2-2.2H12v4.2h5.9a5 5 0 0 1-2.2 3.3v2.7h3.6c2-1.9 3.2-4.7 3.2-8z"/>
    <path fill="#34A853" d="M12 23c3 0 5.5-1 7.3-2.7l-3.6-2.8c-1 .7-2.2 1.1-3.7 1.1-2.9 0-5.3-1.9-6.2-4.5H2.1v2.9A11 11 0 0 0 12 23z"/>
    <path fill="#FBBC05" d="M5.8 14.1a6.6 6.6 0 0 1 0-4.2V7H2.1a11 11 0 0 0 0 10z"/>
    <path fill="#EA4335" d="M12 5.4c1.6 0 3.1.6 4.2 1.6l3.2-3.2A11 11 0 0 0 2.1 7l3.7 2.9C6.7 7.3 9.1 5.4 12 5.4z"/>`),
  facebook: frame(
    svg`<path fill="#1877F2" d="M24 12a12 12 0 1 0-13.9 11.9v-8.4H7.1V12h3V9.4c0-3 1.8-4.7 4.5-4.7 1.3 0 2.7.2 2.7.2v3h-1.5c-1.5 0-2 .9-2 1.9V12h3.4l-.5 3.5h-2.9v8.4A12 12 0 0 0 24 12z"/>`,
  ),
  github: frame(
    svg`<path fill="currentColor" d="M12 .5a11.5 11.5 0 0 0-3.6 22.4c.6.1.8-.3.8-.6v-2c-3.2.7-3.9-1.5-3.9-1.5-.5-1.3-1.3-1.7-1.3-1.7-1-.7.1-.7.1-.7 1.2.1 1.8 1.2 1.8 1.2 1 1.8 2.8 1.3 3.5 1 .1-.8.4-1.3.7-1.6-2.6-.3-5.3-1.3-5.3-5.7 0-1.3.5-2.3 1.2-3.1-.1-.3-.5-1.5.1-3.1 0 0 1-.3 3.2 1.2a11 11 0 0 1 5.8 0c2.2-1.5 3.2-1.2 3.2-1.2.6 1.6.2 2.8.1 3.1.8.8 1.2 1.8 1.2 3.1 0 4.4-2.7 5.4-5.3 5.7.4.4.8 1.1.8 2.2v3.3c0 .3.2.7.8.6A11.5 11.5 0 0 0 12 .5z"/>`,
  ),
};

const genericIdentityIcon = frame(
  svg`<path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 4a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7zm0 14a8 8 0 0 1-6-2.7c.1-2 4-3.1 6-3.1s5.9 1.1 6 3.1a8 8 0 0 1-6 2.7z"/>`,
);

/** The mark of a provider type (`google`, `facebook`, `github`), or a neutral one for any other. */
export function socialIcon(providerType: string): SVGTemplateResult {
  return SOCIAL_ICONS[providerType] ?? genericIdentityIcon;
}
