/**
 * Outgoing mail: through SMTP when `mail.smtpUrl` is set; otherwise into the outbox table, which
 * the demo page shows in development. The log notes that a mail was written, never its content:
 * mails carry one-time links.
 */
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';

import type { Logger } from '../logger.js';
import { insertOutboxMail, latestOutboxMails, type OutboxRow } from '../store/outbox-repository.js';
import type { Database } from '../store/schema.js';
import { isoTime, type Clock } from './clock.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailSettings {
  smtpUrl: string | undefined;
  from: string;
}

/** `jane@example.com` → `j***@example.com`: enough to tell mails apart in a log. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email.slice(0, 1)}***${email.slice(at)}`;
}

export class MailService {
  // Loaded with the first mail: a server without SMTP (the outbox) never loads nodemailer.
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly settings: MailSettings,
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Whether mail leaves this machine (false: it stays in the outbox). */
  get delivers(): boolean {
    return this.settings.smtpUrl !== undefined;
  }

  async send(mail: Mail): Promise<void> {
    if (this.settings.smtpUrl === undefined) {
      await insertOutboxMail(this.db, {
        recipient: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        created_at: isoTime(this.clock),
      });
      this.logger.info('mail written to the outbox (no SMTP configured)', { to: maskEmail(mail.to), subject: mail.subject });
      return;
    }
    const smtpUrl = this.settings.smtpUrl;
    this.transport ??= import('nodemailer').then(({ createTransport }) => createTransport(smtpUrl));
    await (await this.transport).sendMail({ from: this.settings.from, ...mail });
    this.logger.info('mail sent', { to: maskEmail(mail.to), subject: mail.subject });
  }

  outbox(limit: number): Promise<OutboxRow[]> {
    return latestOutboxMails(this.db, limit);
  }
}
