// Stickers, photos without a caption, voice notes, files…: the assistant reads text only, so a
// private chat gets a one-line hint; in groups they are chatter and are ignored.
import { Composer } from 'grammy';
import type { TelegramContext } from '../telegram.context.js';
import { t } from '../telegram.texts.js';

const composer = new Composer<TelegramContext>();
const privateChat = composer.chatType('private');

privateChat.on('message:sticker', (ctx) => ctx.reply(t(ctx.from.language_code, 'sticker')));

privateChat.on(
  [
    'message:photo',
    'message:voice',
    'message:video',
    'message:video_note',
    'message:audio',
    'message:document',
    'message:animation',
    'message:location',
    'message:contact',
  ],
  (ctx) => ctx.reply(t(ctx.from.language_code, 'media')),
);

export { composer as mediaFeature };
