/**
 * `GET /api/dev/outbox`: the mails the server would have sent, for the demo page, when no SMTP
 * server is configured. They contain live reset links, so the endpoint exists only in that case,
 * with the demo on, and answers only requests from this machine.
 */
import { Hono } from 'hono';

import type { ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import type { Services } from '../services/index.js';
import { ServiceError } from '../services/service-error.js';

const LOOPBACK = new Set(['127.0.0.1', '::1']);
const OUTBOX_SHOWN = 20;

export function developmentRoutes(services: Services, config: ServerConfig): Hono<AppEnv> {
  const available = config.demo && config.mail.smtpUrl === undefined;
  return new Hono<AppEnv>().get('/outbox', async (c) => {
    if (!available || !LOOPBACK.has(c.get('clientIp'))) {
      throw new ServiceError('not_found', 'There is no GET /api/dev/outbox.');
    }
    const mails = await services.mail.outbox(OUTBOX_SHOWN);
    return c.json({
      mails: mails.map((mail) => ({ to: mail.recipient, subject: mail.subject, text: mail.text, created_at: mail.created_at })),
    });
  });
}
