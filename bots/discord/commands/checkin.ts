// /checkin: Daily check-in for points.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'checkin',
    ...describe('Daily check-in for points', '每日签到领积分'),
    ...anywhere,
  },
  personal: true,
} satisfies Command;
