// Edited messages are not answered again. An edit arrives as a new update with a new update_id,
// so re-running "/grant @bob 50" after a typo fix would act twice; users resend instead.
import { Composer } from 'grammy';
import type { TelegramContext } from '../telegram.context.js';

const composer = new Composer<TelegramContext>();

composer.on(['edited_message', 'edited_channel_post'], (ctx) => {
  ctx.logger.debug({ chatId: ctx.chat?.id }, 'edited message ignored');
});

export { composer as editsFeature };
