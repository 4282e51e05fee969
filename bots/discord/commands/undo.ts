// /undo: a moderator takes back their last grant; the assistant checks who may and what.
import { describe, guildOnly } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'undo',
    ...describe('Undo your last points grant (moderators)', '撤销你上一次发放的积分（管理员）'),
    ...guildOnly,
  },
  personal: true,
} satisfies Command;
