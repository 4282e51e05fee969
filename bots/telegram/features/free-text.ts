// Free text to the assistant: everything typed in a private chat; in groups only what is
// addressed to the bot (an @mention or a reply to one of its messages), never the chatter.
import { Composer } from 'grammy';
import type { TelegramContext } from '../telegram.context.js';
import { converse } from '../telegram.converse.js';
import { isAddressedToBot, textOf, withoutBotMention } from '../telegram.inbound.js';

const composer = new Composer<TelegramContext>();

// A photo's caption is text the user typed, so captions count as messages too.
composer.chatType('private').on(['message:text', 'message:caption'], async (ctx) => {
  await converse(ctx, { text: textOf(ctx.msg).text });
});

composer
  .chatType(['group', 'supergroup'])
  .on(['message:text', 'message:caption'], async (ctx, next) => {
    if (!isAddressedToBot(ctx.msg, ctx.me)) return next();
    const { text, entities } = textOf(ctx.msg);
    // A bare "@bot" keeps its text so the assistant still has something to greet.
    await converse(ctx, { text: withoutBotMention(text, entities, ctx.me) || text });
  });

export { composer as freeTextFeature };
