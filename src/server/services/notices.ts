/**
 * Mails that tell an account's owner about something done to their account by someone who may
 * not be them: a brute-force block, and (with `signup.revealExisting: false`) a sign-up attempt
 * with their address. They go out in the background, so the answer to the request that caused
 * them looks and takes the same as for an address without an account.
 */
import { escapeHtml } from '../html.js';
import type { BackgroundTasks } from './background.js';
import type { Mail, MailService } from './mail.js';

function mailOf(to: string, subject: string, paragraphs: readonly string[]): Mail {
  return {
    to,
    subject,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
  };
}

export class SecurityNotices {
  constructor(
    private readonly mail: MailService,
    private readonly background: BackgroundTasks,
    /** Where the login page is, for the mails' instructions; absent without PUBLIC_URL. */
    private readonly loginPage: string | undefined,
  ) {}

  /** Once per block: the owner hears of it, and of the way out. */
  accountBlocked(email: string, ip: string, failures: number, blockedUntil: number): void {
    const until = new Date(blockedUntil).toISOString().replace('T', ' ').slice(0, 16);
    const resetHint = this.loginPage
      ? `To log in now, choose a new password at ${this.loginPage}?view=reset-request: that lifts the block.`
      : 'To log in now, use "Forgot your password?" on the login page: a new password lifts the block.';
    this.background.run('block notice', () =>
      this.mail.send(
        mailOf(email, 'Logins to your account were blocked', [
          `There were ${failures} failed logins in a row to the account ${email} from the address ${ip}.`,
          `Logins to this account from that address are blocked until ${until} UTC. Logins from elsewhere still work.`,
          resetHint,
          'If these attempts were not yours, someone is guessing your password: choose a new one that you use nowhere else.',
        ]),
      ),
    );
  }

  /** With sign-up not revealing existing accounts, a new account is confirmed by mail. */
  accountCreated(email: string): void {
    const loginHint = this.loginPage ? `Log in at ${this.loginPage}.` : 'You can log in now.';
    this.background.run('welcome mail', () =>
      this.mail.send(
        mailOf(email, 'Your account is ready', [
          `An account was created for ${email}.`,
          loginHint,
          'If it was not you, choose a new password through "Forgot your password?" on the login page, or ignore this mail.',
        ]),
      ),
    );
  }

  /** Someone tried to sign up with an address that has an account; only its owner is told. */
  signupWithExistingEmail(email: string): void {
    const loginHint = this.loginPage
      ? `If it was you, log in at ${this.loginPage}, or choose a new password at ${this.loginPage}?view=reset-request.`
      : 'If it was you, log in instead, or use "Forgot your password?" on the login page.';
    this.background.run('sign-up notice', () =>
      this.mail.send(
        mailOf(email, 'You already have an account', [
          `Someone tried to create an account with the address ${email}, which already has one. No new account was made.`,
          loginHint,
          'If it was not you, you can ignore this mail.',
        ]),
      ),
    );
  }
}
