// /help: What I can do for you.
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: { name: 'help', ...describe('What I can do for you', '我能为你做什么'), ...anywhere },
  personal: true,
} satisfies Command;
