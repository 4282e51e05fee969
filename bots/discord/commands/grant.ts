// /grant <user> <amount> <reason>: a moderator grants points. Who may, caps and audit are the
// assistant's business; the target user travels in context.mentions (and args.user = its id).
import {
  describe,
  guildOnly,
  integerOption,
  stringOption,
  userOption,
} from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'grant',
    ...describe('Grant points to a member (moderators)', '给成员发放积分（管理员）'),
    options: [
      userOption('user', 'Who receives the points', '接收积分的成员'),
      integerOption('amount', 'How many points', '积分数量', {
        required: true,
        min: -1_000_000,
        max: 1_000_000,
      }),
      stringOption('reason', 'Why (kept in the audit log)', '原因（记入审计日志）', {
        required: true,
        maxLength: 200,
      }),
    ],
    ...guildOnly,
  },
  personal: true,
} satisfies Command;
