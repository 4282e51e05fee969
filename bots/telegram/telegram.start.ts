// startTelegram(): takes a built bot live, by long polling (@grammyjs/runner: concurrent
// across chats, ordered within one) or by webhook (setWebhook with the secret; the Hono app
// serves telegramWebhookRoutes). Returns stop() for the composition root's graceful shutdown.
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api } from 'grammy';
import type { Logger } from '../../src/shared/logger.js';
import type { TelegramBot } from './telegram.bot.js';
import { registerCommands } from './telegram.commands.js';

export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
] as const;

export interface StartTelegramOptions {
  bot: TelegramBot;
  logger: Logger;
  mode: 'polling' | 'webhook';
  /** Required in webhook mode (TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET). */
  webhookUrl?: string;
  webhookSecret?: string;
  /** setMyCommands on start (default true). */
  registerCommands?: boolean;
  /** Polling: how long stop() waits for updates already being handled. */
  drainTimeoutMs?: number;
  /** Polling: concurrent updates across chats. */
  concurrency?: number;
}

export interface TelegramRuntime {
  mode: 'polling' | 'webhook';
  username: string;
  stop(): Promise<void>;
}

export async function startTelegram(opts: StartTelegramOptions): Promise<TelegramRuntime> {
  const { bot, logger } = opts;
  // getMe: a wrong token or an unreachable Bot API fails here, loudly, before anything else is
  // set up. bot.init() would retry a network failure forever and silently (grammY's own retries
  // and auto-retry), so the first call goes out once, without the bot's transformers; the caller
  // decides whether to try again.
  if (!bot.isInited()) bot.botInfo = await new Api(bot.api.token, bot.api.options).getMe();
  const username = bot.botInfo.username;
  if (opts.registerCommands !== false) await registerCommands(bot.api, logger);

  if (opts.mode === 'webhook') {
    if (!opts.webhookUrl || !opts.webhookSecret)
      throw new Error('webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET');
    await bot.api.setWebhook(opts.webhookUrl, {
      secret_token: opts.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info({ username, url: opts.webhookUrl }, 'telegram bot receiving updates by webhook');
    // The webhook stays set on stop: Telegram queues updates until the next instance answers.
    return {
      mode: 'webhook',
      username,
      stop: async () => logger.info('telegram webhook handler stopping'),
    };
  }

  // getUpdates is refused while a webhook is set (a previous webhook deployment).
  await bot.api.deleteWebhook();
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
    sink: { concurrency: opts.concurrency ?? 100 },
  });
  runner.task()?.catch((err) => logger.error({ err }, 'telegram polling stopped on an error'));
  logger.info({ username }, 'telegram bot polling for updates');
  return {
    mode: 'polling',
    username,
    stop: () => stopRunner(runner, logger, opts.drainTimeoutMs ?? 10_000),
  };
}

async function stopRunner(runner: RunnerHandle, logger: Logger, drainTimeoutMs: number) {
  if (runner.isRunning()) await runner.stop();
  // runner.stop() ends fetching; updates already fetched are still being handled.
  const deadline = Date.now() + drainTimeoutMs;
  while (runner.size() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (runner.size() > 0)
    logger.warn(
      { pending: runner.size() },
      'telegram stop: updates still in flight after the drain timeout',
    );
  logger.info('telegram polling stopped');
}
