// /balance: Show your points balance.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'balance',
    ...describe('Show your points balance', '查看你的积分余额'),
    ...anywhere,
  },
  personal: true,
} satisfies Command;
