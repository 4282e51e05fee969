// /mall: Browse the points mall.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: { name: 'mall', ...describe('Browse the points mall', '浏览积分商城'), ...anywhere },
  personal: false,
} satisfies Command;
