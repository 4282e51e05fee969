// /top [period]: the points leaderboard of this community.
import { ApplicationCommandOptionType } from 'discord.js';
import { anywhere, describe } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'top',
    ...describe('Points leaderboard', '积分排行榜'),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'period',
        ...describe('Which period (default: this week)', '时间范围（默认本周）'),
        required: false,
        choices: [
          { name: 'This week', name_localizations: { 'zh-CN': '本周' }, value: 'week' },
          { name: 'This month', name_localizations: { 'zh-CN': '本月' }, value: 'month' },
          { name: 'All time', name_localizations: { 'zh-CN': '全部' }, value: 'all' },
        ],
      },
    ],
    ...anywhere,
  },
  personal: false,
} satisfies Command;
