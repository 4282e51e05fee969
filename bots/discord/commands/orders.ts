// /orders: Show your orders and redemptions.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'orders',
    ...describe('Show your orders and redemptions', '查看你的订单和兑换记录'),
    ...anywhere,
  },
  personal: true,
} satisfies Command;
