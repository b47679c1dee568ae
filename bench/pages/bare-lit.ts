/**
 * The baseline of the rendering and typing benchmarks: the least a Lit login widget could be, one
 * element rendering one labelled password input, built and served exactly as the widget is.
 * Whatever the widget costs beyond this is the widget's own doing.
 */
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement } from 'lit/decorators.js';

@customElement('bare-input')
export class BareInput extends LitElement {
  static override styles = css`
    input {
      font: inherit;
    }
  `;

  protected override render(): TemplateResult {
    return html`<form><label for="password">Password</label> <input id="password" type="password" autocomplete="new-password" /></form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bare-input': BareInput;
  }
}
