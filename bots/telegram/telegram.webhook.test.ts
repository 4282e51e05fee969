// Webhook mode: the Hono route checks the secret header before the bot sees anything, and
// startTelegram() in webhook mode calls setWebhook with that secret.
import { describe, expect, it } from 'vitest';
import { createTelegramBot } from './telegram.bot.js';
import { startTelegram } from './telegram.start.js';
import { SECRET_HEADER, telegramWebhookRoutes, webhookPath } from './telegram.webhook.js';
import { createTestAssistant } from '../../test/support/telegram-test-assistant.js';
import {
  BOT_INFO,
  captureLogger,
  createApiRecorder,
  messageUpdate,
  user,
} from '../../test/support/telegram-fakes.js';

const SECRET = 'webhook-secret_123';

function setup() {
  const assistant = createTestAssistant();
  const { logger } = captureLogger();
  const api = createApiRecorder();
  const bot = createTelegramBot({
    token: '123:test',
    assistant,
    logger,
    botInfo: BOT_INFO,
    throttle: false,
    autoRetry: false,
  });
  bot.api.config.use(api.transformer);
  const app = telegramWebhookRoutes(bot, { secret: SECRET, path: '/tg/hook', logger });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/tg/hook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { bot, assistant, api, post };
}

describe('telegramWebhookRoutes', () => {
  const update = () => messageUpdate({ from: user(7), text: '/balance' });

  it('refuses a missing or wrong secret with a 401 JSON error, before the assistant', async () => {
    const { assistant, api, post } = setup();
    for (const headers of [
      {},
      { [SECRET_HEADER]: 'nope' },
      { [SECRET_HEADER]: `${SECRET}x` },
    ] as Record<string, string>[]) {
      const res = await post(update(), headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: {
          code: 'unauthorized',
          message: `missing or wrong ${SECRET_HEADER}`,
          details: null,
        },
      });
    }
    expect(assistant.inbounds).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });

  it('handles an update sent with the right secret', async () => {
    const { assistant, api, post } = setup();
    const u = update();
    const res = await post(u, { [SECRET_HEADER]: SECRET });
    expect(res.status).toBe(200);
    expect(assistant.inbounds).toMatchObject([
      { command: { name: 'balance' }, eventId: String(u.update_id) },
    ]);
    expect(api.of('sendMessage')[0].payload).toMatchObject({
      chat_id: 7,
      text: 'Balance: 0 points.',
    });
  });

  it('answers 400 to a body that is not an update', async () => {
    const { assistant, post } = setup();
    const res = await post({ hello: 'world' }, { [SECRET_HEADER]: SECRET });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_input');
    expect(assistant.inbounds).toHaveLength(0);
  });

  it('derives the route path from TELEGRAM_WEBHOOK_URL', () => {
    expect(webhookPath('https://xuefen.example.com/telegram/abc')).toBe('/telegram/abc');
  });
});

describe('startTelegram in webhook mode', () => {
  it('registers commands (failures only logged) and sets the webhook with the secret', async () => {
    const { logger, lines } = captureLogger();
    const api = createApiRecorder();
    api.failing.add('setMyCommands');
    const bot = createTelegramBot({
      token: '123:test',
      assistant: createTestAssistant(),
      logger,
      botInfo: BOT_INFO,
      throttle: false,
      autoRetry: false,
    });
    bot.api.config.use(api.transformer);
    const runtime = await startTelegram({
      bot,
      logger,
      mode: 'webhook',
      webhookUrl: 'https://x.example/tg/hook',
      webhookSecret: SECRET,
    });
    expect(api.of('setMyCommands')).toHaveLength(4);
    expect(lines.filter((l) => l.level === 40 && /setMyCommands failed/.test(l.msg))).toHaveLength(
      4,
    );
    expect(api.of('setWebhook')).toMatchObject([
      {
        payload: {
          url: 'https://x.example/tg/hook',
          secret_token: SECRET,
          allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
        },
      },
    ]);
    expect(runtime).toMatchObject({ mode: 'webhook', username: 'xuefen_bot' });
    await runtime.stop();
  });

  it('refuses to start without a URL and secret', async () => {
    const { logger } = captureLogger();
    const api = createApiRecorder();
    const bot = createTelegramBot({
      token: '123:test',
      assistant: createTestAssistant(),
      logger,
      botInfo: BOT_INFO,
      throttle: false,
    });
    bot.api.config.use(api.transformer);
    await expect(
      startTelegram({ bot, logger, mode: 'webhook', registerCommands: false }),
    ).rejects.toThrow(/TELEGRAM_WEBHOOK_URL/);
  });
});
