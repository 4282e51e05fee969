// The Telegram adapter's public surface, for src/main.ts and the tests.
export {
  createTelegramBot,
  DEFAULT_RATE_LIMIT,
  type TelegramBot,
  type TelegramBotOptions,
} from './telegram.bot.js';
export {
  startTelegram,
  ALLOWED_UPDATES,
  type StartTelegramOptions,
  type TelegramRuntime,
} from './telegram.start.js';
export {
  telegramWebhookRoutes,
  webhookPath,
  DEFAULT_WEBHOOK_PATH,
  SECRET_HEADER,
} from './telegram.webhook.js';
export { commandMenus, registerCommands, ASSISTANT_COMMANDS } from './telegram.commands.js';
export type { TelegramContext } from './telegram.context.js';
