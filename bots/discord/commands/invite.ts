// /invite: Get your invite link.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: { name: 'invite', ...describe('Get your invite link', '获取你的邀请链接'), ...anywhere },
  personal: true,
} satisfies Command;
