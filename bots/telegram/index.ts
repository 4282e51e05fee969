// The Telegram adapter's public surface, for src/bots.ts and the tests.
export { createTelegramBot } from './telegram.bot.js';
export { startTelegram, type TelegramRuntime } from './telegram.start.js';
export { telegramWebhookRoutes, webhookPath } from './telegram.webhook.js';
