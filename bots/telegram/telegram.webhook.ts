// Webhook mode: a Hono sub-app serving POST <path>. Telegram sends the secret given to
// setWebhook in X-Telegram-Bot-Api-Secret-Token; anything else is refused before the bot sees it.
import { Hono } from 'hono';
import type { Update } from 'grammy/types';
import { errorBody } from '../../src/http/errors.js';
import { sameSecret, TELEGRAM_SECRET_HEADER } from '../../src/http/bot-credentials.js';
import type { Logger } from '../../src/shared/logger.js';
import type { TelegramBot } from './telegram.bot.js';

export const DEFAULT_WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = TELEGRAM_SECRET_HEADER;

export interface WebhookRouteOptions {
  secret: string;
  /** Path of TELEGRAM_WEBHOOK_URL; see webhookPath(). */
  path?: string;
  logger: Logger;
}

/** The route path for a public webhook URL: https://example.com/tg/hook → /tg/hook. */
export function webhookPath(webhookUrl: string): string {
  return new URL(webhookUrl).pathname || DEFAULT_WEBHOOK_PATH;
}

const isUpdate = (body: unknown): body is Update =>
  typeof body === 'object' &&
  body !== null &&
  Number.isSafeInteger((body as { update_id?: unknown }).update_id);

export function telegramWebhookRoutes(bot: TelegramBot, opts: WebhookRouteOptions) {
  const app = new Hono();
  app.post(opts.path ?? DEFAULT_WEBHOOK_PATH, async (c) => {
    if (!sameSecret(c.req.header(SECRET_HEADER), opts.secret)) {
      opts.logger.info('telegram webhook call with a missing or wrong secret token refused');
      return c.json(errorBody('unauthorized', `missing or wrong ${SECRET_HEADER}`), 401);
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    if (!isUpdate(body))
      return c.json(errorBody('invalid_input', 'the body is not a Telegram update'), 400);
    if (!bot.isInited()) await bot.init();
    try {
      // Awaited so Telegram's own pacing (it waits for our answer) is the backpressure.
      await bot.handleUpdate(body);
    } catch (err) {
      // Features have their own boundary; this is the outer middleware failing. Answering 200
      // stops Telegram redelivering a poison update for hours; the update is logged instead.
      opts.logger.error({ err, update_id: body.update_id }, 'telegram webhook update failed');
    }
    return c.json({ ok: true }, 200);
  });
  return app;
}
