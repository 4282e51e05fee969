// The chat bots, for the composition root: Telegram (bots/telegram) and Discord (bots/discord)
// over the one assistant. Each starts only when its token is set. HTTP routes (the Telegram
// webhook, Discord's interactions endpoint) are mounted at once, before the server listens;
// connecting to the platforms happens in the background: a platform that cannot be reached is
// logged and retried, never fatal, so the API keeps serving. stop() ends both before the
// database closes.
import { GrammyError } from 'grammy';
import { DiscordjsError, DiscordjsErrorCodes, REST } from 'discord.js';
import type { AppServices } from './app.services.js';
import type { Config } from './config.js';
import type { App } from './http/app.js';
import type { Logger } from './shared/logger.js';
import {
  createTelegramBot,
  startTelegram,
  telegramWebhookRoutes,
  webhookPath,
  type TelegramRuntime,
} from '../bots/telegram/index.js';
import {
  createCatalogLookup,
  createDiscordBot,
  createDiscordInteractionHandler,
  discordInteractionsRoutes,
} from '../bots/discord/index.js';

export interface Bots {
  stop(): Promise<void>;
}

export interface BotsDeps {
  config: Config;
  services: AppServices;
  app: App;
  logger: Logger;
}

/** The message, with the network cause grammY and undici keep apart (ECONNREFUSED…). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = (err as { error?: unknown }).error ?? err.cause;
  const cause =
    inner instanceof Error
      ? ((inner.cause as Error | undefined)?.message ?? inner.message)
      : undefined;
  const text = cause && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
  // Bot API URLs carry the token (…/bot123:ABC/getMe): never into the logs.
  return text.replace(/bot\d+:[\w-]+/g, 'bot<token>');
}

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;
/** How long stop() waits for a connection attempt still under way. */
const STOP_WAIT_MS = 2_000;

/** Connects in the background, retrying with backoff until connected, stopped, or told the
 * failure is permanent (a wrong token: trying again cannot help). */
function connectInBackground<T>(opts: {
  name: string;
  logger: Logger;
  connect: () => Promise<T>;
  /** A hint when the failure is permanent; undefined to retry. */
  permanent: (err: unknown) => string | undefined;
  disconnect: (connection: T) => Promise<void>;
}) {
  let connection: T | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const tryOnce = (n: number): Promise<void> =>
    opts.connect().then(
      async (c) => {
        if (stopped) await opts.disconnect(c);
        else connection = c;
      },
      (err: unknown) => {
        if (stopped) return;
        const error = describe(err);
        const hint = opts.permanent(err);
        if (hint) {
          opts.logger.error({ error }, `${opts.name} not started: ${hint}`);
          return;
        }
        const retryInMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** n);
        opts.logger.error(
          { error, retryInMs },
          `could not reach ${opts.name}; retrying (the rest of the service keeps running)`,
        );
        timer = setTimeout(() => (attempt = tryOnce(n + 1)), retryInMs);
        timer.unref();
      },
    );
  attempt = tryOnce(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // An attempt still under way disconnects itself when it lands (see `stopped`).
      await Promise.race([attempt, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
      if (connection !== undefined) await opts.disconnect(connection);
    },
  };
}

