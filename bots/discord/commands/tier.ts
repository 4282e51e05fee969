// /tier: Show your membership tier.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: { name: 'tier', ...describe('Show your membership tier', '查看你的会员等级'), ...anywhere },
  personal: true,
} satisfies Command;
