// The one mapping from failures to Telegram for this adapter (STYLE 4): a user who blocked the
// bot is an info line; anything else is logged as an error and the user gets a short apology.
import { BotError, GrammyError } from 'grammy';
import type { TelegramContext } from './telegram.context.js';
import { t } from './telegram.texts.js';

/** 403 from sendMessage & co: the user blocked the bot, left, or never opened a private chat. */
export function isForbidden(err: unknown): err is GrammyError {
  return err instanceof GrammyError && err.error_code === 403;
}

/** Editing a message to the same text and keyboard: harmless, Telegram just says so. */
export function isNotModified(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code === 400 &&
    /message is not modified/i.test(err.description)
  );
}

export async function onUpdateError(error: BotError<TelegramContext>): Promise<void> {
  const { ctx } = error;
  const err = error.error;
  if (isForbidden(err)) {
    ctx.logger.info(
      { description: err.description, chatId: ctx.chat?.id },
      'telegram refused to deliver (blocked or left); update dropped',
    );
    return;
  }
  ctx.logger.error({ err }, 'telegram update failed');
  // The apology may fail too (blocked, network); that must not escape the boundary.
  try {
    const text = t(ctx.from?.language_code, 'error');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else if (ctx.chat && ctx.message) await ctx.reply(text);
  } catch (apologyErr) {
    ctx.logger.warn({ err: apologyErr }, 'could not tell the user about the failure');
  }
}
