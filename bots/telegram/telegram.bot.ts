// createTelegramBot(deps): the grammY bot with its API client (auto-retry on 429, throttled
// sends), per-chat ordering, a per-user rate limit and every feature inside one error boundary.
// It does not start anything: startTelegram() polls or serves a webhook; tests call handleUpdate.
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { limit } from '@grammyjs/ratelimiter';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Assistant } from '../../src/assistant/assistant.types.js';
import type { Logger } from '../../src/shared/logger.js';
import { buttonsFeature } from './features/buttons.js';
import { commandsFeature } from './features/commands.js';
import { editsFeature } from './features/edits.js';
import { freeTextFeature } from './features/free-text.js';
import { mediaFeature } from './features/media.js';
import { membershipFeature } from './features/membership.js';
import { contextWith, type TelegramContext } from './telegram.context.js';
import { onUpdateError } from './telegram.errors.js';
import { createKeyboardRegistry } from './telegram.keyboards.js';
import { createModeratorCheck } from './telegram.moderators.js';
import { t } from './telegram.texts.js';

export type TelegramBot = Bot<TelegramContext>;
export type ThrottlerOptions = NonNullable<Parameters<typeof apiThrottler>[0]>;

export interface TelegramBotOptions {
  token: string;
  assistant: Assistant;
  logger: Logger;
  /** Bot API address (TELEGRAM_API_ROOT): an emulator in tests, or a self-hosted Bot API server. */
  apiRoot?: string;
  /** Skips getMe: tests and handleUpdate need it; production lets startTelegram() fetch it. */
  botInfo?: UserFromGetMe;
  /** Outgoing flood control; defaults to Telegram's published limits. false: off (handler tests). */
  throttle?: false | ThrottlerOptions;
  autoRetry?: false | Partial<AutoRetryOptions>;
  /** Updates per user per window before the bot stops listening for the rest of the window. */
  rateLimit?: false | { timeFrameMs: number; limit: number };
  /** How long a getChatMember answer is trusted. */
  moderatorCacheMs?: number;
}

export const DEFAULT_RATE_LIMIT = { timeFrameMs: 2000, limit: 5 };

// Only what the bot says is throttled; reads such as getChatMember or getUpdates must not
// queue behind a chat's one-message-per-second budget.
const THROTTLED = /^(send|edit|copy|forward)/;

function throttleSends(throttler: Transformer): Transformer {
  return ((prev, method, payload, signal) =>
    THROTTLED.test(method)
      ? throttler(prev, method, payload, signal)
      : prev(method, payload, signal)) as Transformer;
}

export function createTelegramBot(opts: TelegramBotOptions): TelegramBot {
  const deps = {
    assistant: opts.assistant,
    logger: opts.logger,
    moderators: createModeratorCheck({ ttlMs: opts.moderatorCacheMs }),
    keyboards: createKeyboardRegistry(),
  };
  const bot = new Bot<TelegramContext>(opts.token, {
    botInfo: opts.botInfo,
    ContextConstructor: contextWith(deps),
    client: opts.apiRoot ? { apiRoot: opts.apiRoot.replace(/\/+$/, '') } : undefined,
  });

  // Installed later = called first: auto-retry wraps the throttler, so a retried send queues again.
  if (opts.throttle !== false)
    bot.api.config.use(throttleSends(apiThrottler(opts.throttle || undefined)));
  if (opts.autoRetry !== false)
    bot.api.config.use(
      autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, ...(opts.autoRetry || {}) }),
    );

  // Updates of one chat are handled in order (a Confirm tap after the /redeem that offered it);
  // different chats run concurrently under @grammyjs/runner.
  bot.use(sequentialize((ctx) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));

  const rate = opts.rateLimit === false ? undefined : (opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  if (rate) {
    bot.use(
      limit<TelegramContext, never>({
        timeFrame: rate.timeFrameMs,
        limit: rate.limit,
        keyGenerator: (ctx) => ctx.from?.id.toString(),
        // Called once per window, on the first update over the limit; the rest are dropped quietly.
        onLimitExceeded: async (ctx) => {
          ctx.logger.info(
            { userId: ctx.from?.id },
            'rate limit exceeded; updates dropped for this window',
          );
          const text = t(ctx.from?.language_code, 'slowDown');
          try {
            if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
            else if (ctx.chat?.type === 'private') await ctx.reply(text);
          } catch (err) {
            ctx.logger.info({ err }, 'could not send the slow-down notice');
          }
        },
      }),
    );
  }

  bot.errorBoundary(
    onUpdateError,
    commandsFeature,
    buttonsFeature,
    freeTextFeature,
    mediaFeature,
    editsFeature,
    membershipFeature,
  );
  // Last resort for failures outside the boundary (sequentialize, the rate limiter).
  bot.catch(onUpdateError);
  return bot;
}
