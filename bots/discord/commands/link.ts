// /link <code>: link this Discord account to an existing xuefen account with a one-time code.
import { anywhere, describe, stringOption } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'link',
    ...describe('Link your account with a code', '用绑定码关联你的账户'),
    options: [
      stringOption('code', 'The code from the web or Telegram', '来自网页或 Telegram 的绑定码', {
        required: true,
        maxLength: 64,
      }),
    ],
    ...anywhere,
  },
  personal: true,
} satisfies Command;
