// The path of every message that reaches the assistant: build the Inbound, ask, deliver the
// replies. Private replies asked for in a group go to the user's private chat instead.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Reply } from '../../src/assistant/assistant.types.js';
import type { TelegramContext } from './telegram.context.js';
import { isForbidden } from './telegram.errors.js';
import { buildInbound, type InboundParts } from './telegram.inbound.js';
import { callbackIdsOf, renderReply, type OutgoingMessage } from './telegram.render.js';
import { t } from './telegram.texts.js';

export const isGroupChat = (ctx: TelegramContext) =>
  ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';

export async function ask(ctx: TelegramContext, parts: InboundParts) {
  const inbound = await buildInbound(ctx, parts);
  const started = performance.now();
  const result = await ctx.deps.assistant.handle(inbound);
  ctx.logger.debug(
    {
      intent: result.intent,
      confidence: result.confidence,
      lang: result.lang,
      ms: Math.round(performance.now() - started),
    },
    'assistant answered',
  );
  return result;
}

export async function converse(ctx: TelegramContext, parts: InboundParts): Promise<void> {
  const result = await ask(ctx, parts);
  await deliver(ctx, result.replies, result.lang);
}

/** Sends rendered messages to one chat and remembers their keyboards. Returns false when
 * Telegram refuses (403: blocked, or no private chat yet) so the caller can stop or fall back. */
export async function sendTo(
  ctx: TelegramContext,
  chatId: number,
  messages: OutgoingMessage[],
  replyTo?: number,
): Promise<boolean> {
  for (const m of messages) {
    try {
      const sent = await ctx.api.sendMessage(chatId, m.text, {
        ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
        ...(replyTo
          ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
          : {}),
      });
      remember(ctx, chatId, sent.message_id, m.reply_markup);
    } catch (err) {
      if (!isForbidden(err)) throw err;
      ctx.logger.info(
        { chatId, description: err.description },
        'telegram refused the reply (blocked or no private chat); not sent',
      );
      return false;
    }
  }
  return true;
}

export function remember(
  ctx: TelegramContext,
  chatId: number,
  messageId: number,
  markup: InlineKeyboardMarkup | undefined,
) {
  const ids = callbackIdsOf(markup);
  if (ids.length) ctx.deps.keyboards.remember(chatId, messageId, ids);
}

/** `lang`: the assistant's answer language, for the adapter's own notes around the replies. */
export async function deliver(
  ctx: TelegramContext,
  replies: Reply[],
  lang: string | undefined = ctx.from?.language_code,
): Promise<void> {
  const chat = ctx.chat;
  const from = ctx.from;
  if (!chat) return;
  const group = isGroupChat(ctx);
  // In a group, answer as a reply so the thread shows whom the bot is talking to.
  const replyTo = group ? ctx.message?.message_id : undefined;
  let sentPrivately = false;
  let sentHere = false;
  for (const reply of replies) {
    const messages = renderReply(reply);
    if (group && reply.private && from) {
      if (await sendTo(ctx, from.id, messages)) {
        sentPrivately = true;
        continue;
      }
      const hint = { text: t(lang, 'startPrivately'), reply_markup: openChatKeyboard(ctx, lang) };
      await sendTo(ctx, chat.id, [hint], replyTo);
      sentHere = true;
      continue;
    }
    if (!(await sendTo(ctx, chat.id, messages, replyTo))) return;
    sentHere = true;
  }
  if (sentPrivately && !sentHere)
    await sendTo(ctx, chat.id, [{ text: t(lang, 'sentPrivately') }], replyTo);
}

function openChatKeyboard(ctx: TelegramContext, lang: string | undefined): InlineKeyboardMarkup {
  return {
    inline_keyboard: [[{ text: t(lang, 'openChat'), url: `https://t.me/${ctx.me.username}` }]],
  };
}
