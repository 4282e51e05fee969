// Inline button taps: the button id goes to the assistant as Inbound.action; the query is
// answered (the spinner stops) and the original message is edited to the first reply, which
// removes or replaces the keyboard, so a second tap finds nothing to do.
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { TelegramContext } from '../telegram.context.js';
import { ask, deliver, isGroupChat, sendTo } from '../telegram.converse.js';
import { isNotModified } from '../telegram.errors.js';
import {
  callbackIdsOf,
  NO_KEYBOARD,
  renderReply,
  type OutgoingMessage,
} from '../telegram.render.js';
import { t } from '../telegram.texts.js';

const composer = new Composer<TelegramContext>();

composer.on('callback_query:data', async (ctx) => {
  const data = ctx.callbackQuery.data;
  // A message older than 48 hours comes as "inaccessible" (date 0): it can no longer be edited.
  const msg = ctx.callbackQuery.message;
  const editable = msg && msg.date !== 0 ? (msg as Message) : undefined;
  const claim = editable
    ? ctx.deps.keyboards.claim(editable.chat.id, editable.message_id, data)
    : 'unknown';
  if (claim === 'stale') {
    ctx.logger.info({ data }, 'tap on a spent keyboard ignored');
    await answer(ctx, t(ctx.from.language_code, 'staleButton'));
    return;
  }
  let result;
  try {
    result = await ask(ctx, { action: data });
  } catch (err) {
    // Let the user try the same button again once the failure is over.
    if (claim === 'fresh' && editable)
      ctx.deps.keyboards.release(editable.chat.id, editable.message_id, [data]);
    throw err;
  }
  await answer(ctx);

  const [first, ...rest] = result.replies;
  const firstStaysHere = first && !(first.private && isGroupChat(ctx));
  if (!editable) return deliver(ctx, result.replies, result.lang);
  if (!firstStaysHere) {
    await edit(ctx, editable, undefined);
    return deliver(ctx, result.replies, result.lang);
  }
  const [head, ...more] = renderReply(first);
  await edit(ctx, editable, head);
  if (more.length) await sendTo(ctx, editable.chat.id, more);
  await deliver(ctx, rest, result.lang);
});

async function answer(ctx: TelegramContext, text?: string) {
  try {
    await ctx.answerCallbackQuery(text ? { text } : undefined);
  } catch (err) {
    // Too late (Telegram allows about 15 s) or already answered: the outcome still follows.
    ctx.logger.info({ err }, 'answerCallbackQuery failed');
  }
}

/** Replaces the tapped message with the outcome, or (no outcome to show here) drops its keyboard. */
async function edit(ctx: TelegramContext, msg: Message, head: OutgoingMessage | undefined) {
  const markup = head?.reply_markup ?? NO_KEYBOARD;
  try {
    if (head)
      await ctx.api.editMessageText(msg.chat.id, msg.message_id, head.text, {
        reply_markup: markup,
      });
    else
      await ctx.api.editMessageReplyMarkup(msg.chat.id, msg.message_id, { reply_markup: markup });
  } catch (err) {
    if (!isNotModified(err)) throw err;
  }
  // Recorded even when empty: a spent keyboard must stay spent, not become unknown.
  ctx.deps.keyboards.remember(msg.chat.id, msg.message_id, callbackIdsOf(markup));
}

export { composer as buttonsFeature };
