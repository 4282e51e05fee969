// /history: Show your recent points history.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'history',
    ...describe('Show your recent points history', '查看最近的积分明细'),
    ...anywhere,
  },
  personal: true,
} satisfies Command;
