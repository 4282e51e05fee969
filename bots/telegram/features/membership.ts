// my_chat_member: Telegram tells us when a user blocks or unblocks the bot, or when the bot is
// added to or removed from a group. Nothing to answer (a blocked user cannot be answered); logged.
import { Composer } from 'grammy';
import type { TelegramContext } from '../telegram.context.js';

const composer = new Composer<TelegramContext>();

composer.on('my_chat_member', (ctx) => {
  const { chat, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
  const event =
    chat.type === 'private'
      ? after.status === 'kicked'
        ? 'user blocked the bot'
        : 'user unblocked the bot'
      : 'bot membership changed';
  ctx.logger.info(
    { chatId: chat.id, chatType: chat.type, from: before.status, to: after.status },
    event,
  );
});

export { composer as membershipFeature };
