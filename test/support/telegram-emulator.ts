// The telegram-test-api emulator, served by our own HTTP server so it can do three things it
// lacks: long polling (getUpdates waits for the next user update instead of returning at
// once), getChatMember answered from a table of chat admins, and setMyCommands. Every Bot API
// call is recorded. Everything else is the emulator's own Express app.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import TelegramServerModule from 'telegram-test-api';
import type { Json } from './json.js';

type TelegramServer = import('telegram-test-api/lib/telegramServer.js').TelegramServer;
type TelegramClient = ReturnType<TelegramServer['getClient']>;
// The package is CommonJS with `module.exports = TelegramServer`.
const TelegramServerClass = ((TelegramServerModule as { default?: unknown }).default ??
  TelegramServerModule) as new (config: object) => TelegramServer;
/** The emulator's Express app, which its typings keep private. */
type WithWebServer = { webServer(req: IncomingMessage, res: ServerResponse): void };

export interface BotApiCall {
  method: string;
  payload: Record<string, Json>;
  at: number;
}

export interface StoredBotMessage {
  messageId: number;
  time: number;
  message: {
    chat_id: number | string;
    text: string;
    reply_markup?: { inline_keyboard?: Json[][] };
    [k: string]: Json;
  };
}

export interface Emulator {
  apiRoot: string;
  calls: BotApiCall[];
  callsOf(method: string): BotApiCall[];
  admins: Map<number, Set<number>>;
  client(token: string, opts: Parameters<TelegramServer['getClient']>[1]): TelegramClient;
  /** Bot messages sent to a chat, with edits applied, oldest first. */
  botMessages(chatId: number): StoredBotMessage[];
  /** Resolves with the first bot message to `chatId` after the first `after` ones. */
  nextBotMessage(chatId: number, after: number, timeoutMs?: number): Promise<StoredBotMessage>;
  /** Resolves once `method` has been called `count` times in total. */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];

export async function startEmulator(): Promise<Emulator> {
  const calls: BotApiCall[] = [];
  const admins = new Map<number, Set<number>>();
  const http: Server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const emulator = new TelegramServerClass({ port, host: '127.0.0.1', storeTimeout: 600 });
  const apiRoot = `http://127.0.0.1:${port}`;

  async function route(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const body = raw ? safeJson(raw) : {};
    const m = /^\/bot([^/]+)\/([A-Za-z]+)/.exec(req.url ?? '');
    if (m) {
      const [, token, method] = m;
      calls.push({ method, payload: body, at: performance.now() });
      if (method === 'getChatMember') {
        const status = admins.get(Number(body.chat_id))?.has(Number(body.user_id))
          ? 'administrator'
          : 'member';
        return json(res, {
          ok: true,
          result: { status, user: { id: Number(body.user_id), is_bot: false, first_name: 'u' } },
        });
      }
      if (method === 'setMyCommands') return json(res, { ok: true, result: true });
      if (method === 'getUpdates' && !hasUnread(token)) {
        const closed = await waitForUserUpdate(res, Math.min(Number(body.timeout ?? 0), 30) * 1000);
        // The bot gave up (stop): leave the updates unread for whoever polls next.
        if (closed) return;
      }
    }
    // Hand the parsed body to the emulator's Express app; body-parser skips parsed requests.
    Object.assign(req, { body, _body: true });
    (emulator as unknown as WithWebServer).webServer(req, res);
  }

  const hasUnread = (token: string) =>
    emulator.storage.userMessages.some((u) => u.botToken === token && !u.isRead);

  function waitForUserUpdate(res: ServerResponse, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (closed: boolean) => {
        clearTimeout(timer);
        for (const e of USER_EVENTS) emulator.off(e, onUpdate);
        res.off('close', onClose);
        resolve(closed);
      };
      const onUpdate = () => finish(false);
      const onClose = () => finish(true);
      const timer = setTimeout(() => finish(false), ms);
      for (const e of USER_EVENTS) emulator.on(e, onUpdate);
      res.on('close', onClose);
    });
  }

  const botMessages = (chatId: number): StoredBotMessage[] =>
    emulator.storage.botMessages.filter(
      (u) => String(u.message.chat_id) === String(chatId),
    ) as unknown as StoredBotMessage[];

  function nextBotMessage(chatId: number, after: number, timeoutMs = 5000) {
    return waitFor(
      () => botMessages(chatId)[after],
      timeoutMs,
      `bot message #${after + 1} to chat ${chatId}`,
    );
  }

  async function waitForCalls(method: string, count: number, timeoutMs = 5000) {
    await waitFor(
      () => (calls.filter((c) => c.method === method).length >= count ? true : undefined),
      timeoutMs,
      `${count} ${method} calls`,
    );
  }

  // Event-driven: re-check whenever the emulator stores or edits a bot message or a call lands.
  function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const events = ['AddedBotMessage', 'EditedMessageText', 'EditedMessageReplyMarkup'];
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const poll = setInterval(check, 2);
      const timer = setTimeout(
        () => (done(), reject(new Error(`timed out waiting for ${what}`))),
        timeoutMs,
      );
      const done = () => {
        clearInterval(poll);
        clearTimeout(timer);
        for (const e of events) emulator.off(e, check);
      };
      for (const e of events) emulator.on(e, check);
      check();
    });
  }

  return {
    apiRoot,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    admins,
    client: (token, opts) => emulator.getClient(token, opts),
    botMessages,
    nextBotMessage,
    waitForCalls,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function safeJson(raw: string): Json {
  try {
    return JSON.parse(raw);
  } catch {
    return Object.fromEntries(new URLSearchParams(raw));
  }
}

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