function telegram({ config, services, app, logger: root }: BotsDeps): Bots | undefined {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) {
    root.info('TELEGRAM_BOT_TOKEN not set: Telegram bot not started');
    return undefined;
  }
  const logger = root.child({ module: 'telegram' });
  const bot = createTelegramBot({
    token,
    assistant: services.assistant,
    logger,
    apiRoot: config.TELEGRAM_API_ROOT,
  });
  const mode = config.TELEGRAM_MODE;
  if (mode === 'webhook') {
    // The config requires both in webhook mode.
    const path = webhookPath(config.TELEGRAM_WEBHOOK_URL!);
    app.route(
      '/',
      telegramWebhookRoutes(bot, { secret: config.TELEGRAM_WEBHOOK_SECRET!, path, logger }),
    );
    logger.info({ path }, 'telegram webhook route mounted');
  }
  return connectInBackground<TelegramRuntime>({
    name: `Telegram (${config.TELEGRAM_API_ROOT})`,
    logger,
    connect: async () => {
      const runtime = await startTelegram({
        bot,
        logger,
        mode,
        webhookUrl: config.TELEGRAM_WEBHOOK_URL,
        webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
        // Leaves part of the shutdown budget to the HTTP server and the database.
        drainTimeoutMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2),
      });
      services.botProfiles.telegramUsername = runtime.username;
      return runtime;
    },
    // Telegram answered, and refused: 401/404 is a wrong token, 400 a bad webhook URL. 429 and
    // 5xx are worth another try, like a network failure.
    permanent: (err) =>
      err instanceof GrammyError &&
      err.error_code >= 400 &&
      err.error_code < 500 &&
      err.error_code !== 429
        ? `Telegram refused (${err.error_code} ${err.description}); check TELEGRAM_BOT_TOKEN${mode === 'webhook' ? ' and TELEGRAM_WEBHOOK_URL' : ''}`
        : undefined,
    disconnect: (runtime) => runtime.stop(),
  });
}

function discord({ config, services, app, logger: root }: BotsDeps): Bots | undefined {
  const logger = root.child({ module: 'discord' });
  const catalog = createCatalogLookup(services.catalog);

  if (config.DISCORD_PUBLIC_KEY && config.DISCORD_APPLICATION_ID) {
    const handler = createDiscordInteractionHandler({
      assistant: services.assistant,
      catalog,
      logger,
      applicationId: config.DISCORD_APPLICATION_ID,
      // Deferred answers go to interaction webhooks, which need no bot token.
      rest: new REST({ api: config.DISCORD_API_BASE }),
    });
    app.route(
      '/discord',
      discordInteractionsRoutes({ publicKey: config.DISCORD_PUBLIC_KEY, handler }),
    );
    logger.info('discord HTTP interactions endpoint mounted at POST /discord/interactions');
  } else if (config.DISCORD_PUBLIC_KEY || config.DISCORD_APPLICATION_ID) {
    logger.warn(
      'set both DISCORD_PUBLIC_KEY and DISCORD_APPLICATION_ID to serve /discord/interactions; not mounted',
    );
  }

  const token = config.DISCORD_TOKEN;
  if (!token) {
    root.info('DISCORD_TOKEN not set: Discord bot not started');
    return undefined;
  }
  const bot = createDiscordBot({
    token,
    assistant: services.assistant,
    catalog,
    logger,
    apiBase: config.DISCORD_API_BASE,
  });
  return connectInBackground({
    name: 'Discord',
    logger,
    connect: async () => {
      try {
        await bot.start();
      } catch (err) {
        // A failed login leaves the client half set up; the next attempt starts clean.
        await bot.client.destroy().catch(() => undefined);
        throw err;
      }
      return bot;
    },
    permanent: (err) => {
      if (err instanceof DiscordjsError && err.code === DiscordjsErrorCodes.TokenInvalid)
        return 'Discord refused the token; check DISCORD_TOKEN';
      if (err instanceof DiscordjsError && err.code === DiscordjsErrorCodes.DisallowedIntents) {
        return 'the Message Content intent is not enabled: turn it on under Bot → Privileged Gateway Intents in the Developer Portal';
      }
      const status = (err as { status?: number }).status;
      return status === 401 || status === 403
        ? `Discord refused (${status}); check DISCORD_TOKEN`
        : undefined;
    },
    disconnect: (b) => b.stop(),
  });
}

/** Mounts the bots' routes on `app` and connects them in the background. Call before listening. */
export function startBots(deps: BotsDeps): Bots {
  const running = [telegram(deps), discord(deps)].filter((b): b is Bots => b !== undefined);
  return {
    async stop() {
      await Promise.all(running.map((b) => b.stop()));
    },
  };
}
