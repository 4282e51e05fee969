// Offline Telegram for handler tests: a recording API transformer that answers every Bot API
// call locally (no network), plus builders for the updates Telegram would send.
import { pino } from 'pino';
import type { Transformer } from 'grammy';
import type { Chat, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';
import type { Logger } from '../../src/shared/logger.js';
import type { Json } from './json.js';

export const BOT_INFO = {
  id: 4242,
  is_bot: true,
  first_name: 'Xuefen',
  username: 'xuefen_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
} satisfies UserFromGetMe;

export interface ApiCall {
  method: string;
  payload: Record<string, Json>;
}

export interface ApiRecorder {
  transformer: Transformer;
  calls: ApiCall[];
  /** Calls of one method, in order. */
  of(method: string): ApiCall[];
  /** Chat administrators answered by getChatMember: chat id → user ids. */
  admins: Map<number, Set<number>>;
  /** Chats whose sendMessage fails with 403 (the user blocked the bot). */
  blocked: Set<number>;
  /** Methods that fail with a 400. */
  failing: Set<string>;
  clear(): void;
}

export function createApiRecorder(): ApiRecorder {
  const calls: ApiCall[] = [];
  const admins = new Map<number, Set<number>>();
  const blocked = new Set<number>();
  const failing = new Set<string>();
  let messageId = 1000;

  const respond = (method: string, p: Record<string, Json>): Json => {
    if (failing.has(method))
      return {
        ok: false,
        error_code: 400,
        description: `Bad Request: ${method} refused by the test`,
      };
    const chatId = Number(p.chat_id);
    if (method === 'sendMessage') {
      if (blocked.has(chatId))
        return {
          ok: false,
          error_code: 403,
          description: 'Forbidden: bot was blocked by the user',
        };
      const chat = { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' };
      return {
        ok: true,
        result: {
          message_id: ++messageId,
          date: 1,
          chat,
          text: p.text,
          reply_markup: p.reply_markup,
        },
      };
    }
    if (method === 'getChatMember') {
      const status = admins.get(chatId)?.has(Number(p.user_id)) ? 'administrator' : 'member';
      return {
        ok: true,
        result: { status, user: { id: Number(p.user_id), is_bot: false, first_name: 'x' } },
      };
    }
    if (method === 'getMe') return { ok: true, result: BOT_INFO };
    return { ok: true, result: true };
  };

  const transformer = (async (_prev: unknown, method: string, payload: Record<string, Json>) => {
    calls.push({ method, payload: payload ?? {} });
    return respond(method, payload ?? {});
  }) as unknown as Transformer;

  return {
    transformer,
    calls,
    of: (method) => calls.filter((c) => c.method === method),
    admins,
    blocked,
    failing,
    clear: () => void calls.splice(0),
  };
}

/** A pino logger whose lines the test can read. */
export function captureLogger(): { logger: Logger; lines: Record<string, Json>[] } {
  const lines: Record<string, Json>[] = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    { write: (s: string) => void lines.push(JSON.parse(s)) },
  );
  return { logger, lines };
}

let nextUpdateId = 500_000;
let nextMessageId = 1;

export const user = (id: number, extra: Partial<User> = {}): User => ({
  id,
  is_bot: false,
  first_name: `User${id}`,
  language_code: 'en',
  ...extra,
});
export const privateChat = (u: User): Chat.PrivateChat => ({
  id: u.id,
  type: 'private',
  first_name: u.first_name,
});
export const groupChat = (id = -100777): Chat.SupergroupChat => ({
  id,
  type: 'supergroup',
  title: 'Study group',
});

export interface MessageInput {
  from: User;
  chat?: Chat;
  text?: string;
  entities?: MessageEntity[];
  replyTo?: Message;
  extra?: Partial<Message>;
  updateId?: number;
}

export function message(input: MessageInput): Message {
  const text = input.text;
  const entities =
    input.entities ??
    (text?.startsWith('/')
      ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/)[0].length }]
      : undefined);
  return {
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: input.chat ?? privateChat(input.from),
    from: input.from,
    ...(text !== undefined ? { text } : {}),
    ...(entities ? { entities } : {}),
    ...(input.replyTo
      ? { reply_to_message: input.replyTo as Message.CommonMessage['reply_to_message'] }
      : {}),
    ...input.extra,
  } as Message;
}

export const messageUpdate = (input: MessageInput): Update => ({
  update_id: input.updateId ?? nextUpdateId++,
  message: message(input) as Update['message'],
});

export const editedUpdate = (input: MessageInput): Update => ({
  update_id: nextUpdateId++,
  edited_message: {
    ...message(input),
    edit_date: Math.floor(Date.now() / 1000),
  } as Update['edited_message'],
});

export function callbackUpdate(input: {
  from: User;
  chat?: Chat;
  messageId: number;
  data: string;
}): Update {
  const chat = input.chat ?? privateChat(input.from);
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: String(nextUpdateId),
      from: input.from,
      chat_instance: 'ci',
      data: input.data,
      message: {
        message_id: input.messageId,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: BOT_INFO,
        text: 'earlier',
      } as Message.TextMessage,
    },
  };
}

/** `@name` mention entity for the first occurrence of `@name` in `text`. */
export function mention(text: string, name: string): MessageEntity {
  return { type: 'mention', offset: text.indexOf(`@${name}`), length: name.length + 1 };
}
